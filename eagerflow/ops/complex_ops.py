"""Complex numbers: `tf.complex`, `conj`, `real`, `imag`, `angle`.

On real tensors `conj` and `real` return the input and `imag` zeros, as TF does.

Gradients of every op follow TF's convention for complex values: for a real loss L, the
gradient with respect to z is dL/dRe(z) + i dL/dIm(z), so a holomorphic y = f(z) has the
gradient function grad * conj(f'(z)) (`conj_if_complex` is that conjugate, free for real
tensors).
"""

from __future__ import annotations

import math
from typing import Any

from eagerflow.core import dtypes
from eagerflow.core.convert import binary_operands, convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops import _shape_rules as rules
from eagerflow.ops._dtype_kinds import check_kind, kind_of

_COMPLEX_OF = {dtypes.float32: dtypes.complex64, dtypes.float64: dtypes.complex128}
_REAL_OF = {dtypes.complex64: dtypes.float32, dtypes.complex128: dtypes.float64}


def _complex_rule(re: TensorSpec, im: TensorSpec) -> TensorSpec:
    shape = rules.broadcast_shapes("Complex", re.shape, im.shape)
    return TensorSpec(shape, _COMPLEX_OF[re.dtype])


def _part_rule(x: TensorSpec) -> TensorSpec:
    return TensorSpec(x.shape, _REAL_OF[x.dtype])


COMPLEX = Primitive("Complex", lambda xp, re, im: re + 1j * im, _complex_rule)
CONJ = Primitive("Conj", lambda xp, x: xp.conj(x), rules.unary)
REAL = Primitive("Real", lambda xp, x: xp.real(x).copy(), _part_rule)
IMAG = Primitive("Imag", lambda xp, x: xp.imag(x).copy(), _part_rule)
ANGLE = Primitive("Angle", lambda xp, x: xp.angle(x), _part_rule)


@RegisterGradient("Complex")
def _complex_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops._broadcasting import unbroadcast  # noqa: PLC0415

    re, im = op.inputs
    return [unbroadcast(real(grad), re), unbroadcast(imag(grad), im)]


@RegisterGradient("Conj")
def _conj_grad(op: Any, grad: Tensor) -> Tensor:
    return conj(grad)


@RegisterGradient("Real")
def _real_grad(op: Any, grad: Tensor) -> Tensor:
    from eagerflow.ops.array_ops import zeros_like  # noqa: PLC0415

    return complex(grad, zeros_like(grad))


@RegisterGradient("Imag")
def _imag_grad(op: Any, grad: Tensor) -> Tensor:
    from eagerflow.ops.array_ops import zeros_like  # noqa: PLC0415

    return complex(zeros_like(grad), grad)


@RegisterGradient("Angle")
def _angle_grad(op: Any, grad: Tensor) -> Tensor:
    # angle(a + ib) = atan2(b, a): d/da = -b / |z|^2, d/db = a / |z|^2, so the gradient is
    # grad * (-b + ia) / |z|^2 = -grad / (b + ia), as TF writes it.
    from eagerflow.ops.array_ops import zeros_like  # noqa: PLC0415
    from eagerflow.ops.math_ops import divide, negative  # noqa: PLC0415

    x = op.inputs[0]
    swapped = complex(imag(x), real(x))
    return negative(divide(complex(grad, zeros_like(grad)), swapped))


def conj_if_complex(x: Tensor) -> Tensor:
    """conj(x) for a complex tensor; x itself, with no op, for a real one.

    Gradient functions multiply by `conj_if_complex(f'(z))` (TF's convention), so the real
    path pays one dtype check and nothing else.
    """
    return execute(CONJ, (x,)) if kind_of(x) == "c" else x


def complex(real: Any, imag: Any, name: Any = None) -> Tensor:  # noqa: A001 (TF's name)
    """Builds a complex tensor from float real and imaginary parts (float32 -> complex64).

    Example:
        >>> tf.complex(1.0, 2.0).numpy()
        (1+2j)
    """
    re, im = binary_operands("Complex", real, imag)
    check_kind("Complex", re, "f", "float32 or float64", "real")
    if re.dtype not in _COMPLEX_OF:
        raise TypeError(f"Complex: `real` must be float32 or float64, got {re.dtype.name}")
    return execute(COMPLEX, (re, im))


def conj(x: Any, name: Any = None) -> Tensor:
    """Complex conjugate elementwise; a real tensor is returned unchanged.

    Example:
        >>> tf.math.conj(tf.complex(1.0, 2.0)).numpy()
        (1-2j)
    """
    x = convert_to_tensor(x)
    return execute(CONJ, (x,)) if kind_of(x) == "c" else x


def real(input: Any, name: Any = None) -> Tensor:  # noqa: A002 (TF's name)
    """The real part of a complex tensor; a real tensor is returned unchanged.

    Example:
        >>> tf.math.real(tf.complex(1.0, 2.0)).numpy()
        1.0
    """
    x = convert_to_tensor(input)
    return execute(REAL, (x,)) if kind_of(x) == "c" else x


def angle(input: Any, name: Any = None) -> Tensor:  # noqa: A002 (TF's name)
    """The argument of each complex element, atan2(imag, real), in [-pi, pi] (complex64 ->
    float32); for a real float tensor pi where it is negative and 0 elsewhere, as TF.

    Example:
        >>> tf.math.angle(tf.complex(-1.0, 1.0)).numpy()  # 3 pi / 4
        2.3561945
        >>> tf.math.angle(tf.constant([-2.0, 3.0])).numpy()
        array([3.1415927, 0.       ], dtype=float32)
    """
    x = convert_to_tensor(input)
    kind = kind_of(x)
    if kind == "c":
        return execute(ANGLE, (x,))
    if kind != "f":
        raise TypeError(f"angle: `input` must be floating-point or complex, got {x.dtype.name}")
    from eagerflow.ops.array_ops import ones_like, zeros_like  # noqa: PLC0415
    from eagerflow.ops.math_ops import less, multiply  # noqa: PLC0415
    from eagerflow.ops.select_ops import where  # noqa: PLC0415

    return where(less(x, 0), multiply(ones_like(x), math.pi), zeros_like(x))


def imag(input: Any, name: Any = None) -> Tensor:  # noqa: A002 (TF's name)
    """The imaginary part of a complex tensor; zeros for a real tensor.

    Example:
        >>> tf.math.imag(tf.complex(1.0, 2.0)).numpy()
        2.0
    """
    from eagerflow.ops.array_ops import zeros_like  # noqa: PLC0415

    x = convert_to_tensor(input)
    return execute(IMAG, (x,)) if kind_of(x) == "c" else zeros_like(x)

"""More elementwise binary math: pow, maximum, minimum, squared_difference, the division
variants (`divide_no_nan`, `realdiv`, TF1 `div`, `truncatediv`, `truncatemod`) and the
zero-safe products (`xlogy`, `xdivy`, `xlog1py`, `multiply_no_nan`).

The core arithmetic (add, subtract, multiply, divide, comparisons) is in `math_ops.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eagerflow.core import errors
from eagerflow.core.convert import binary_operands
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient, no_gradient
from eagerflow.core.tensor import Tensor, override_operator
from eagerflow.ops import _shape_rules as rules
from eagerflow.ops._broadcasting import unbroadcast
from eagerflow.ops._dtype_kinds import check_kind, kind_of
from eagerflow.ops.complex_ops import conj_if_complex
from eagerflow.ops.math_ops import (
    FLOOR_DIV,
    REAL_DIV,
    _binary,
    _needs,
    _reflected,
    add,
    greater,
    greater_equal,
    less_equal,
    log,
    multiply,
    negative,
    not_equal,
    square,
    subtract,
)


# -- pow, maximum, minimum, squared difference, division without NaN ------------------------
def _pow_kernel(xp: Any, x: Any, y: Any) -> Any:
    if x.dtype.kind in "iu" and (y < 0).any():
        raise errors.InvalidArgumentError(
            None, None, "Pow: integers to negative integer powers are not allowed"
        )
    return xp.power(x, y)


def _div_no_nan_kernel(xp: Any, x: Any, y: Any) -> Any:
    zero = y == 0
    return xp.where(zero, 0, x / xp.where(zero, 1, y)).astype(x.dtype, copy=False)


POW = Primitive("Pow", _pow_kernel, rules.broadcasting("Pow"))
MAXIMUM = Primitive("Maximum", lambda xp, x, y: xp.maximum(x, y), rules.broadcasting("Maximum"))
MINIMUM = Primitive("Minimum", lambda xp, x, y: xp.minimum(x, y), rules.broadcasting("Minimum"))


def _squared_difference_kernel(xp: Any, x: Any, y: Any) -> Any:
    d = x - y
    # Complex: (x - y) * conj(x - y) = |x - y|^2 with a zero imaginary part, as TF.
    return d * xp.conj(d) if d.dtype.kind == "c" else xp.square(d)


SQUARED_DIFFERENCE = Primitive(
    "SquaredDifference", _squared_difference_kernel, rules.broadcasting("SquaredDifference")
)
DIV_NO_NAN = Primitive("DivNoNan", _div_no_nan_kernel, rules.broadcasting("DivNoNan"))


@RegisterGradient("Pow")
def _pow_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415

    x, y = op.inputs
    z = op.outputs[0]
    gx = gy = None
    if _needs(op, 0):
        gx = unbroadcast(multiply(grad, conj_if_complex(multiply(y, pow(x, subtract(y, 1))))), x)
    if _needs(op, 1):
        # d/dy x^y = x^y log(x), taken as 0 where x <= 0 (TF's convention; complex: where
        # x = 0); the mask keeps the log's argument away from 0 so no NaN leaks into the product.
        kept = not_equal(x, 0) if kind_of(x) == "c" else greater(x, 0)
        positive = cast(kept, x.dtype)
        log_x = multiply(log(add(multiply(x, positive), subtract(1, positive))), positive)
        gy = unbroadcast(multiply(grad, conj_if_complex(multiply(z, log_x))), y)
    return [gx, gy]


def _select_grads(op: Any, grad: Tensor, x_wins: Tensor) -> list:
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415

    x, y = op.inputs
    gx = multiply(grad, cast(x_wins, grad.dtype))
    return [unbroadcast(gx, x), unbroadcast(subtract(grad, gx), y)]


@RegisterGradient("Maximum")
def _maximum_grad(op: Any, grad: Tensor) -> list:
    # Ties send the whole gradient to x, as TF.
    return _select_grads(op, grad, greater_equal(op.inputs[0], op.inputs[1]))


@RegisterGradient("Minimum")
def _minimum_grad(op: Any, grad: Tensor) -> list:
    return _select_grads(op, grad, less_equal(op.inputs[0], op.inputs[1]))


@RegisterGradient("SquaredDifference")
def _squared_difference_grad(op: Any, grad: Tensor) -> list:
    x, y = op.inputs
    if kind_of(x) == "c":
        # |x - y|^2 is real, so only the real part of `grad` acts on it: 2 re(grad) (x - y).
        # (TF multiplies by the whole complex `grad`; that differs when grad has an imaginary
        # part, and finite differences agree with this form.)
        from eagerflow.ops.cast_ops import cast  # noqa: PLC0415
        from eagerflow.ops.complex_ops import real  # noqa: PLC0415

        grad = cast(real(grad), x.dtype)
    gx = multiply(grad, multiply(subtract(x, y), 2))
    return [unbroadcast(gx, x), unbroadcast(negative(gx), y)]


@RegisterGradient("DivNoNan")
def _div_no_nan_grad(op: Any, grad: Tensor) -> list:
    x_in, y_in = op.inputs
    x, y = conj_if_complex(x_in), conj_if_complex(y_in)
    gx = divide_no_nan(grad, y)
    gy = multiply(grad, divide_no_nan(divide_no_nan(negative(x), y), y))
    return [unbroadcast(gx, x_in), unbroadcast(gy, y_in)]


def pow(x: Any, y: Any, name: Any = None) -> Tensor:  # noqa: A001 (TF's name)
    """Computes x ** y elementwise, with broadcasting.

    Example:
        >>> tf.pow(tf.constant([2, 3]), 2).numpy()
        array([4, 9], dtype=int32)
    """
    return _binary(POW, x, y)


def maximum(x: Any, y: Any, name: Any = None) -> Tensor:
    """Returns the elementwise maximum; the gradient goes to x where x >= y, as TF.

    Example:
        >>> tf.maximum(tf.constant([1.0, 5.0]), 3.0).numpy()
        array([3., 5.], dtype=float32)
    """
    return _ordered_binary(MAXIMUM, x, y)


def minimum(x: Any, y: Any, name: Any = None) -> Tensor:
    """Returns the elementwise minimum; the gradient goes to x where x <= y, as TF.

    Example:
        >>> tf.minimum(tf.constant([1.0, 5.0]), 3.0).numpy()
        array([1., 3.], dtype=float32)
    """
    return _ordered_binary(MINIMUM, x, y)


def _ordered_binary(prim: Primitive, x: Any, y: Any) -> Tensor:
    # Complex numbers have no order: TF's Maximum/Minimum kernels reject them.
    if type(x) is Tensor and type(y) is Tensor and x._value.dtype == y._value.dtype:
        operands = (x, y)
    else:
        operands = binary_operands(prim.name, x, y)
    check_kind(prim.name, operands[0], "fiub", "a real")
    return execute(prim, operands)


def squared_difference(x: Any, y: Any, name: Any = None) -> Tensor:
    """Returns (x - y) * (x - y) elementwise.

    Example:
        >>> tf.math.squared_difference(3.0, 1.0).numpy()
        4.0
    """
    return _binary(SQUARED_DIFFERENCE, x, y)


def divide_no_nan(x: Any, y: Any, name: Any = None) -> Tensor:
    """Computes x / y elementwise, giving 0 where y is 0 (even for x = 0 or inf).

    Example:
        >>> tf.math.divide_no_nan(tf.constant([1.0, 2.0]), tf.constant([0.0, 4.0])).numpy()
        array([0. , 0.5], dtype=float32)
    """
    x, y = binary_operands("DivNoNan", x, y)
    check_kind("DivNoNan", x, "fc", "floating-point inputs")
    return execute(DIV_NO_NAN, (x, y))


def realdiv(x: Any, y: Any, name: Any = None) -> Tensor:
    """Divides x by y elementwise, in the inputs' dtype (`tf.realdiv`).

    Example:
        >>> tf.realdiv(1.0, 4.0).numpy()
        0.25
    """
    return _binary(REAL_DIV, x, y)


def div(x: Any, y: Any, name: Any = None) -> Tensor:
    """TF1's `tf.div`: Python 2 division, flooring for integers, true division for floats.

    Example:
        >>> tf.compat.v1.div(7, 2).numpy()
        3
    """
    x, y = binary_operands("Div", x, y)
    if kind_of(x) in "iub":
        return execute(FLOOR_DIV, (x, y))
    return execute(REAL_DIV, (x, y))


def scalar_mul(scalar: Any, x: Any, name: Any = None) -> Tensor:
    """Multiplies the tensor x by a scalar.

    Example:
        >>> tf.math.scalar_mul(2.0, tf.constant([1.0, 2.0])).numpy()
        array([2., 4.], dtype=float32)
    """
    return multiply(scalar, x)


div_no_nan = divide_no_nan


def _zero_where_x_is_zero(of_y: Callable[[Any, Any], Any]) -> Any:
    def kernel(xp: Any, x: Any, y: Any) -> Any:
        return xp.where(x == 0, 0, x * of_y(xp, y)).astype(x.dtype, copy=False)

    return kernel


def _mul_no_nan_kernel(xp: Any, x: Any, y: Any) -> Any:
    return xp.where(y == 0, 0, x * y).astype(x.dtype, copy=False)


def _truncate_div_kernel(xp: Any, x: Any, y: Any) -> Any:
    if x.dtype.kind in "fc":
        return xp.trunc(x / y)
    quotient = xp.floor_divide(x, y)
    # Floor division rounds toward -inf; truncation rounds toward 0 when the signs differ.
    inexact = (quotient * y != x) & ((x < 0) != (y < 0))
    return (quotient + inexact).astype(x.dtype, copy=False)


XLOGY = Primitive(
    "Xlogy", _zero_where_x_is_zero(lambda xp, y: xp.log(y)), rules.broadcasting("Xlogy")
)
XLOG1PY = Primitive(
    "Xlog1py", _zero_where_x_is_zero(lambda xp, y: xp.log1p(y)), rules.broadcasting("Xlog1py")
)
XDIVY = Primitive("Xdivy", _zero_where_x_is_zero(lambda xp, y: 1 / y), rules.broadcasting("Xdivy"))
MUL_NO_NAN = Primitive("MulNoNan", _mul_no_nan_kernel, rules.broadcasting("MulNoNan"))
TRUNCATE_DIV = Primitive("TruncateDiv", _truncate_div_kernel, rules.broadcasting("TruncateDiv"))
TRUNCATE_MOD = Primitive(
    "TruncateMod", lambda xp, x, y: xp.fmod(x, y), rules.broadcasting("TruncateMod")
)
no_gradient("TruncateDiv")
no_gradient("TruncateMod")


def _nonzero(x: Tensor) -> Tensor:
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415

    return cast(not_equal(x, 0), x.dtype)


# Complex inputs: the derivatives are conjugated (TF's convention; TF's own gradients of these
# four ops omit the conjugate, which finite differences contradict).
@RegisterGradient("Xlogy")
def _xlogy_grad(op: Any, grad: Tensor) -> list:
    x, y = op.inputs
    gx = multiply(grad, conj_if_complex(xlogy(_nonzero(x), y)))
    gy = multiply(grad, conj_if_complex(xdivy(x, y)))
    return [unbroadcast(gx, x), unbroadcast(gy, y)]


@RegisterGradient("Xlog1py")
def _xlog1py_grad(op: Any, grad: Tensor) -> list:
    x, y = op.inputs
    gx = multiply(grad, conj_if_complex(xlog1py(_nonzero(x), y)))
    gy = multiply(grad, conj_if_complex(xdivy(x, add(y, 1))))
    return [unbroadcast(gx, x), unbroadcast(gy, y)]


@RegisterGradient("Xdivy")
def _xdivy_grad(op: Any, grad: Tensor) -> list:
    x, y = op.inputs
    gx = multiply(grad, conj_if_complex(xdivy(_nonzero(x), y)))
    gy = multiply(grad, conj_if_complex(xdivy(negative(x), square(y))))
    return [unbroadcast(gx, x), unbroadcast(gy, y)]


@RegisterGradient("MulNoNan")
def _mul_no_nan_grad(op: Any, grad: Tensor) -> list:
    x, y = op.inputs
    cx, cy = conj_if_complex(x), conj_if_complex(y)
    return [unbroadcast(multiply_no_nan(grad, cy), x), unbroadcast(multiply_no_nan(cx, grad), y)]


def _float_binary(prim: Primitive, x: Any, y: Any) -> Tensor:
    x, y = binary_operands(prim.name, x, y)
    check_kind(prim.name, x, "fc", "floating-point")
    return execute(prim, (x, y))


def xlogy(x: Any, y: Any, name: Any = None) -> Tensor:
    """Computes x * log(y), or 0 where x is 0 (even where y is 0 or NaN).

    Example:
        >>> tf.math.xlogy(tf.constant([0.0, 2.0]), tf.constant([0.0, 1.0])).numpy()
        array([0., 0.], dtype=float32)
    """
    return _float_binary(XLOGY, x, y)


def xlog1py(x: Any, y: Any, name: Any = None) -> Tensor:
    """Computes x * log1p(y), or 0 where x is 0.

    Example:
        >>> tf.math.xlog1py(tf.constant([0.0, 2.0]), tf.constant([-1.0, 0.0])).numpy()
        array([0., 0.], dtype=float32)
    """
    return _float_binary(XLOG1PY, x, y)


def xdivy(x: Any, y: Any, name: Any = None) -> Tensor:
    """Computes x / y, or 0 where x is 0 (even where y is 0).

    Example:
        >>> tf.math.xdivy(tf.constant([0.0, 2.0]), tf.constant([0.0, 4.0])).numpy()
        array([0. , 0.5], dtype=float32)
    """
    return _float_binary(XDIVY, x, y)


def multiply_no_nan(x: Any, y: Any, name: Any = None) -> Tensor:
    """Computes x * y, or 0 where y is 0 (even where x is inf or NaN).

    Example:
        >>> x, y = tf.constant([float("inf"), 2.0]), tf.constant([0.0, 3.0])
        >>> tf.math.multiply_no_nan(x, y).numpy()
        array([0., 6.], dtype=float32)
    """
    return _float_binary(MUL_NO_NAN, x, y)


def truncatediv(x: Any, y: Any, name: Any = None) -> Tensor:
    """Divides x by y elementwise, rounding toward zero (C semantics).

    Example:
        >>> tf.truncatediv(tf.constant([-7, 7]), 2).numpy()
        array([-3,  3], dtype=int32)
    """
    x, y = binary_operands("TruncateDiv", x, y)
    return execute(TRUNCATE_DIV, (x, y))


def truncatemod(x: Any, y: Any, name: Any = None) -> Tensor:
    """Remainder of truncating division, with the sign of x (C's fmod).

    Example:
        >>> tf.truncatemod(tf.constant([-7, 7]), 3).numpy()
        array([-1,  1], dtype=int32)
    """
    x, y = binary_operands("TruncateMod", x, y)
    check_kind("TruncateMod", x, "fiu", "real numeric")
    return execute(TRUNCATE_MOD, (x, y))


override_operator("__pow__", pow)
override_operator("__rpow__", _reflected(pow))

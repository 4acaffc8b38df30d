"""Elementwise unary math: abs, sign, roots, trigonometric and hyperbolic functions, rounding,
sigmoid and the float predicates (`is_nan`, ...).

Binary arithmetic lives in `math_ops.py`, special functions in `math_special_ops.py`.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core import dtypes
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient, no_gradient
from eagerflow.core.tensor import Tensor, override_operator
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops import _shape_rules as rules
from eagerflow.ops._dtype_kinds import check_kind
from eagerflow.ops.complex_ops import conj_if_complex
from eagerflow.ops.math_ops import add, divide, multiply, negative, square, subtract

_FLOAT = "fc"
_REAL = "f"
_NUMERIC = "fciu"
_WANTED = {
    _FLOAT: "a floating-point or complex",
    _REAL: "a floating-point",
    _NUMERIC: "a numeric",
    "fiu": "a real numeric",
}


def _unary(prim: Primitive, x: Any, kinds: str) -> Tensor:
    x = x if type(x) is Tensor else convert_to_tensor(x)
    check_kind(prim.name, x, kinds, _WANTED[kinds])
    return execute(prim, (x,))


def _predicate_rule(x: TensorSpec) -> TensorSpec:
    return TensorSpec(x.shape, dtypes.bool_)


def _sigmoid_kernel(xp: Any, x: Any) -> Any:
    if x.dtype.kind == "c":
        return 1 / (1 + xp.exp(-x))  # as TF's complex kernel (no order to split on)
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def _round_kernel(xp: Any, x: Any) -> Any:
    return x if x.dtype.kind in "iu" else xp.round(x)  # round half to even, as TF


def _abs_rule(x: TensorSpec) -> TensorSpec:
    # |z| of a complex tensor is real (ComplexAbs in TF).
    return TensorSpec(x.shape, _REAL_PART.get(x.dtype, x.dtype))


_REAL_PART = {dtypes.complex64: dtypes.float32, dtypes.complex128: dtypes.float64}
ABS = Primitive("Abs", lambda xp, x: xp.abs(x), _abs_rule)
SIGN = Primitive("Sign", lambda xp, x: xp.sign(x), rules.unary)
SQRT = Primitive("Sqrt", lambda xp, x: xp.sqrt(x), rules.unary)
RSQRT = Primitive("Rsqrt", lambda xp, x: 1 / xp.sqrt(x), rules.unary)
RECIPROCAL = Primitive("Reciprocal", lambda xp, x: xp.reciprocal(x), rules.unary)
EXPM1 = Primitive("Expm1", lambda xp, x: xp.expm1(x), rules.unary)
LOG1P = Primitive("Log1p", lambda xp, x: xp.log1p(x), rules.unary)
SIN = Primitive("Sin", lambda xp, x: xp.sin(x), rules.unary)
COS = Primitive("Cos", lambda xp, x: xp.cos(x), rules.unary)
TAN = Primitive("Tan", lambda xp, x: xp.tan(x), rules.unary)
ASIN = Primitive("Asin", lambda xp, x: xp.arcsin(x), rules.unary)
ACOS = Primitive("Acos", lambda xp, x: xp.arccos(x), rules.unary)
ATAN = Primitive("Atan", lambda xp, x: xp.arctan(x), rules.unary)
SINH = Primitive("Sinh", lambda xp, x: xp.sinh(x), rules.unary)
COSH = Primitive("Cosh", lambda xp, x: xp.cosh(x), rules.unary)
ASINH = Primitive("Asinh", lambda xp, x: xp.arcsinh(x), rules.unary)
ACOSH = Primitive("Acosh", lambda xp, x: xp.arccosh(x), rules.unary)
ATANH = Primitive("Atanh", lambda xp, x: xp.arctanh(x), rules.unary)
SIGMOID = Primitive("Sigmoid", _sigmoid_kernel, rules.unary)
ATAN2 = Primitive("Atan2", lambda xp, y, x: xp.arctan2(y, x), rules.broadcasting("Atan2"))
FLOOR = Primitive("Floor", lambda xp, x: xp.floor(x), rules.unary)
CEIL = Primitive("Ceil", lambda xp, x: xp.ceil(x), rules.unary)
ROUND = Primitive("Round", _round_kernel, rules.unary)
RINT = Primitive("Rint", lambda xp, x: xp.rint(x), rules.unary)
IS_NAN = Primitive("IsNan", lambda xp, x: xp.isnan(x), _predicate_rule)
IS_INF = Primitive("IsInf", lambda xp, x: xp.isinf(x), _predicate_rule)
IS_FINITE = Primitive("IsFinite", lambda xp, x: xp.isfinite(x), _predicate_rule)
# Piecewise constant: TF registers no gradient (None) for these.
for _prim in (SIGN, FLOOR, CEIL, ROUND, RINT, IS_NAN, IS_INF, IS_FINITE):
    no_gradient(_prim.name)


# -- gradients: written with public ops, so they differentiate again --------------------------
@RegisterGradient("Abs")
def _abs_grad(op: Any, grad: Tensor) -> Tensor:
    x = op.inputs[0]
    if x.dtype.is_complex:
        # grad * z / |z| (0 at z = 0), written so that it differentiates again.
        from eagerflow.ops.array_ops import zeros_like  # noqa: PLC0415
        from eagerflow.ops.complex_ops import complex  # noqa: PLC0415
        from eagerflow.ops.math_ops import divide_no_nan  # noqa: PLC0415

        scale = divide_no_nan(grad, op.outputs[0])
        return multiply(complex(scale, zeros_like(scale)), x)
    return multiply(grad, sign(x))


# Complex inputs: each derivative is conjugated (TF's convention; `conj_if_complex` is no op
# for real tensors), as in TF's math_grad.py.
@RegisterGradient("Sqrt")
def _sqrt_grad(op: Any, grad: Tensor) -> Tensor:
    return divide(grad, multiply(conj_if_complex(op.outputs[0]), 2))


@RegisterGradient("Rsqrt")
def _rsqrt_grad(op: Any, grad: Tensor) -> Tensor:
    y = conj_if_complex(op.outputs[0])
    return multiply(grad, multiply(multiply(y, square(y)), -0.5))


@RegisterGradient("Reciprocal")
def _reciprocal_grad(op: Any, grad: Tensor) -> Tensor:
    return negative(multiply(grad, square(conj_if_complex(op.outputs[0]))))


@RegisterGradient("Expm1")
def _expm1_grad(op: Any, grad: Tensor) -> Tensor:
    from eagerflow.ops.math_ops import exp  # noqa: PLC0415

    return multiply(grad, exp(conj_if_complex(op.inputs[0])))


@RegisterGradient("Log1p")
def _log1p_grad(op: Any, grad: Tensor) -> Tensor:
    return divide(grad, add(conj_if_complex(op.inputs[0]), 1))


@RegisterGradient("Sin")
def _sin_grad(op: Any, grad: Tensor) -> Tensor:
    return multiply(grad, cos(conj_if_complex(op.inputs[0])))


@RegisterGradient("Cos")
def _cos_grad(op: Any, grad: Tensor) -> Tensor:
    return negative(multiply(grad, sin(conj_if_complex(op.inputs[0]))))


@RegisterGradient("Tan")
def _tan_grad(op: Any, grad: Tensor) -> Tensor:
    return multiply(grad, square(reciprocal(cos(conj_if_complex(op.inputs[0])))))


@RegisterGradient("Asin")
def _asin_grad(op: Any, grad: Tensor) -> Tensor:
    return multiply(grad, rsqrt(subtract(1, square(conj_if_complex(op.inputs[0])))))


@RegisterGradient("Acos")
def _acos_grad(op: Any, grad: Tensor) -> Tensor:
    return negative(multiply(grad, rsqrt(subtract(1, square(conj_if_complex(op.inputs[0]))))))


@RegisterGradient("Atan")
def _atan_grad(op: Any, grad: Tensor) -> Tensor:
    return divide(grad, add(square(conj_if_complex(op.inputs[0])), 1))


@RegisterGradient("Atan2")
def _atan2_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops._broadcasting import unbroadcast  # noqa: PLC0415

    y, x = op.inputs
    scale = divide(grad, add(square(x), square(y)))
    gy = unbroadcast(multiply(scale, x), y)
    return [gy, unbroadcast(negative(multiply(scale, y)), x)]


@RegisterGradient("Sinh")
def _sinh_grad(op: Any, grad: Tensor) -> Tensor:
    return multiply(grad, cosh(conj_if_complex(op.inputs[0])))


@RegisterGradient("Cosh")
def _cosh_grad(op: Any, grad: Tensor) -> Tensor:
    return multiply(grad, sinh(conj_if_complex(op.inputs[0])))


@RegisterGradient("Asinh")
def _asinh_grad(op: Any, grad: Tensor) -> Tensor:
    return divide(grad, cosh(conj_if_complex(op.outputs[0])))


@RegisterGradient("Acosh")
def _acosh_grad(op: Any, grad: Tensor) -> Tensor:
    return divide(grad, sinh(conj_if_complex(op.outputs[0])))


@RegisterGradient("Atanh")
def _atanh_grad(op: Any, grad: Tensor) -> Tensor:
    return divide(grad, subtract(1, square(conj_if_complex(op.inputs[0]))))


@RegisterGradient("Sigmoid")
def _sigmoid_grad(op: Any, grad: Tensor) -> Tensor:
    y = conj_if_complex(op.outputs[0])
    return multiply(grad, multiply(y, subtract(1, y)))


# -- public functions ---------------------------------------------------------------------------
def abs(x: Any, name: Any = None) -> Tensor:  # noqa: A001 (TF's name)
    """Computes the absolute value elementwise.

    Example:
        >>> tf.abs(tf.constant([-2.0, 3.0])).numpy()
        array([2., 3.], dtype=float32)
    """
    return _unary(ABS, x, _NUMERIC)


def sign(x: Any, name: Any = None) -> Tensor:
    """Returns -1, 0 or 1 by the sign of x, elementwise (NaN stays NaN).

    Example:
        >>> tf.sign(tf.constant([-2, 0, 3])).numpy()
        array([-1,  0,  1], dtype=int32)
    """
    return _unary(SIGN, x, _NUMERIC)


def sqrt(x: Any, name: Any = None) -> Tensor:
    """Computes the square root elementwise.

    Example:
        >>> tf.sqrt(4.0).numpy()
        2.0
    """
    return _unary(SQRT, x, _FLOAT)


def rsqrt(x: Any, name: Any = None) -> Tensor:
    """Computes 1 / sqrt(x) elementwise.

    Example:
        >>> tf.math.rsqrt(4.0).numpy()
        0.5
    """
    return _unary(RSQRT, x, _FLOAT)


def reciprocal(x: Any, name: Any = None) -> Tensor:
    """Computes 1 / x elementwise.

    Example:
        >>> tf.math.reciprocal(4.0).numpy()
        0.25
    """
    return _unary(RECIPROCAL, x, _NUMERIC)


def expm1(x: Any, name: Any = None) -> Tensor:
    """Computes exp(x) - 1 elementwise, accurately for small x.

    Example:
        >>> tf.math.expm1(0.0).numpy()
        0.0
    """
    return _unary(EXPM1, x, _FLOAT)


def log1p(x: Any, name: Any = None) -> Tensor:
    """Computes log(1 + x) elementwise, accurately for small x.

    Example:
        >>> tf.math.log1p(0.0).numpy()
        0.0
    """
    return _unary(LOG1P, x, _FLOAT)


def sin(x: Any, name: Any = None) -> Tensor:
    """Computes sine elementwise.

    Example:
        >>> tf.sin(0.0).numpy()
        0.0
    """
    return _unary(SIN, x, _FLOAT)


def cos(x: Any, name: Any = None) -> Tensor:
    """Computes cosine elementwise.

    Example:
        >>> tf.cos(0.0).numpy()
        1.0
    """
    return _unary(COS, x, _FLOAT)


def tan(x: Any, name: Any = None) -> Tensor:
    """Computes tangent elementwise.

    Example:
        >>> tf.tan(0.0).numpy()
        0.0
    """
    return _unary(TAN, x, _FLOAT)


def asin(x: Any, name: Any = None) -> Tensor:
    """Computes the inverse sine elementwise (NaN outside [-1, 1]).

    Example:
        >>> tf.asin(0.0).numpy()
        0.0
    """
    return _unary(ASIN, x, _FLOAT)


def acos(x: Any, name: Any = None) -> Tensor:
    """Computes the inverse cosine elementwise (NaN outside [-1, 1]).

    Example:
        >>> tf.acos(1.0).numpy()
        0.0
    """
    return _unary(ACOS, x, _FLOAT)


def atan(x: Any, name: Any = None) -> Tensor:
    """Computes the inverse tangent elementwise.

    Example:
        >>> tf.atan(0.0).numpy()
        0.0
    """
    return _unary(ATAN, x, _FLOAT)


def atan2(y: Any, x: Any, name: Any = None) -> Tensor:
    """Computes arctan(y / x) elementwise, using the signs of both to pick the quadrant.

    Example:
        >>> tf.atan2(1.0, -1.0).numpy()  # 3 pi / 4
        2.3561945
    """
    from eagerflow.core.convert import binary_operands  # noqa: PLC0415

    y, x = binary_operands("Atan2", y, x)
    check_kind("Atan2", y, _REAL, "a floating-point", "y")
    return execute(ATAN2, (y, x))


def sinh(x: Any, name: Any = None) -> Tensor:
    """Computes the hyperbolic sine elementwise.

    Example:
        >>> tf.sinh(0.0).numpy()
        0.0
    """
    return _unary(SINH, x, _FLOAT)


def cosh(x: Any, name: Any = None) -> Tensor:
    """Computes the hyperbolic cosine elementwise.

    Example:
        >>> tf.cosh(0.0).numpy()
        1.0
    """
    return _unary(COSH, x, _FLOAT)


def asinh(x: Any, name: Any = None) -> Tensor:
    """Computes the inverse hyperbolic sine elementwise.

    Example:
        >>> tf.asinh(0.0).numpy()
        0.0
    """
    return _unary(ASINH, x, _FLOAT)


def acosh(x: Any, name: Any = None) -> Tensor:
    """Computes the inverse hyperbolic cosine elementwise (NaN below 1).

    Example:
        >>> tf.acosh(1.0).numpy()
        0.0
    """
    return _unary(ACOSH, x, _FLOAT)


def atanh(x: Any, name: Any = None) -> Tensor:
    """Computes the inverse hyperbolic tangent elementwise.

    Example:
        >>> tf.atanh(0.0).numpy()
        0.0
    """
    return _unary(ATANH, x, _FLOAT)


def sigmoid(x: Any, name: Any = None) -> Tensor:
    """Computes 1 / (1 + exp(-x)) elementwise, without overflow for large |x|.

    Example:
        >>> tf.sigmoid(0.0).numpy()
        0.5
    """
    return _unary(SIGMOID, x, _FLOAT)


def floor(x: Any, name: Any = None) -> Tensor:
    """Rounds down to the nearest integer value, elementwise (no gradient, as in TF).

    Example:
        >>> tf.floor(-1.5).numpy()
        -2.0
    """
    return _unary(FLOOR, x, _REAL)


def ceil(x: Any, name: Any = None) -> Tensor:
    """Rounds up to the nearest integer value, elementwise (no gradient, as in TF).

    Example:
        >>> tf.math.ceil(-1.5).numpy()
        -1.0
    """
    return _unary(CEIL, x, _REAL)


def round(x: Any, name: Any = None) -> Tensor:  # noqa: A001 (TF's name)
    """Rounds to the nearest integer, halves to even (banker's rounding), as TF.

    Example:
        >>> tf.round(tf.constant([0.5, 1.5, 2.5, -0.5])).numpy()
        array([ 0.,  2.,  2., -0.], dtype=float32)
    """
    return _unary(ROUND, x, "fiu")


def rint(x: Any, name: Any = None) -> Tensor:
    """Rounds floats to the nearest integer value, halves to even (no gradient, as in TF).

    Example:
        >>> tf.math.rint(tf.constant([-1.5, 0.5, 1.7])).numpy()
        array([-2.,  0.,  2.], dtype=float32)
    """
    return _unary(RINT, x, _REAL)


def is_nan(x: Any, name: Any = None) -> Tensor:
    """Returns which elements of x are NaN.

    Example:
        >>> tf.math.is_nan([1.0, float("nan")]).numpy()
        array([False,  True])
    """
    return _unary(IS_NAN, x, _REAL)


def is_inf(x: Any, name: Any = None) -> Tensor:
    """Returns which elements of x are +-inf.

    Example:
        >>> tf.math.is_inf([1.0, float("inf")]).numpy()
        array([False,  True])
    """
    return _unary(IS_INF, x, _REAL)


def is_finite(x: Any, name: Any = None) -> Tensor:
    """Returns which elements of x are finite (neither NaN nor +-inf).

    Example:
        >>> tf.math.is_finite([1.0, float("inf")]).numpy()
        array([ True, False])
    """
    return _unary(IS_FINITE, x, _REAL)


override_operator("__abs__", abs)


def l2_normalize(
    x: Any, axis: Any = None, epsilon: float = 1e-12, name: Any = None, dim: Any = None
) -> Tensor:
    """Divides x by its L2 norm along `axis` (all axes when None), at least sqrt(epsilon).

    Example:
        >>> tf.math.l2_normalize(tf.constant([3.0, 4.0])).numpy()
        array([0.6, 0.8], dtype=float32)
    """
    from eagerflow.ops.math_ops import maximum  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    x = convert_to_tensor(x)
    axis = dim if axis is None else axis
    if x.dtype.is_complex:
        # As TF: the real and imaginary parts divided by sqrt(sum |x|^2).
        from eagerflow.ops.complex_ops import complex, imag, real  # noqa: PLC0415

        re, im = real(x), imag(x)
        square_sum = reduce_sum(add(square(re), square(im)), axis, keepdims=True)
        inv_norm = rsqrt(maximum(square_sum, epsilon))
        return complex(multiply(re, inv_norm), multiply(im, inv_norm))
    square_sum = reduce_sum(square(x), axis, keepdims=True)
    return multiply(x, rsqrt(maximum(square_sum, epsilon)))

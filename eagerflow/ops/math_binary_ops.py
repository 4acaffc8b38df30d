"""More elementwise binary math: the zero-safe products (`xlogy`, `xdivy`, `xlog1py`,
`multiply_no_nan`) and truncating integer division (`truncatediv`, `truncatemod`).

The core arithmetic (add, multiply, pow, maximum, ...) is in `math_ops.py`.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core.convert import binary_operands
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient, no_gradient
from eagerflow.core.tensor import Tensor
from eagerflow.ops import _shape_rules as rules
from eagerflow.ops._broadcasting import unbroadcast
from eagerflow.ops._dtype_kinds import check_kind
from eagerflow.ops.math_ops import add, multiply, negative, not_equal, square


def _zero_where_x_is_zero(fn_name: str) -> Any:
    def kernel(xp: Any, x: Any, y: Any) -> Any:
        value = getattr(xp, fn_name)(y) if fn_name != "reciprocal" else 1 / y
        return xp.where(x == 0, 0, x * value).astype(x.dtype, copy=False)

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


XLOGY = Primitive("Xlogy", _zero_where_x_is_zero("log"), rules.broadcasting("Xlogy"))
XLOG1PY = Primitive("Xlog1py", _zero_where_x_is_zero("log1p"), rules.broadcasting("Xlog1py"))
XDIVY = Primitive("Xdivy", _zero_where_x_is_zero("reciprocal"), rules.broadcasting("Xdivy"))
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


@RegisterGradient("Xlogy")
def _xlogy_grad(op: Any, grad: Tensor) -> list:
    x, y = op.inputs
    gx = multiply(grad, xlogy(_nonzero(x), y))
    gy = multiply(grad, xdivy(x, y))
    return [unbroadcast(gx, x), unbroadcast(gy, y)]


@RegisterGradient("Xlog1py")
def _xlog1py_grad(op: Any, grad: Tensor) -> list:
    x, y = op.inputs
    gx = multiply(grad, xlog1py(_nonzero(x), y))
    gy = multiply(grad, xdivy(x, add(y, 1)))
    return [unbroadcast(gx, x), unbroadcast(gy, y)]


@RegisterGradient("Xdivy")
def _xdivy_grad(op: Any, grad: Tensor) -> list:
    x, y = op.inputs
    gx = multiply(grad, xdivy(_nonzero(x), y))
    gy = multiply(grad, xdivy(negative(x), square(y)))
    return [unbroadcast(gx, x), unbroadcast(gy, y)]


@RegisterGradient("MulNoNan")
def _mul_no_nan_grad(op: Any, grad: Tensor) -> list:
    x, y = op.inputs
    return [unbroadcast(multiply_no_nan(grad, y), x), unbroadcast(multiply_no_nan(x, grad), y)]


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

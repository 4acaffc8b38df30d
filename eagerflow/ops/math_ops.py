"""Elementwise arithmetic and math: kernel, shape rule, gradient and public function each.

Reductions live in `reduction_ops.py`, matrix products in `linalg_ops.py`.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core import dtypes, errors
from eagerflow.core.convert import binary_operands, convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient, no_gradient
from eagerflow.core.tensor import Tensor, override_operator
from eagerflow.ops import _shape_rules as rules
from eagerflow.ops._broadcasting import unbroadcast
from eagerflow.ops._dtype_kinds import kind_of
from eagerflow.ops.complex_ops import conj_if_complex


def _binary(prim: Primitive, x: Any, y: Any) -> Tensor:
    # Fast path for two tensors of one dtype: the per-op overhead budget is a few microseconds.
    if type(x) is Tensor and type(y) is Tensor and x._value.dtype == y._value.dtype:
        return execute(prim, (x, y))
    return execute(prim, binary_operands(prim.name, x, y))


def _unary(prim: Primitive, x: Any) -> Tensor:
    return execute(prim, (x if type(x) is Tensor else convert_to_tensor(x),))


# -- binary arithmetic -------------------------------------------------------------------
ADD = Primitive("AddV2", lambda xp, x, y: xp.add(x, y), rules.broadcasting("AddV2"))
SUB = Primitive("Sub", lambda xp, x, y: xp.subtract(x, y), rules.broadcasting("Sub"))
MUL = Primitive("Mul", lambda xp, x, y: xp.multiply(x, y), rules.broadcasting("Mul"))
REAL_DIV = Primitive(
    "RealDiv",
    lambda xp, x, y: xp.true_divide(x, y).astype(x.dtype, copy=False),
    rules.broadcasting("RealDiv"),
)


def _needs(op: Any, index: int) -> bool:
    return index not in op.skip_input_indices


@RegisterGradient("AddV2")
def _add_grad(op: Any, grad: Tensor) -> list:
    x, y = op.inputs
    return [
        unbroadcast(grad, x) if _needs(op, 0) else None,
        unbroadcast(grad, y) if _needs(op, 1) else None,
    ]


@RegisterGradient("Sub")
def _sub_grad(op: Any, grad: Tensor) -> list:
    x, y = op.inputs
    return [
        unbroadcast(grad, x) if _needs(op, 0) else None,
        unbroadcast(negative(grad), y) if _needs(op, 1) else None,
    ]


@RegisterGradient("Mul")
def _mul_grad(op: Any, grad: Tensor) -> list:
    x, y = op.inputs
    if kind_of(x) == "c":
        # TF's convention for complex values: the gradient is conjugated.
        x, y = conj_if_complex(x), conj_if_complex(y)
    return [
        unbroadcast(multiply(grad, y), x) if _needs(op, 0) else None,
        unbroadcast(multiply(grad, x), y) if _needs(op, 1) else None,
    ]


@RegisterGradient("RealDiv")
def _real_div_grad(op: Any, grad: Tensor) -> list:
    x, y = op.inputs
    z = op.outputs[0]
    y_in = y
    if kind_of(y) == "c":
        y, z = conj_if_complex(y), conj_if_complex(z)
    gx = unbroadcast(divide(grad, y), x) if _needs(op, 0) else None
    gy = None
    if _needs(op, 1):
        gy = unbroadcast(negative(multiply(grad, divide(z, y))), y_in)
    return [gx, gy]


def add(x: Any, y: Any, name: Any = None) -> Tensor:
    """Returns x + y elementwise, with broadcasting.

    Example:
        >>> tf.add(tf.constant([[1, 2], [3, 4]]), 1).numpy()
        array([[2, 3],
               [4, 5]], dtype=int32)
    """
    return _binary(ADD, x, y)


def subtract(x: Any, y: Any, name: Any = None) -> Tensor:
    """Returns x - y elementwise, with broadcasting.

    Example:
        >>> tf.subtract(5.0, 2.0).numpy()
        3.0
    """
    return _binary(SUB, x, y)


def multiply(x: Any, y: Any, name: Any = None) -> Tensor:
    """Returns x * y elementwise, with broadcasting.

    Example:
        >>> tf.multiply(3.0, 3.0).numpy()
        9.0
    """
    return _binary(MUL, x, y)


def truediv(x: Any, y: Any, name: Any = None) -> Tensor:
    """Divides x by y elementwise; integer inputs are cast to float64 (int8/16: float32) first.

    Example:
        >>> tf.truediv(tf.constant(3), tf.constant(2)).numpy()
        1.5
    """
    x, y = binary_operands("truediv", x, y)
    if x.dtype.is_integer or x.dtype.is_bool:
        target = dtypes.float32 if x.dtype.size <= 2 else dtypes.float64
        from eagerflow.ops.cast_ops import cast  # noqa: PLC0415

        x, y = cast(x, target), cast(y, target)
    return execute(REAL_DIV, (x, y))


def divide(x: Any, y: Any, name: Any = None) -> Tensor:
    """Computes Python-style division x / y (`tf.math.divide`).

    Example:
        >>> tf.divide(1.0, 4.0).numpy()
        0.25
    """
    return truediv(x, y)


def negative(x: Any, name: Any = None) -> Tensor:
    """Computes -x elementwise.

    Example:
        >>> tf.negative(2.0).numpy()
        -2.0
    """
    return _unary(NEG, x)


NEG = Primitive("Neg", lambda xp, x: xp.negative(x), rules.unary)


@RegisterGradient("Neg")
def _neg_grad(op: Any, grad: Tensor) -> Tensor:
    return negative(grad)


FLOOR_DIV = Primitive(
    "FloorDiv", lambda xp, x, y: xp.floor_divide(x, y), rules.broadcasting("FloorDiv")
)
FLOOR_MOD = Primitive("FloorMod", lambda xp, x, y: xp.mod(x, y), rules.broadcasting("FloorMod"))
no_gradient("FloorDiv")


@RegisterGradient("FloorMod")
def _floor_mod_grad(op: Any, grad: Tensor) -> list:
    x, y = op.inputs
    quotient = floordiv(x, y)
    return [unbroadcast(grad, x), unbroadcast(negative(multiply(grad, quotient)), y)]


def floordiv(x: Any, y: Any, name: Any = None) -> Tensor:
    """Divides x by y elementwise, rounding toward negative infinity (`x // y`).

    Example:
        >>> tf.math.floordiv(7, 2).numpy()
        3
    """
    return _binary(FLOOR_DIV, x, y)


def floormod(x: Any, y: Any, name: Any = None) -> Tensor:
    """Elementwise remainder of floor division, with the sign of `y` (`x % y`).

    Example:
        >>> tf.math.floormod(-7, 3).numpy()
        2
    """
    return _binary(FLOOR_MOD, x, y)


mod = floormod


def _add_n_rule(*xs: Any) -> Any:
    return rules.unary(xs[0])


ADD_N = Primitive("AddN", lambda xp, *xs: sum(xs[1:], xs[0].copy()), _add_n_rule)


@RegisterGradient("AddN")
def _add_n_grad(op: Any, grad: Tensor) -> list:
    return [grad] * len(op.inputs)


def add_n(inputs: Any, name: Any = None) -> Tensor:
    """Adds a list of tensors of one shape and dtype elementwise.

    Example:
        >>> tf.add_n([1.0, 2.0, 3.0]).numpy()
        6.0
    """
    tensors = [convert_to_tensor(t) for t in inputs]
    if not tensors:
        raise ValueError("add_n: `inputs` must be a non-empty list of tensors.")
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape or t.dtype != tensors[0].dtype:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"AddN: all inputs must have the same shape and dtype: inputs[0] is "
                f"{tensors[0].dtype.name} {tensors[0].shape}, inputs[{i}] is {t.dtype.name} "
                f"{t.shape}",
            )
    if len(tensors) == 1:
        return tensors[0]
    return execute(ADD_N, tuple(tensors))


# -- unary math --------------------------------------------------------------------------
EXP = Primitive("Exp", lambda xp, x: xp.exp(x), rules.unary)
LOG = Primitive("Log", lambda xp, x: xp.log(x), rules.unary)
TANH = Primitive("Tanh", lambda xp, x: xp.tanh(x), rules.unary)
SQUARE = Primitive("Square", lambda xp, x: xp.square(x), rules.unary)


# Complex inputs: every derivative is conjugated (`conj_if_complex`, no op for real tensors).
@RegisterGradient("Exp")
def _exp_grad(op: Any, grad: Tensor) -> Tensor:
    return multiply(grad, conj_if_complex(op.outputs[0]))


@RegisterGradient("Log")
def _log_grad(op: Any, grad: Tensor) -> Tensor:
    return divide(grad, conj_if_complex(op.inputs[0]))


# dy * (1 - y*y) as one op (TF's TanhGrad): the backward of a tanh chain is one kernel per
# step instead of three, and TanhGrad's own gradient keeps higher orders working. For complex
# inputs the gradient passes conj(y), as TF does.
TANH_GRAD = Primitive(
    "TanhGrad", lambda xp, y, dy: dy * (1 - y * y), rules.broadcasting("TanhGrad")
)


@RegisterGradient("Tanh")
def _tanh_grad(op: Any, grad: Tensor) -> Tensor:
    return execute(TANH_GRAD, (conj_if_complex(op.outputs[0]), grad))


@RegisterGradient("TanhGrad")
def _tanh_grad_grad(op: Any, grad: Tensor) -> list:
    y, dy = op.inputs
    if kind_of(y) == "c":
        y, dy = conj_if_complex(y), conj_if_complex(dy)
    # d/dy [dy (1 - y^2)] = -2 y dy ;  d/d(dy) = 1 - y^2
    return [multiply(grad, multiply(-2.0, multiply(y, dy))), execute(TANH_GRAD, (y, grad))]


@RegisterGradient("Square")
def _square_grad(op: Any, grad: Tensor) -> Tensor:
    x = conj_if_complex(op.inputs[0])
    return multiply(grad, multiply(x, 2))


def exp(x: Any, name: Any = None) -> Tensor:
    """Computes e**x elementwise.

    Example:
        >>> tf.exp(0.0).numpy()
        1.0
    """
    return _unary(EXP, x)


def log(x: Any, name: Any = None) -> Tensor:
    """Computes the natural logarithm elementwise.

    Example:
        >>> tf.math.log(1.0).numpy()
        0.0
    """
    return _unary(LOG, x)


def tanh(x: Any, name: Any = None) -> Tensor:
    """Computes the hyperbolic tangent elementwise.

    Example:
        >>> tf.tanh(0.0).numpy()
        0.0
    """
    return _unary(TANH, x)


def square(x: Any, name: Any = None) -> Tensor:
    """Computes x * x elementwise.

    Example:
        >>> tf.square(3.0).numpy()
        9.0
    """
    return _unary(SQUARE, x)


# -- comparisons (no gradient) -----------------------------------------------------------
EQUAL = Primitive("Equal", lambda xp, x, y: xp.equal(x, y), rules.comparison("Equal"))
NOT_EQUAL = Primitive("NotEqual", lambda xp, x, y: xp.not_equal(x, y), rules.comparison("NotEqual"))


def _ordered(op: str, fn: Any) -> tuple:
    """Kernel and shape rule of an order comparison: complex inputs raise, as TF's kernels
    (complex numbers have no order; NumPy's lexicographic one would run)."""

    def check(is_complex: bool, dtype: Any) -> None:
        if is_complex:
            raise errors.InvalidArgumentError(
                None, None, f"{op}: complex numbers have no order, got a {dtype} tensor"
            )

    def kernel(xp: Any, x: Any, y: Any) -> Any:
        check(x.dtype.kind == "c", x.dtype)
        return fn(xp, x, y)

    comparison = rules.comparison(op)

    def rule(x: Any, y: Any, **attrs: Any) -> Any:
        check(x.dtype.is_complex, x.dtype.name)
        return comparison(x, y, **attrs)

    return kernel, rule


LESS = Primitive("Less", *_ordered("Less", lambda xp, x, y: xp.less(x, y)))
LESS_EQUAL = Primitive("LessEqual", *_ordered("LessEqual", lambda xp, x, y: xp.less_equal(x, y)))
GREATER = Primitive("Greater", *_ordered("Greater", lambda xp, x, y: xp.greater(x, y)))
GREATER_EQUAL = Primitive(
    "GreaterEqual", *_ordered("GreaterEqual", lambda xp, x, y: xp.greater_equal(x, y))
)
for _name in ("Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"):
    no_gradient(_name)


def equal(x: Any, y: Any, name: Any = None) -> Tensor:
    """Returns the truth value of (x == y) elementwise.

    Example:
        >>> tf.equal(tf.constant([1, 2]), 2).numpy()
        array([False,  True])
    """
    return _binary(EQUAL, x, y)


def not_equal(x: Any, y: Any, name: Any = None) -> Tensor:
    """Returns the truth value of (x != y) elementwise."""
    return _binary(NOT_EQUAL, x, y)


def less(x: Any, y: Any, name: Any = None) -> Tensor:
    """Returns the truth value of (x < y) elementwise."""
    return _binary(LESS, x, y)


def less_equal(x: Any, y: Any, name: Any = None) -> Tensor:
    """Returns the truth value of (x <= y) elementwise."""
    return _binary(LESS_EQUAL, x, y)


def greater(x: Any, y: Any, name: Any = None) -> Tensor:
    """Returns the truth value of (x > y) elementwise."""
    return _binary(GREATER, x, y)


def greater_equal(x: Any, y: Any, name: Any = None) -> Tensor:
    """Returns the truth value of (x >= y) elementwise."""
    return _binary(GREATER_EQUAL, x, y)


# -- operators ---------------------------------------------------------------------------
def _reflected(fn: Any) -> Any:
    return lambda self, other: fn(other, self)


def _tensor_equals(self: Any, other: Any) -> Any:
    # TF 2: elementwise; None or an operand that cannot broadcast compares as False.
    if other is None:
        return False
    try:
        return equal(self, other)
    except (errors.InvalidArgumentError, TypeError, ValueError):
        return False


def _tensor_not_equals(self: Any, other: Any) -> Any:
    if other is None:
        return True
    try:
        return not_equal(self, other)
    except (errors.InvalidArgumentError, TypeError, ValueError):
        return True


def _operator(prim: Primitive) -> Any:
    # Straight to `_binary`: `x + y` is the hottest call in eager code, one hop matters.
    return lambda self, other: _binary(prim, self, other)


def _reflected_operator(prim: Primitive) -> Any:
    return lambda self, other: _binary(prim, other, self)


override_operator("__add__", _operator(ADD))
override_operator("__radd__", _reflected_operator(ADD))
override_operator("__sub__", _operator(SUB))
override_operator("__rsub__", _reflected_operator(SUB))
override_operator("__mul__", _operator(MUL))
override_operator("__rmul__", _reflected_operator(MUL))
override_operator("__truediv__", truediv)
override_operator("__rtruediv__", _reflected(truediv))
override_operator("__neg__", negative)
override_operator("__floordiv__", floordiv)
override_operator("__rfloordiv__", _reflected(floordiv))
override_operator("__mod__", floormod)
override_operator("__rmod__", _reflected(floormod))
override_operator("__lt__", less)
override_operator("__le__", less_equal)
override_operator("__gt__", greater)
override_operator("__ge__", greater_equal)
override_operator("__eq__", _tensor_equals)
override_operator("__ne__", _tensor_not_equals)

# Split out to math_binary_ops.py; re-exported for `from eagerflow.ops.math_ops import ...`.
from eagerflow.ops.math_binary_ops import (  # noqa: E402, F401
    div,
    div_no_nan,
    divide_no_nan,
    maximum,
    minimum,
    pow,
    realdiv,
    scalar_mul,
    squared_difference,
)

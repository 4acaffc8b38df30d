"""Logical ops on bool tensors and bitwise ops on integer tensors (`&`, `|`, `^`, `~`).

None of them has a gradient: their inputs are bool or integer.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core.convert import binary_operands, convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.core.tensor import Tensor, override_operator
from eagerflow.ops import _shape_rules as rules
from eagerflow.ops._dtype_kinds import check_kind, kind_of

LOGICAL_AND = Primitive(
    "LogicalAnd", lambda xp, x, y: xp.logical_and(x, y), rules.broadcasting("LogicalAnd")
)
LOGICAL_OR = Primitive(
    "LogicalOr", lambda xp, x, y: xp.logical_or(x, y), rules.broadcasting("LogicalOr")
)
LOGICAL_NOT = Primitive("LogicalNot", lambda xp, x: xp.logical_not(x), rules.unary)
BITWISE_AND = Primitive(
    "BitwiseAnd", lambda xp, x, y: xp.bitwise_and(x, y), rules.broadcasting("BitwiseAnd")
)
BITWISE_OR = Primitive(
    "BitwiseOr", lambda xp, x, y: xp.bitwise_or(x, y), rules.broadcasting("BitwiseOr")
)
BITWISE_XOR = Primitive(
    "BitwiseXor", lambda xp, x, y: xp.bitwise_xor(x, y), rules.broadcasting("BitwiseXor")
)
INVERT = Primitive("Invert", lambda xp, x: xp.invert(x), rules.unary)
LEFT_SHIFT = Primitive(
    "LeftShift", lambda xp, x, y: xp.left_shift(x, y), rules.broadcasting("LeftShift")
)
RIGHT_SHIFT = Primitive(
    "RightShift", lambda xp, x, y: xp.right_shift(x, y), rules.broadcasting("RightShift")
)
for _prim in (
    LOGICAL_AND,
    LOGICAL_OR,
    LOGICAL_NOT,
    BITWISE_AND,
    BITWISE_OR,
    BITWISE_XOR,
    INVERT,
    LEFT_SHIFT,
    RIGHT_SHIFT,
):
    no_gradient(_prim.name)


def _check_kind(op: str, x: Tensor, kinds: str, wanted: str) -> None:
    check_kind(op, x, kinds, wanted + " inputs")


def _logical(prim: Primitive, x: Any, y: Any) -> Tensor:
    x, y = binary_operands(prim.name, x, y)
    _check_kind(prim.name, x, "b", "bool")
    return execute(prim, (x, y))


def _bitwise(prim: Primitive, x: Any, y: Any) -> Tensor:
    x, y = binary_operands(prim.name, x, y)
    _check_kind(prim.name, x, "iu", "integer")
    return execute(prim, (x, y))


def logical_and(x: Any, y: Any, name: Any = None) -> Tensor:
    """Returns x AND y elementwise, for bool tensors (with broadcasting).

    Example:
        >>> tf.logical_and(tf.constant([True, True]), tf.constant([True, False])).numpy()
        array([ True, False])
    """
    return _logical(LOGICAL_AND, x, y)


def logical_or(x: Any, y: Any, name: Any = None) -> Tensor:
    """Returns x OR y elementwise, for bool tensors (with broadcasting).

    Example:
        >>> tf.logical_or(tf.constant([True, False]), False).numpy()
        array([ True, False])
    """
    return _logical(LOGICAL_OR, x, y)


def logical_not(x: Any, name: Any = None) -> Tensor:
    """Returns NOT x elementwise, for a bool tensor.

    Example:
        >>> tf.logical_not(tf.constant([True, False])).numpy()
        array([False,  True])
    """
    x = convert_to_tensor(x)
    _check_kind("LogicalNot", x, "b", "bool")
    return execute(LOGICAL_NOT, (x,))


def logical_xor(x: Any, y: Any, name: Any = "LogicalXor") -> Tensor:
    """Returns x XOR y elementwise, for bool tensors: (x | y) & ~(x & y), as TF composes it.

    Example:
        >>> tf.math.logical_xor(tf.constant([True, True]), tf.constant([True, False])).numpy()
        array([False,  True])
    """
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)))


def bitwise_and(x: Any, y: Any, name: Any = None) -> Tensor:
    """Elementwise bitwise AND of integer tensors (`tf.bitwise.bitwise_and`).

    Example:
        >>> tf.bitwise.bitwise_and(tf.constant([12]), 10).numpy()
        array([8], dtype=int32)
    """
    return _bitwise(BITWISE_AND, x, y)


def bitwise_or(x: Any, y: Any, name: Any = None) -> Tensor:
    """Elementwise bitwise OR of integer tensors (`tf.bitwise.bitwise_or`).

    Example:
        >>> tf.bitwise.bitwise_or(tf.constant([12]), 10).numpy()
        array([14], dtype=int32)
    """
    return _bitwise(BITWISE_OR, x, y)


def bitwise_xor(x: Any, y: Any, name: Any = None) -> Tensor:
    """Elementwise bitwise XOR of integer tensors (`tf.bitwise.bitwise_xor`).

    Example:
        >>> tf.bitwise.bitwise_xor(tf.constant([12]), 10).numpy()
        array([6], dtype=int32)
    """
    return _bitwise(BITWISE_XOR, x, y)


def invert(x: Any, name: Any = None) -> Tensor:
    """Flips every bit of an integer tensor (`tf.bitwise.invert`).

    Example:
        >>> tf.bitwise.invert(tf.constant([0, 5])).numpy()
        array([-1, -6], dtype=int32)
    """
    x = convert_to_tensor(x)
    _check_kind("Invert", x, "iu", "integer")
    return execute(INVERT, (x,))


def left_shift(x: Any, y: Any, name: Any = None) -> Tensor:
    """Shifts the bits of x left by y, elementwise (`tf.bitwise.left_shift`).

    Example:
        >>> tf.bitwise.left_shift(tf.constant([1, 3]), 2).numpy()
        array([ 4, 12], dtype=int32)
    """
    return _bitwise(LEFT_SHIFT, x, y)


def right_shift(x: Any, y: Any, name: Any = None) -> Tensor:
    """Shifts the bits of x right by y, elementwise (`tf.bitwise.right_shift`).

    Example:
        >>> tf.bitwise.right_shift(tf.constant([4, 12]), 2).numpy()
        array([1, 3], dtype=int32)
    """
    return _bitwise(RIGHT_SHIFT, x, y)


# -- operators: logical for bool, bitwise for integers, as TF 2 ------------------------------
def _by_dtype(logical: Primitive, bitwise: Primitive) -> Any:
    def operator(x: Any, y: Any) -> Tensor:
        x, y = binary_operands(logical.name, x, y)
        if kind_of(x) == "b":
            return execute(logical, (x, y))
        _check_kind(bitwise.name, x, "iu", "bool or integer")
        return execute(bitwise, (x, y))

    return operator


def _invert_operator(x: Any) -> Tensor:
    return logical_not(x) if kind_of(x) == "b" else invert(x)


_and = _by_dtype(LOGICAL_AND, BITWISE_AND)
_or = _by_dtype(LOGICAL_OR, BITWISE_OR)


def _xor(x: Any, y: Any) -> Tensor:
    x, y = binary_operands("LogicalXor", x, y)
    return logical_xor(x, y) if kind_of(x) == "b" else bitwise_xor(x, y)


override_operator("__and__", _and)
override_operator("__rand__", lambda self, other: _and(other, self))
override_operator("__or__", _or)
override_operator("__ror__", lambda self, other: _or(other, self))
override_operator("__xor__", _xor)
override_operator("__rxor__", lambda self, other: _xor(other, self))
override_operator("__invert__", _invert_operator)

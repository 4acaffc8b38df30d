"""`tf.bitwise`: bitwise ops on integer tensors."""
# ruff: noqa: F401

from eagerflow.ops.logical_ops import (
    bitwise_and,
    bitwise_or,
    bitwise_xor,
    invert,
    left_shift,
    right_shift,
)

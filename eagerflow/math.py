"""`tf.math`: elementwise math, reductions and comparisons."""
# ruff: noqa: F401

from eagerflow.ops.math_ops import (
    add,
    divide,
    equal,
    exp,
    mod,
    floordiv,
    floormod,
    add_n,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    multiply,
    negative,
    not_equal,
    square,
    subtract,
    tanh,
    truediv,
)
from eagerflow.ops.reduction_ops import reduce_mean, reduce_sum

"""Op specs: fill, range, linspace (sequence_ops.py)."""

import numpy as np

import eagerflow as tf
from tests.ops.op_spec import Arg, OpSpec

SPECS = [
    OpSpec(
        "fill",
        lambda v: tf.fill([2, 3], v),
        lambda v: np.full((2, 3), v),
        (Arg(()),),
    ),
    OpSpec(
        "range_int",
        lambda: tf.range(3, 18, 3),
        lambda: np.arange(3, 18, 3, dtype=np.int32),
        (),
        grad=False,
        out_dtype="int32",
    ),
    OpSpec(
        "range_float_negative_delta",
        lambda: tf.range(1.0, -1.0, -0.5),
        lambda: np.arange(1.0, -1.0, -0.5, dtype=np.float32),
        (),
        grad=False,
        out_dtype="float32",
    ),
    OpSpec(
        "linspace",
        lambda lo, hi: tf.linspace(lo, hi, 5),
        lambda lo, hi: np.linspace(lo, hi, 5),
        (Arg(()), Arg(())),
    ),
    OpSpec(
        "linspace_nd_axis1",
        lambda lo, hi: tf.linspace(lo, hi, 4, axis=1),
        lambda lo, hi: np.linspace(lo, hi, 4, axis=1),
        (Arg((3,)), Arg((3,))),
    ),
]

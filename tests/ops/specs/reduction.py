"""Op specs: reductions (reduction_ops.py)."""

import numpy as np

import eagerflow as tf
from tests.ops.op_spec import Arg, OpSpec

SPECS = [
    OpSpec("reduce_sum_all", tf.reduce_sum, np.sum, (Arg((3, 4)),)),
    OpSpec(
        "reduce_sum_axis1_keepdims",
        lambda x: tf.reduce_sum(x, axis=1, keepdims=True),
        lambda x: np.sum(x, axis=1, keepdims=True),
        (Arg((3, 4)),),
    ),
    OpSpec(
        "reduce_mean_axis0",
        lambda x: tf.reduce_mean(x, axis=0),
        lambda x: np.mean(x, 0),
        (Arg((3, 4)),),
    ),
]

"""Op specs: concat and split (join_ops.py)."""

import numpy as np

import eagerflow as tf
from tests.ops.op_spec import Arg, OpSpec

SPECS = [
    OpSpec(
        "concat_axis0",
        lambda x, y, z: tf.concat([x, y, z], 0),
        lambda x, y, z: np.concatenate([x, y, z], 0),
        (Arg((2, 3)), Arg((1, 3)), Arg((3, 3))),
    ),
    OpSpec(
        "concat_axis_negative",
        lambda x, y: tf.concat([x, y], axis=-1),
        lambda x, y: np.concatenate([x, y], -1),
        (Arg((2, 3, 2)), Arg((2, 3, 4))),
    ),
    OpSpec(
        "split_even",
        lambda x: tf.split(x, 3, axis=1),
        lambda x: np.split(x, 3, axis=1),
        (Arg((2, 6)),),
    ),
    OpSpec(
        "split_sizes_with_rest",
        lambda x: tf.split(x, [1, -1, 2], axis=0),
        lambda x: np.split(x, [1, 3], axis=0),
        (Arg((5, 2)),),
    ),
    # Only one split is used: the others' gradients are zeros.
    OpSpec(
        "split_one_output_used",
        lambda x: tf.split(x, 2)[1],
        lambda x: np.split(x, 2)[1],
        (Arg((4, 3)),),
    ),
]

"""Op specs: repeat, roll, meshgrid (rearrange_ops.py); searchsorted, sequence_mask,
unravel_index (search_ops.py)."""

import numpy as np

import eagerflow as tf
from tests.ops.op_spec import Arg, OpSpec
from tests.ops.specs.nn import real_only

SORTED_ROWS = np.array([[-1.0, 0.0, 0.5, 2.0], [-3.0, -1.0, 1.0, 1.5]])

SPECS = [
    OpSpec(
        "repeat_counts_axis0",
        lambda x: tf.repeat(x, [2, 0, 3], axis=0),
        lambda x: np.repeat(x, [2, 0, 3], axis=0),
        (Arg((3, 2)),),
    ),
    OpSpec(
        "repeat_flat",
        lambda x: tf.repeat(x, 2),
        lambda x: np.repeat(x, 2),
        (Arg((2, 3)),),
    ),
    OpSpec(
        "roll_two_axes",
        lambda x: tf.roll(x, [1, -2], [0, 2]),
        lambda x: np.roll(x, [1, -2], [0, 2]),
        (Arg((3, 2, 4)),),
    ),
    OpSpec(
        "meshgrid_xy",
        lambda x, y: tf.meshgrid(x, y),
        lambda x, y: np.meshgrid(x, y),
        (Arg((3,)), Arg((2,))),
    ),
    OpSpec(
        "meshgrid_ij_three",
        lambda x, y, z: tf.meshgrid(x, y, z, indexing="ij"),
        lambda x, y, z: np.meshgrid(x, y, z, indexing="ij"),
        (Arg((3,)), Arg((2,)), Arg((2,))),
    ),
    OpSpec(
        "reverse_sequence_batch_axis2",
        lambda x: tf.reverse_sequence(x, [1, 4, 2], seq_axis=0, batch_axis=2),
        lambda x: np.stack(
            [np.concatenate([x[:n, :, b][::-1], x[n:, :, b]]) for b, n in enumerate([1, 4, 2])],
            axis=2,
        ),
        (Arg((4, 2, 3)),),
    ),
    OpSpec(
        "searchsorted_rows_right",
        lambda v: tf.searchsorted(tf.constant(SORTED_ROWS, v.dtype), v, side="right"),
        real_only(
            lambda v: np.stack([np.searchsorted(r, q, "right") for r, q in zip(SORTED_ROWS, v)])
        ),
        (Arg((2, 5)),),
        grad=False,
        out_dtype="int32",
    ),
    OpSpec(
        "sequence_mask_float",
        lambda n: tf.sequence_mask(n, 5, dtype=tf.float32),
        lambda n: (np.arange(5) < n[..., None]).astype(np.float32),
        (Arg((2, 3), low=0, high=6, kind="int"),),
        grad=False,
        out_dtype="float32",
    ),
    OpSpec(
        "unravel_index",
        lambda i: tf.unravel_index(i, [3, 4, 2]),
        lambda i: np.stack(np.unravel_index(i, (3, 4, 2))).astype(np.int32),
        (Arg((5,), low=0, high=24, kind="int"),),
        grad=False,
        out_dtype="int32",
    ),
]

"""Op specs: shape and layout ops (array_ops.py)."""

import numpy as np

import eagerflow as tf
from tests.ops.op_spec import Arg, OpSpec

SPECS = [
    OpSpec("identity", tf.identity, lambda x: x, (Arg((2, 3)),)),
    OpSpec(
        "reshape", lambda x: tf.reshape(x, [3, -1]), lambda x: x.reshape(3, -1), (Arg((2, 3, 2)),)
    ),
    OpSpec(
        "broadcast_to",
        lambda x: tf.broadcast_to(x, [2, 3]),
        lambda x: np.broadcast_to(x, (2, 3)),
        (Arg((3,)),),
    ),
    OpSpec(
        "stack_axis1",
        lambda x, y: tf.stack([x, y], axis=1),
        lambda x, y: np.stack([x, y], 1),
        (Arg((2, 3)), Arg((2, 3))),
    ),
    OpSpec(
        "unstack",
        lambda x: tf.unstack(x, axis=1),
        lambda x: list(np.moveaxis(x, 1, 0)),
        (Arg((2, 3)),),
    ),
]

from eagerflow.core.dispatch import execute  # noqa: E402
from eagerflow.ops.layout_ops import CONJUGATE_TRANSPOSE  # noqa: E402

SPECS += [
    OpSpec(
        "transpose_perm",
        lambda x: tf.transpose(x, perm=[0, 2, 1]),
        lambda x: np.transpose(x, (0, 2, 1)),
        (Arg((2, 3, 4)),),
    ),
    OpSpec("transpose_default", tf.transpose, np.transpose, (Arg((2, 3, 4)),)),
    OpSpec(
        "transpose_method_negative_perm",
        lambda x: tf.transpose(x, [-1, 0]),
        lambda x: x.T,
        (Arg((3, 2)),),
    ),
    # ConjugateTranspose (on real inputs the conjugate is the identity).
    OpSpec(
        "conjugate_transpose_kernel",
        lambda x: execute(CONJUGATE_TRANSPOSE, (x,), {"perm": (1, 0)}),
        lambda x: np.conj(x.T),
        (Arg((3, 2)),),
    ),
    OpSpec(
        "expand_dims_last",
        lambda x: tf.expand_dims(x, -1),
        lambda x: x[..., None],
        (Arg((2, 3)),),
    ),
    OpSpec(
        "expand_dims_middle",
        lambda x: tf.expand_dims(x, 1),
        lambda x: x[:, None],
        (Arg((2, 3)),),
    ),
    OpSpec("squeeze_all", tf.squeeze, np.squeeze, (Arg((1, 3, 1, 2)),)),
    OpSpec(
        "squeeze_axis",
        lambda x: tf.squeeze(x, axis=[-2]),
        lambda x: np.squeeze(x, axis=2),
        (Arg((1, 3, 1, 2)),),
    ),
    OpSpec(
        "tile",
        lambda x: tf.tile(x, [2, 1, 3]),
        lambda x: np.tile(x, (2, 1, 3)),
        (Arg((2, 3, 2)),),
    ),
    OpSpec(
        "reverse",
        lambda x: tf.reverse(x, [0, -1]),
        lambda x: np.flip(x, (0, 2)),
        (Arg((2, 3, 4)),),
    ),
    OpSpec(
        "shape",
        tf.shape,
        lambda x: np.array(x.shape, np.int32),
        (Arg((2, 3, 4)),),
        grad=False,
        out_dtype="int32",
    ),
    OpSpec(
        "shape_int64_and_size_and_rank",
        lambda x: [tf.shape(x, out_type=tf.int64), tf.size(x), tf.rank(x)],
        lambda x: [np.array(x.shape, np.int64), np.int32(x.size), np.int32(x.ndim)],
        (Arg((2, 3)),),
        grad=False,
        out_dtype="int64",
    ),
]

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

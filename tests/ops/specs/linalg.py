"""Op specs: matrix products (linalg_ops.py)."""

import numpy as np

import eagerflow as tf
from tests.ops.op_spec import Arg, OpSpec

SPECS = [
    OpSpec("matmul", tf.matmul, np.matmul, (Arg((3, 4)), Arg((4, 2)))),
    OpSpec(
        "matmul_transpose_a",
        lambda a, b: tf.matmul(a, b, transpose_a=True),
        lambda a, b: a.T @ b,
        (Arg((4, 3)), Arg((4, 2))),
    ),
    OpSpec(
        "matmul_transpose_b",
        lambda a, b: tf.matmul(a, b, transpose_b=True),
        lambda a, b: a @ b.T,
        (Arg((3, 4)), Arg((2, 4))),
    ),
    OpSpec(
        "matmul_transpose_both",
        lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
        lambda a, b: a.T @ b.T,
        (Arg((4, 3)), Arg((2, 4))),
    ),
    OpSpec("matmul_batched_broadcast", tf.matmul, np.matmul, (Arg((2, 3, 4)), Arg((4, 5)))),
    OpSpec("matmul_operator", lambda a, b: a @ b, np.matmul, (Arg((3, 4)), Arg((4, 2)))),
]

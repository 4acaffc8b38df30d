"""Op specs: sort, argsort, unique (sort_ops.py)."""

import numpy as np

import eagerflow as tf
from tests.ops.op_spec import Arg, OpSpec


def _unique_reference(x: np.ndarray) -> tuple:
    _, first = np.unique(x, return_index=True)
    y = x[np.sort(first)]
    idx = np.array([list(y).index(v) for v in x], np.int32)
    return y, idx


SPECS = [
    OpSpec("sort", tf.sort, lambda x: np.sort(x, -1), (Arg((3, 5)),)),
    OpSpec(
        "sort_descending_axis0",
        lambda x: tf.sort(x, axis=0, direction="DESCENDING"),
        lambda x: -np.sort(-x, 0),
        (Arg((4, 3, 2)),),
    ),
    OpSpec(
        "argsort_descending",
        lambda x: tf.argsort(x, direction="DESCENDING"),
        lambda x: np.argsort(-x, -1, kind="stable").astype(np.int32),
        (Arg((3, 5)),),
        grad=False,
        out_dtype="int32",
    ),
    OpSpec(
        "unique",
        tf.unique,
        _unique_reference,
        (Arg((12,), low=0, high=5, kind="int"),),
        grad=False,
    ),
]

"""Op specs: gather, scatter, where, boolean_mask, one_hot (gather_ops.py)."""

import numpy as np

import eagerflow as tf
from eagerflow.core.dispatch import execute
from eagerflow.ops.gather_ops import GATHER_GRAD
from tests.ops.op_spec import Arg, OpSpec
from tests.ops.specs.nn import real_only

REPEATED = np.array([2, 0, 2, 3, 2])
ND_INDICES = np.array([[1, 0], [2, 3], [1, 0]])
COND = np.array([[True, False, True, False], [False, False, True, True], [True] * 4])


def _gather_adjoint(g: np.ndarray) -> np.ndarray:
    out = np.zeros((4, 3), g.dtype)
    np.add.at(out, REPEATED, g)
    return out


def _scatter_nd_reference(u: np.ndarray) -> np.ndarray:
    out = np.zeros((3, 4, 2), u.dtype)
    np.add.at(out, (ND_INDICES[:, 0], ND_INDICES[:, 1]), u)
    return out


def _tensor_scatter_update_reference(t: np.ndarray, u: np.ndarray) -> np.ndarray:
    out = t.copy()
    out[[0, 2]] = u
    return out


def _tensor_scatter_add_reference(t: np.ndarray, u: np.ndarray) -> np.ndarray:
    out = t.copy()
    np.add.at(out, (ND_INDICES[:, 0], ND_INDICES[:, 1]), u)
    return out


SPECS = [
    OpSpec(
        "gather_repeated_indices",
        lambda x: tf.gather(x, REPEATED),
        lambda x: x[REPEATED],
        (Arg((4, 3)),),
    ),
    OpSpec(
        "gather_axis1_matrix_indices",
        lambda x: tf.gather(x, np.array([[0, 2], [2, 2]]), axis=1),
        lambda x: x[:, np.array([[0, 2], [2, 2]])],
        (Arg((2, 3, 4)),),
    ),
    OpSpec(
        "gather_batch_dims",
        lambda x: tf.gather(x, np.array([[0, 2, 2], [1, 1, 0]]), axis=2, batch_dims=1),
        lambda x: np.stack(
            [x[0][:, [0, 2, 2]], x[1][:, [1, 1, 0]]],
        ),
        (Arg((2, 3, 4)),),
    ),
    OpSpec(
        "gather_adjoint",
        lambda g: execute(
            GATHER_GRAD,
            (g, tf.constant(REPEATED)),
            {"params_shape": (4, 3), "axis": 0, "batch_dims": 0},
        ),
        _gather_adjoint,
        (Arg((5, 3)),),
    ),
    OpSpec(
        "gather_nd",
        lambda x: tf.gather_nd(x, ND_INDICES),
        lambda x: x[ND_INDICES[:, 0], ND_INDICES[:, 1]],
        (Arg((3, 4, 2)),),
    ),
    OpSpec(
        "gather_nd_batch_dims",
        lambda x: tf.gather_nd(x, np.array([[[1], [0]], [[2], [2]]]), batch_dims=1),
        lambda x: np.stack([x[0][[1, 0]], x[1][[2, 2]]]),
        (Arg((2, 3, 2)),),
    ),
    OpSpec(
        "scatter_nd_repeated",
        lambda u: tf.scatter_nd(ND_INDICES, u, [3, 4, 2]),
        _scatter_nd_reference,
        (Arg((3, 2)),),
    ),
    OpSpec(
        "tensor_scatter_nd_update",
        lambda t, u: tf.tensor_scatter_nd_update(t, np.array([[0], [2]]), u),
        _tensor_scatter_update_reference,
        (Arg((3, 4)), Arg((2, 4))),
    ),
    OpSpec(
        "tensor_scatter_nd_add",
        lambda t, u: tf.tensor_scatter_nd_add(t, ND_INDICES, u),
        _tensor_scatter_add_reference,
        (Arg((3, 4, 2)), Arg((3, 2))),
    ),
    OpSpec(
        "boolean_mask",
        lambda x: tf.boolean_mask(x, COND),
        lambda x: x[COND],
        (Arg((3, 4)),),
    ),
    OpSpec(
        "boolean_mask_axis1",
        lambda x: tf.boolean_mask(x, np.array([True, False, True]), axis=1),
        lambda x: x[:, [0, 2]],
        (Arg((2, 3, 2)),),
    ),
    OpSpec(
        "where_select_broadcast",
        lambda x, y: tf.where(COND, x, y),
        lambda x, y: np.where(COND, x, y),
        (Arg((3, 4)), Arg((4,))),
    ),
    OpSpec(
        "where_select_scalar_branch",
        lambda x: tf.where(x > 0, x, 0.0),
        real_only(lambda x: np.where(x > 0, x, 0.0)),  # complex: no order, as TF
        (Arg((3, 4), low=0.1, high=2.0),),
    ),
    OpSpec(
        "where_coordinates",
        lambda c: tf.where(c),
        np.argwhere,
        (Arg(fixed=COND),),
        grad=False,
        out_dtype="int64",
    ),
    OpSpec(
        "one_hot",
        lambda i: tf.one_hot(i, 4, on_value=2.0, off_value=-1.0, axis=0),
        lambda i: np.where(np.arange(4)[:, None] == i, 2.0, -1.0).astype(np.float32),
        (Arg((5,), low=-1, high=5, kind="int"),),
        grad=False,
        out_dtype="float32",
    ),
]

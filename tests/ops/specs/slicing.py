"""Op specs: slicing, `Tensor.__getitem__` (slicing_ops.py) and pad (pad_ops.py)."""

import numpy as np

import eagerflow as tf
from eagerflow.core.dispatch import execute
from eagerflow.ops import pad_ops, slicing_ops
from tests.ops.op_spec import Arg, OpSpec

X3 = Arg((4, 5, 3))
MASK = np.array([True, False, True, True])


def _getitem(name: str, key: object, shape: tuple = (4, 5, 3)) -> OpSpec:
    return OpSpec(f"getitem_{name}", lambda x: x[key], lambda x: x[key], (Arg(shape),))


def _mirror_pad_adjoint(g: np.ndarray, paddings: list, mode: str, shape: tuple) -> np.ndarray:
    where = np.pad(np.arange(int(np.prod(shape))).reshape(shape), paddings, mode=mode)
    out = np.zeros(int(np.prod(shape)), g.dtype)
    np.add.at(out, where.ravel(), g.ravel())
    return out.reshape(shape)


def _unslice_reference(g: np.ndarray) -> np.ndarray:
    out = np.zeros((4, 5), g.dtype)
    out[3::-2, 1] = g
    return out


SPECS = [
    _getitem("int", 1),
    _getitem("negative_int", -1),
    _getitem("int_pair", (2, -3)),
    _getitem("slice_step", (slice(None, None, 2), 1)),
    _getitem("negative_step", (slice(None, None, -2), slice(3, 0, -1))),
    _getitem("ellipsis", (Ellipsis, 1)),
    _getitem("ellipsis_middle", (1, Ellipsis, slice(1, None))),
    _getitem("newaxis", (slice(None), None, slice(1, -1))),
    _getitem("newaxis_ellipsis_int", (None, Ellipsis, -2)),
    _getitem("out_of_range_slice_bounds", (slice(-10, 10), slice(2, 1))),
    _getitem("scalar_tensor_int", (tf.constant(2), slice(tf.constant(1), None))),
    _getitem("int_list", [3, 0, 3]),
    _getitem("int_list_axis1", (slice(None), [1, -1], 0)),
    _getitem("int_tensor_after_newaxis", (None, 1, tf.constant([[0, 2], [4, 4]]))),
    _getitem("bool_mask", MASK),
    _getitem("bool_mask_axis1", (1, np.array([True, False, True, False, True]))),
    _getitem("scalar_of_vector", 2, shape=(3,)),
    OpSpec(
        "getitem_variable_style_row",
        lambda x: [row for row in x][1],
        lambda x: x[1],
        (Arg((3, 2)),),
    ),
    OpSpec(
        "slice",
        lambda x: tf.slice(x, [1, 0, 1], [2, -1, 2]),
        lambda x: x[1:3, :, 1:3],
        (X3,),
    ),
    OpSpec(
        "strided_slice",
        lambda x: tf.strided_slice(x, [1, -1], [4, 0], [2, -2]),
        lambda x: x[1:4:2, -1:0:-2],
        (X3,),
    ),
    OpSpec(
        "strided_slice_masks",
        lambda x: tf.strided_slice(
            x,
            [0, 1, 0, 2],
            [0, 3, 0, 0],
            [1, 1, 1, 1],
            begin_mask=0b0001,
            end_mask=0b0001,
            new_axis_mask=0b0100,
            shrink_axis_mask=0b1000,
        ),
        lambda x: x[:, 1:3, None, 2],
        (X3,),
    ),
    OpSpec(
        "strided_slice_ellipsis_mask",
        lambda x: tf.strided_slice(x, [0, 1], [0, 3], ellipsis_mask=0b01),
        lambda x: x[..., 1:3],
        (X3,),
    ),
    # The adjoint of StridedSlice: a gradient written back into zeros.
    OpSpec(
        "strided_slice_grad",
        lambda g: slicing_ops.unslice(
            tf.zeros([4, 5], g.dtype), g, (("slice", 3, None, -2), ("index", 1))
        ),
        lambda g: _unslice_reference(g),
        (Arg((2,)),),
    ),
    OpSpec(
        "pad_constant",
        lambda x: tf.pad(x, [[1, 2], [0, 3]], constant_values=1.5),
        lambda x: np.pad(x, [[1, 2], [0, 3]], constant_values=1.5),
        (Arg((2, 3)),),
    ),
    OpSpec(
        "pad_reflect",
        lambda x: tf.pad(x, [[2, 1], [1, 2]], "REFLECT"),
        lambda x: np.pad(x, [[2, 1], [1, 2]], mode="reflect"),
        (Arg((3, 4)),),
    ),
    OpSpec(
        "pad_symmetric",
        lambda x: tf.pad(x, [[3, 1], [0, 2]], mode="symmetric"),
        lambda x: np.pad(x, [[3, 1], [0, 2]], mode="symmetric"),
        (Arg((3, 4)),),
    ),
    OpSpec(
        "mirror_pad_grad_reflect",
        lambda g: execute(
            pad_ops.MIRROR_PAD_GRAD, (g,), {"paddings": ((2, 1), (1, 2)), "mode": "REFLECT"}
        ),
        lambda g: _mirror_pad_adjoint(g, [[2, 1], [1, 2]], "reflect", (3, 4)),
        (Arg((6, 7)),),
    ),
    OpSpec(
        "mirror_pad_grad_symmetric",
        lambda g: execute(
            pad_ops.MIRROR_PAD_GRAD, (g,), {"paddings": ((3, 1), (0, 2)), "mode": "SYMMETRIC"}
        ),
        lambda g: _mirror_pad_adjoint(g, [[3, 1], [0, 2]], "symmetric", (3, 4)),
        (Arg((7, 6)),),
    ),
]

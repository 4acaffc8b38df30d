"""Array basics: identity, stop_gradient, zeros/ones(_like), reshape, broadcast_to, stack,
unstack, shape/size/rank.

The rest of the array family has files of its own: `layout_ops` (transpose, expand_dims,
squeeze, tile, reverse; re-exported here), `slicing_ops` (slice, strided_slice, `t[...]`),
`pad_ops`, `join_ops` (concat, split), `gather_ops` (gather, gather_nd, scatter_nd,
tensor_scatter_nd_*), `select_ops` (where, boolean_mask, one_hot), `sequence_ops` (fill,
range, linspace), `sort_ops`, `clip_ops`, `rearrange_ops` (repeat, roll, meshgrid,
reverse_sequence), `search_ops`, `shape_ops` and `variable_slice_ops` (`v[...].assign`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core import dtypes, errors
from eagerflow.core.context import state
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient, no_gradient
from eagerflow.core.tensor import Tensor, set_identity_op, wrap
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops import _shape_rules as rules
from eagerflow.ops._shape_args import shape_list as _shape_list
from eagerflow.ops._shape_args import traced_shape

# -- identity and stop_gradient ------------------------------------------------------------
IDENTITY = Primitive("Identity", lambda xp, x: x, rules.unary)
STOP_GRADIENT = Primitive("StopGradient", lambda xp, x: x, rules.unary)
no_gradient("StopGradient")


@RegisterGradient("Identity")
def _identity_grad(op: Any, grad: Tensor) -> Tensor:
    return grad


@RegisterGradient("ReadVariableOp")
def _read_variable_grad(op: Any, grad: Tensor) -> Tensor:
    return grad


def identity(input: Any, name: Any = None) -> Tensor:
    """Returns a tensor with the same value; under a `tf.device` scope it copies there.

    Example:
        >>> tf.identity([1.0, 2.0]).numpy()
        array([1., 2.], dtype=float32)
    """
    return execute(IDENTITY, (convert_to_tensor(input),))


set_identity_op(identity)


def stop_gradient(input: Any, name: Any = None) -> Tensor:
    """Returns `input` unchanged, but blocks gradients from flowing through it.

    Example:
        >>> x = tf.constant(3.0)
        >>> with tf.GradientTape() as t:
        ...     t.watch(x)
        ...     y = x * tf.stop_gradient(x)
        >>> float(t.gradient(y, x))
        3.0
    """
    return execute(STOP_GRADIENT, (convert_to_tensor(input),))


# -- constants shaped like others (no gradient: they do not depend on input values) -------
def _filled_like(fill: int):
    def kernel(xp: Any, x: Any, dtype: Any) -> Any:
        return xp.full(x.shape, fill, dtype=dtype._np)

    return kernel


def _like_rule(x: TensorSpec, dtype: Any) -> TensorSpec:
    return TensorSpec(x.shape, dtype)


ZEROS_LIKE = Primitive("ZerosLike", _filled_like(0), _like_rule)
ONES_LIKE = Primitive("OnesLike", _filled_like(1), _like_rule)
no_gradient("ZerosLike")
no_gradient("OnesLike")


def zeros_like(input: Any, dtype: Any = None, name: Any = None) -> Tensor:
    """A tensor of zeros with the shape (and, unless `dtype` is given, dtype) of `input`.

    Example:
        >>> tf.zeros_like([[1, 2]]).numpy()
        array([[0, 0]], dtype=int32)
    """
    x = convert_to_tensor(input)
    return execute(
        ZEROS_LIKE, (x,), {"dtype": x.dtype if dtype is None else dtypes.as_dtype(dtype)}
    )


def ones_like(input: Any, dtype: Any = None, name: Any = None) -> Tensor:
    """A tensor of ones with the shape (and, unless `dtype` is given, dtype) of `input`.

    Example:
        >>> tf.ones_like([[1, 2]]).numpy()
        array([[1, 1]], dtype=int32)
    """
    x = convert_to_tensor(input)
    return execute(ONES_LIKE, (x,), {"dtype": x.dtype if dtype is None else dtypes.as_dtype(dtype)})


def _fill_on_device(shape: list, value: Any, dtype: dtypes.DType) -> Tensor:
    device = state().device
    xp = np if device is None else device.xp
    return wrap(xp.full(shape, value, dtype=dtype._np))


def zeros(shape: Any, dtype: Any = dtypes.float32, name: Any = None) -> Tensor:
    """A tensor of zeros of the given shape.

    Example:
        >>> tf.zeros([2]).numpy()
        array([0., 0.], dtype=float32)
    """
    if traced_shape(shape) is not None:
        return _traced_fill(shape, 0, dtypes.as_dtype(dtype))
    return _fill_on_device(_shape_list(shape), 0, dtypes.as_dtype(dtype))


def ones(shape: Any, dtype: Any = dtypes.float32, name: Any = None) -> Tensor:
    """A tensor of ones of the given shape.

    Example:
        >>> tf.ones([2], tf.int32).numpy()
        array([1, 1], dtype=int32)
    """
    if traced_shape(shape) is not None:
        return _traced_fill(shape, 1, dtypes.as_dtype(dtype))
    return _fill_on_device(_shape_list(shape), 1, dtypes.as_dtype(dtype))


def _fill_on_device_array(values: list, dtype: dtypes.DType) -> Tensor:
    return convert_to_tensor(np.asarray(values, dtype=dtype._np).reshape(len(values)))


def _traced_fill(shape: Any, value: int, dtype: dtypes.DType) -> Tensor:
    from eagerflow.ops.sequence_ops import fill  # noqa: PLC0415

    return fill(shape, _fill_on_device([], value, dtype))


# -- reshape and broadcast ---------------------------------------------------------------
# While tracing, `shape` may need run-time values (`tf.shape(x)`, `[tf.shape(x)[0], -1]`): the
# shape tensor becomes a second input, the `shape` attr is None and `partial` keeps the dims
# known at trace time, so gradients work for dimensions unknown until run time.
def _runtime_shape(shape: Any, shape_t: tuple) -> tuple:
    return shape if shape is not None else tuple(int(d) for d in shape_t[0].tolist())


def _dynamic_spec(partial: tuple | None, dtype: Any) -> TensorSpec:
    if partial is None:
        return TensorSpec(None, dtype)
    return TensorSpec([None if d is None or d < 0 else d for d in partial], dtype)


def _reshape_rule(
    x: TensorSpec, *shape_t: TensorSpec, shape: tuple | None, partial: tuple | None = None
) -> TensorSpec:
    if shape is None:
        return _dynamic_spec(partial, x.dtype)
    dims = list(shape)
    if -1 in dims:
        known = x.shape.num_elements()
        rest = int(np.prod([d for d in dims if d != -1]))
        dims[dims.index(-1)] = None if known is None or rest == 0 else known // rest
    return TensorSpec(dims, x.dtype)


RESHAPE = Primitive(
    "Reshape",
    lambda xp, x, *shape_t, shape, partial=None: xp.reshape(x, _runtime_shape(shape, shape_t)),
    _reshape_rule,
)


def _static_or_dynamic_shape(x: Tensor) -> Any:
    static = x.shape
    return static.as_list() if static.is_fully_defined() else shape(x)


@RegisterGradient("Reshape")
def _reshape_grad(op: Any, grad: Tensor) -> list:
    return [reshape(grad, _static_or_dynamic_shape(op.inputs[0]))] + [None] * (len(op.inputs) - 1)


def reshape(tensor: Any, shape: Any, name: Any = None) -> Tensor:
    """Reshapes `tensor` to `shape` (one dimension may be -1).

    Example:
        >>> tf.reshape(tf.range(6), [2, -1]).shape
        TensorShape([2, 3])
    """
    x = convert_to_tensor(tensor)
    traced = traced_shape(shape)
    if traced is not None:
        return execute(RESHAPE, (x, traced[0]), {"shape": None, "partial": traced[1]})
    dims = tuple(_shape_list(shape))
    size = x.shape.num_elements()
    wanted = int(np.prod([d for d in dims if d != -1]))
    if size is not None and (
        (-1 not in dims and wanted != size) or (-1 in dims and (wanted == 0 or size % wanted))
    ):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Reshape: cannot reshape a tensor with {size} elements (shape {x.shape}) to "
            f"shape {list(dims)}",
        )
    return execute(RESHAPE, (x,), {"shape": dims})


def _broadcast_to_rule(
    x: TensorSpec, *shape_t: TensorSpec, shape: tuple | None, partial: tuple | None = None
) -> TensorSpec:
    if shape is None:
        return _dynamic_spec(partial, x.dtype)
    return TensorSpec(shape, x.dtype)


def _broadcast_to_kernel(xp: Any, x: Any, *shape_t: Any, shape: Any, partial: Any = None) -> Any:
    return xp.broadcast_to(x, _runtime_shape(shape, shape_t))


BROADCAST_TO = Primitive("BroadcastTo", _broadcast_to_kernel, _broadcast_to_rule)


@RegisterGradient("BroadcastTo")
def _broadcast_to_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    x = op.inputs[0]
    dims, grad_dims = x.shape.as_list(), grad.shape.as_list()
    lead = len(grad_dims) - len(dims)
    axes = list(range(lead)) + [
        lead + i for i, d in enumerate(dims) if d == 1 and grad_dims[lead + i] != 1
    ]
    if axes:
        # keepdims, then a reshape only to drop leading axes: works for unknown dims too.
        grad = reduce_sum(grad, axis=axes, keepdims=True)
        if lead:
            grad = reshape(grad, _static_or_dynamic_shape(x))
    return [grad] + [None] * (len(op.inputs) - 1)


def broadcast_to(input: Any, shape: Any, name: Any = None) -> Tensor:
    """Broadcasts `input` to `shape` with NumPy rules.

    Example:
        >>> tf.broadcast_to([1, 2], [2, 2]).numpy()
        array([[1, 2],
               [1, 2]], dtype=int32)
    """
    x = convert_to_tensor(input)
    traced = traced_shape(shape)
    if traced is not None:
        return execute(BROADCAST_TO, (x, traced[0]), {"shape": None, "partial": traced[1]})
    dims = tuple(_shape_list(shape))
    rules.broadcast_shapes("BroadcastTo", x.shape, TensorShape(dims))
    if x.shape.as_list() == list(dims):
        return x
    return execute(BROADCAST_TO, (x,), {"shape": dims})


# -- stacking ------------------------------------------------------------------------------
def _pack_rule(*xs: TensorSpec, axis: int) -> TensorSpec:
    dims = xs[0].shape.as_list()
    dims.insert(axis if axis >= 0 else len(dims) + 1 + axis, len(xs))
    return TensorSpec(dims, xs[0].dtype)


PACK = Primitive("Pack", lambda xp, *xs, axis: xp.stack(xs, axis=axis), _pack_rule)


@RegisterGradient("Pack")
def _pack_grad(op: Any, grad: Tensor) -> list:
    return unstack(grad, num=len(op.inputs), axis=op.get_attr("axis"))


def _unpack_kernel(xp: Any, x: Any, num: int, axis: int) -> tuple:
    return tuple(xp.take(x, i, axis=axis) for i in range(num))


def _unpack_rule(x: TensorSpec, num: int, axis: int) -> tuple:
    dims = x.shape.as_list()
    del dims[axis]
    return tuple(TensorSpec(dims, x.dtype) for _ in range(num))


UNPACK = Primitive("Unpack", _unpack_kernel, _unpack_rule, num_outputs=-1)


@RegisterGradient("Unpack")
def _unpack_grad(op: Any, *grads: Tensor) -> Tensor:
    return stack(list(grads), axis=op.get_attr("axis"))


def stack(values: Any, axis: int = 0, name: Any = None) -> Tensor:
    """Stacks a list of rank-R tensors into one rank-(R+1) tensor along `axis`.

    Example:
        >>> tf.stack([[1, 2], [3, 4]], axis=1).numpy()
        array([[1, 3],
               [2, 4]], dtype=int32)
    """
    tensors = [convert_to_tensor(v) for v in values]
    if not tensors:
        raise ValueError("stack: `values` must contain at least one tensor.")
    first = tensors[0]
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != first.shape or t.dtype != first.dtype:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Pack: all inputs must have the same shape and dtype: values[0] is "
                f"{first.dtype.name} {first.shape}, values[{i}] is {t.dtype.name} {t.shape}",
            )
    rank = first.ndim + 1
    if not -rank <= axis < rank:
        raise ValueError(f"stack: axis {axis} is out of range for rank-{rank} output")
    return execute(PACK, tuple(tensors), {"axis": axis % rank})


def unstack(value: Any, num: int | None = None, axis: int = 0, name: Any = None) -> list:
    """Splits a rank-R tensor into a list of rank-(R-1) tensors along `axis`.

    Example:
        >>> [t.numpy() for t in tf.unstack([[1, 2], [3, 4]])]
        [array([1, 2], dtype=int32), array([3, 4], dtype=int32)]
    """
    x = convert_to_tensor(value)
    if x.ndim == 0:
        raise ValueError("unstack: input must be at least rank 1, got a scalar.")
    axis = axis % x.ndim
    size = x.shape[axis]
    if num is not None and size is not None and num != size:
        raise ValueError(f"unstack: num={num} does not match dimension {axis} of size {size}")
    return list(execute(UNPACK, (x,), {"num": size if num is None else num, "axis": axis}))


# -- shape, size, rank (no gradient: they do not depend on input values) --------------------
def _shape_rule(x: TensorSpec, out_type: Any) -> TensorSpec:
    return TensorSpec([x.shape.rank], out_type)


def _scalar_rule(x: TensorSpec, out_type: Any) -> TensorSpec:
    return TensorSpec([], out_type)


SHAPE = Primitive(
    "Shape", lambda xp, x, out_type: xp.asarray(x.shape, dtype=out_type._np), _shape_rule
)
SIZE = Primitive(
    "Size", lambda xp, x, out_type: xp.asarray(x.size, dtype=out_type._np), _scalar_rule
)
RANK = Primitive(
    "Rank", lambda xp, x, out_type: xp.asarray(x.ndim, dtype=out_type._np), _scalar_rule
)
no_gradient("Shape")
no_gradient("Size")
no_gradient("Rank")


def shape(input: Any, out_type: Any = dtypes.int32, name: Any = None) -> Tensor:
    """The shape of `input` as a 1-D integer tensor.

    Example:
        >>> tf.shape(tf.zeros([2, 3])).numpy()
        array([2, 3], dtype=int32)
    """
    x = convert_to_tensor(input)
    out_type = dtypes.as_dtype(out_type)
    if x._value is None and x.shape.is_fully_defined():
        # Traced with a static shape: a constant, as TensorFlow's shape(optimize=True).
        return _fill_on_device_array(x.shape.as_list(), out_type)
    return execute(SHAPE, (x,), {"out_type": out_type})


def shape_n(input: Any, out_type: Any = dtypes.int32, name: Any = None) -> list:
    """The shapes of a list of tensors.

    Example:
        >>> [s.numpy().tolist() for s in tf.shape_n([tf.zeros([2]), tf.zeros([1, 3])])]
        [[2], [1, 3]]
    """
    return [shape(t, out_type) for t in input]


def size(input: Any, out_type: Any = dtypes.int32, name: Any = None) -> Tensor:
    """The number of elements of `input` as a scalar integer tensor.

    Example:
        >>> int(tf.size(tf.zeros([2, 3])))
        6
    """
    return execute(SIZE, (convert_to_tensor(input),), {"out_type": dtypes.as_dtype(out_type)})


def rank(input: Any, name: Any = None) -> Tensor:
    """The number of dimensions of `input` as a scalar int32 tensor.

    Example:
        >>> int(tf.rank(tf.zeros([2, 3])))
        2
    """
    return execute(RANK, (convert_to_tensor(input),), {"out_type": dtypes.int32})


# Layout ops (transpose, expand_dims, squeeze, tile, reverse) live in layout_ops.py; most
# callers look for them here.
from eagerflow.ops.layout_ops import (  # noqa: E402
    CONJUGATE_TRANSPOSE,
    EXPAND_DIMS,
    REVERSE,
    SQUEEZE,
    TILE,
    TRANSPOSE,
    expand_dims,
    reverse,
    squeeze,
    tile,
    transpose,
)

__all__ = [
    "CONJUGATE_TRANSPOSE",
    "EXPAND_DIMS",
    "REVERSE",
    "SQUEEZE",
    "TILE",
    "TRANSPOSE",
    "expand_dims",
    "reverse",
    "squeeze",
    "tile",
    "transpose",
]

"""Gathers and scatters: gather, gather_nd, scatter_nd, tensor_scatter_nd_*, boolean_mask,
where, one_hot.

Each gather has an adjoint scatter-add primitive and the two are each other's gradients, so
gradients are dense, correct with repeated indices, and differentiable again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.core import dtypes, errors
from eagerflow.core.convert import binary_operands, convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient, no_gradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops import _shape_rules as rules
from eagerflow.ops._scatter import scatter_add
from eagerflow.ops.slicing_ops import dims_of


def _prod(dims: Any) -> int:
    out = 1
    for d in dims:
        out *= int(d)
    return out


def _check_index_dtype(op: str, indices: Tensor) -> None:
    if indices.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"{op}: indices must be int32 or int64, got {indices.dtype.name}")


def _check_range(op: str, indices: Tensor, limit: Any, what: Callable[[], str]) -> None:
    values = getattr(indices, "_value", None)
    if values is None or values.size == 0:
        return
    if limit is None:
        return
    if type(values) is not np.ndarray:
        values = np.asarray(indices)
    if not isinstance(limit, (list, tuple)):
        if 0 <= values.min() and values.max() < limit:
            return
    else:
        limit = [np.iinfo(np.int64).max if n is None else n for n in limit]
    limit = np.asarray(limit)
    bad = np.argwhere((values < 0) | (values >= limit))
    if bad.size:
        where = tuple(int(i) for i in bad[0])
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{op}: indices{list(where)} = {values[where].tolist()} is not in "
            f"[0, {np.broadcast_to(limit, values.shape)[where].tolist()}) ({what()})",
        )


# -- gather ---------------------------------------------------------------------------------
def _gather_layout(params_shape: tuple, indices: Any, axis: int, batch_dims: int) -> tuple:
    """Canonical [B, pre, N, post] params layout and [B, K] indices for GatherV2."""
    p = params_shape
    batch = _prod(p[:batch_dims])
    return (batch, _prod(p[batch_dims:axis]), p[axis], _prod(p[axis + 1 :])), (
        batch,
        _prod(indices.shape[batch_dims:]),
    )


def _gather_kernel(xp: Any, params: Any, indices: Any, axis: int, batch_dims: int) -> Any:
    if batch_dims == 0:
        return xp.take(params, indices, axis=axis)
    layout, ind_layout = _gather_layout(params.shape, indices, axis, batch_dims)
    rows = xp.arange(layout[0])[:, None]
    picked = params.reshape(layout)[rows, :, indices.reshape(ind_layout), :]
    out_shape = params.shape[:axis] + indices.shape[batch_dims:] + params.shape[axis + 1 :]
    return picked.transpose(0, 2, 1, 3).reshape(out_shape)


# The params shape is an attr, or (tracing with unknown dims) a third input with the attr None
# and `partial` holding the dims known at trace time. ScatterNd's `shape` works the same way.
def _runtime_dims(dims: Any, dims_t: tuple) -> tuple:
    return tuple(dims) if dims is not None else tuple(int(d) for d in dims_t[0].tolist())


def _gather_grad_kernel(
    xp: Any,
    grad: Any,
    indices: Any,
    *shape_t: Any,
    params_shape: Any,
    axis: int,
    batch_dims: int,
    partial: Any = None,
) -> Any:
    params_shape = _runtime_dims(params_shape, shape_t)
    layout, ind_layout = _gather_layout(params_shape, indices, axis, batch_dims)
    out = xp.zeros(layout, dtype=grad.dtype)
    updates = grad.reshape(layout[:2] + ind_layout[1:] + layout[3:]).transpose(0, 2, 1, 3)
    rows = xp.arange(layout[0])[:, None]
    index = (rows, slice(None), indices.reshape(ind_layout), slice(None))
    return scatter_add(xp, out, index, updates).reshape(params_shape)


def _gather_rule(params: TensorSpec, indices: TensorSpec, axis: int, batch_dims: int) -> Any:
    p, i = params.shape.as_list(), indices.shape.as_list()
    return TensorSpec(p[:axis] + i[batch_dims:] + p[axis + 1 :], params.dtype)


def _gather_grad_rule(
    grad: TensorSpec, indices: TensorSpec, *shape_t: TensorSpec, params_shape: Any, **attrs: Any
) -> Any:
    dims = params_shape if params_shape is not None else attrs["partial"]
    return TensorSpec(list(dims), grad.dtype)


def _shape_attrs(x: Tensor, name: str) -> tuple:
    """(extra inputs, attrs) passing `x`'s shape statically, or as a tensor when unknown."""
    dims = tuple(x.shape.as_list())
    if None not in dims:
        return (), {name: dims}
    from eagerflow.ops.array_ops import shape  # noqa: PLC0415

    return (shape(x),), {name: None, "partial": dims}


GATHER = Primitive("GatherV2", _gather_kernel, _gather_rule)
# The adjoint of GatherV2 (a dense scatter-add); not a TensorFlow op type.
GATHER_GRAD = Primitive("GatherV2Grad", _gather_grad_kernel, _gather_grad_rule)


@RegisterGradient("GatherV2")
def _gather_grad(op: Any, grad: Tensor) -> list:
    params, indices = op.inputs
    extra, attrs = _shape_attrs(params, "params_shape")
    attrs.update(axis=op.get_attr("axis"), batch_dims=op.get_attr("batch_dims"))
    return [execute(GATHER_GRAD, (grad, indices, *extra), attrs), None]


@RegisterGradient("GatherV2Grad")
def _gather_grad_grad(op: Any, grad: Tensor) -> list:
    attrs = {"axis": op.get_attr("axis"), "batch_dims": op.get_attr("batch_dims")}
    return [execute(GATHER, (grad, op.inputs[1]), attrs)] + [None] * (len(op.inputs) - 1)


def gather(
    params: Any,
    indices: Any,
    validate_indices: Any = None,
    axis: Any = None,
    batch_dims: int = 0,
    name: Any = None,
) -> Tensor:
    """Gathers slices of `params` along `axis` at `indices` (after `batch_dims` batch axes).

    The output shape is `params.shape[:axis] + indices.shape[batch_dims:] +
    params.shape[axis + 1:]`. Out-of-range indices raise `InvalidArgumentError`.

    Example:
        >>> tf.gather(tf.constant([[1, 2], [3, 4], [5, 6]]), [2, 0]).numpy()
        array([[5, 6],
               [1, 2]], dtype=int32)
    """
    x = convert_to_tensor(params)
    idx = convert_to_tensor(indices)
    _check_index_dtype("GatherV2", idx)
    batch_dims = int(batch_dims)
    if batch_dims < 0:
        batch_dims += idx.ndim
    axis = batch_dims if axis is None else int(axis)
    if axis < 0:
        axis += x.ndim
    if not 0 <= batch_dims <= min(axis, idx.ndim) or axis >= x.ndim:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"GatherV2: need 0 <= batch_dims <= axis < rank(params) and batch_dims <= "
            f"rank(indices); got axis {axis}, batch_dims {batch_dims} for params of shape "
            f"{x.shape} and indices of shape {idx.shape}",
        )
    dims = dims_of(x)
    if batch_dims and dims[:batch_dims] != dims_of(idx)[:batch_dims]:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"GatherV2: the first {batch_dims} (batch) dimensions of params {x.shape} and "
            f"indices {idx.shape} must be equal",
        )
    _check_range("GatherV2", idx, dims[axis], lambda: f"axis {axis} of params with shape {x.shape}")
    return execute(GATHER, (x, idx), {"axis": axis, "batch_dims": batch_dims})


# -- gather_nd and scatter_nd ---------------------------------------------------------------
def _nd_index(indices: Any) -> tuple:
    return tuple(indices[..., j] for j in range(indices.shape[-1]))


def _gather_nd_kernel(xp: Any, params: Any, indices: Any) -> Any:
    return params[_nd_index(indices)]


def _gather_nd_rule(params: TensorSpec, indices: TensorSpec) -> TensorSpec:
    i = indices.shape.as_list()
    return TensorSpec(i[:-1] + params.shape.as_list()[i[-1] :], params.dtype)


def _scatter_nd_kernel(
    xp: Any, indices: Any, updates: Any, *shape_t: Any, shape: Any, partial: Any = None
) -> Any:
    out = xp.zeros(_runtime_dims(shape, shape_t), dtype=updates.dtype)
    return scatter_add(xp, out, _nd_index(indices), updates)


def _scatter_nd_rule(
    indices: TensorSpec, updates: TensorSpec, *shape_t: TensorSpec, shape: Any, partial: Any = None
) -> TensorSpec:
    return TensorSpec(list(shape if shape is not None else partial), updates.dtype)


def _tensor_scatter_update_kernel(xp: Any, tensor: Any, indices: Any, updates: Any) -> Any:
    out = tensor.copy()
    out[_nd_index(indices)] = updates
    return out


def _tensor_scatter_add_kernel(xp: Any, tensor: Any, indices: Any, updates: Any) -> Any:
    return scatter_add(xp, tensor.copy(), _nd_index(indices), updates)


def _first(x: TensorSpec, *rest: TensorSpec) -> TensorSpec:
    return TensorSpec(x.shape, x.dtype)


GATHER_ND = Primitive("GatherNd", _gather_nd_kernel, _gather_nd_rule)
SCATTER_ND = Primitive("ScatterNd", _scatter_nd_kernel, _scatter_nd_rule)
TENSOR_SCATTER_UPDATE = Primitive("TensorScatterUpdate", _tensor_scatter_update_kernel, _first)
TENSOR_SCATTER_ADD = Primitive("TensorScatterAdd", _tensor_scatter_add_kernel, _first)


@RegisterGradient("GatherNd")
def _gather_nd_grad(op: Any, grad: Tensor) -> list:
    params, indices = op.inputs
    extra, attrs = _shape_attrs(params, "shape")
    return [execute(SCATTER_ND, (indices, grad, *extra), attrs), None]


@RegisterGradient("ScatterNd")
def _scatter_nd_grad(op: Any, grad: Tensor) -> list:
    return [None, execute(GATHER_ND, (grad, op.inputs[0]))] + [None] * (len(op.inputs) - 2)


@RegisterGradient("TensorScatterUpdate")
def _tensor_scatter_update_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops.array_ops import zeros_like  # noqa: PLC0415

    _, indices, updates = op.inputs
    cleared = execute(TENSOR_SCATTER_UPDATE, (grad, indices, zeros_like(updates)))
    return [cleared, None, execute(GATHER_ND, (grad, indices))]


@RegisterGradient("TensorScatterAdd")
def _tensor_scatter_add_grad(op: Any, grad: Tensor) -> list:
    return [grad, None, execute(GATHER_ND, (grad, op.inputs[1]))]


def _nd_indices(op: str, indices: Any, shape: list, batch_dims: int = 0) -> Tensor:
    idx = convert_to_tensor(indices)
    _check_index_dtype(op, idx)
    if idx.ndim == 0 or idx.shape[-1] is None or idx.shape[-1] > len(shape) - batch_dims:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{op}: indices of shape {idx.shape} must have rank >= 1 and a last dimension of at "
            f"most {len(shape) - batch_dims} for a tensor of shape {tuple(shape)}",
        )
    limits = shape[batch_dims : batch_dims + idx.shape[-1]]
    _check_range(op, idx, limits, lambda: f"shape {tuple(shape)}")
    return idx


def _check_updates(op: str, idx: Tensor, updates: Tensor, shape: list) -> None:
    want = idx.shape.as_list()[:-1] + list(shape[idx.shape[-1] :])
    if updates.shape.as_list() != want:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{op}: updates must have shape {want} for indices of shape {idx.shape} into shape "
            f"{tuple(shape)}, got {updates.shape}",
        )


def gather_nd(params: Any, indices: Any, batch_dims: int = 0, name: Any = None) -> Tensor:
    """Gathers slices of `params` addressed by the last axis of `indices`.

    Example:
        >>> tf.gather_nd(tf.constant([[1, 2], [3, 4]]), [[1, 0], [0, 1]]).numpy()
        array([3, 2], dtype=int32)
    """
    from eagerflow.ops.array_ops import reshape  # noqa: PLC0415

    x = convert_to_tensor(params)
    dims = x.shape.as_list()
    idx = _nd_indices("GatherNd", indices, dims, batch_dims)
    if batch_dims == 0:
        return execute(GATHER_ND, (x, idx))
    # Batch dimensions: flatten them into one and prepend each row's batch coordinate.
    batch = _prod(dims[:batch_dims])
    values = np.asarray(idx).reshape(batch, -1, idx.shape[-1])
    rows = np.broadcast_to(np.arange(batch)[:, None, None], values.shape[:2] + (1,))
    full = convert_to_tensor(np.concatenate([rows.astype(values.dtype), values], axis=-1))
    flat = reshape(x, [batch] + dims[batch_dims:])
    out = execute(GATHER_ND, (flat, full))
    return reshape(out, idx.shape.as_list()[:-1] + dims[batch_dims + idx.shape[-1] :])


def scatter_nd(indices: Any, updates: Any, shape: Any, name: Any = None) -> Tensor:
    """Scatters `updates` into zeros of `shape` at `indices`; repeated indices add up.

    Example:
        >>> tf.scatter_nd([[1], [3], [1]], [1.0, 2.0, 3.0], [4]).numpy()
        array([0., 4., 0., 2.], dtype=float32)
    """
    dims = [int(d) for d in np.asarray(shape).reshape(-1)]
    idx = _nd_indices("ScatterNd", indices, dims)
    upd = convert_to_tensor(updates)
    _check_updates("ScatterNd", idx, upd, dims)
    return execute(SCATTER_ND, (idx, upd), {"shape": tuple(dims)})


def _tensor_scatter(prim: Primitive, tensor: Any, indices: Any, updates: Any) -> Tensor:
    x = convert_to_tensor(tensor)
    dims = x.shape.as_list()
    idx = _nd_indices(prim.name, indices, dims)
    upd = convert_to_tensor(updates, dtype=x.dtype)
    _check_updates(prim.name, idx, upd, dims)
    return execute(prim, (x, idx, upd))


def tensor_scatter_nd_update(tensor: Any, indices: Any, updates: Any, name: Any = None) -> Tensor:
    """A copy of `tensor` with `updates` written at `indices`.

    Example:
        >>> tf.tensor_scatter_nd_update(tf.zeros([3]), [[1]], [5.0]).numpy()
        array([0., 5., 0.], dtype=float32)
    """
    return _tensor_scatter(TENSOR_SCATTER_UPDATE, tensor, indices, updates)


def tensor_scatter_nd_add(tensor: Any, indices: Any, updates: Any, name: Any = None) -> Tensor:
    """A copy of `tensor` with `updates` added at `indices` (repeated indices add up).

    Example:
        >>> tf.tensor_scatter_nd_add(tf.ones([3]), [[1], [1]], [5.0, 2.0]).numpy()
        array([1., 8., 1.], dtype=float32)
    """
    return _tensor_scatter(TENSOR_SCATTER_ADD, tensor, indices, updates)


def tensor_scatter_nd_sub(tensor: Any, indices: Any, updates: Any, name: Any = None) -> Tensor:
    """A copy of `tensor` with `updates` subtracted at `indices`.

    Example:
        >>> tf.tensor_scatter_nd_sub(tf.ones([3]), [[0]], [5.0]).numpy()
        array([-4.,  1.,  1.], dtype=float32)
    """
    from eagerflow.ops.math_ops import negative  # noqa: PLC0415

    x = convert_to_tensor(tensor)
    return _tensor_scatter(
        TENSOR_SCATTER_ADD, x, indices, negative(convert_to_tensor(updates, x.dtype))
    )


# -- where ----------------------------------------------------------------------------------
def _where_kernel(xp: Any, condition: Any) -> Any:
    return xp.argwhere(condition).astype(xp.int64)


def _where_rule(condition: TensorSpec) -> TensorSpec:
    return TensorSpec([None, condition.shape.rank], dtypes.int64)


def _select_rule(c: TensorSpec, x: TensorSpec, y: TensorSpec) -> TensorSpec:
    shape = rules.broadcast_shapes("SelectV2", c.shape, x.shape)
    return TensorSpec(rules.broadcast_shapes("SelectV2", shape, y.shape), x.dtype)


WHERE = Primitive("Where", _where_kernel, _where_rule)
SELECT = Primitive("SelectV2", lambda xp, c, x, y: xp.where(c, x, y), _select_rule)
no_gradient("Where")


@RegisterGradient("SelectV2")
def _select_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops._broadcasting import unbroadcast  # noqa: PLC0415
    from eagerflow.ops.array_ops import zeros_like  # noqa: PLC0415

    c, x, y = op.inputs
    zeros = zeros_like(grad)
    gx = execute(SELECT, (c, grad, zeros))
    gy = execute(SELECT, (c, zeros, grad))
    return [None, unbroadcast(gx, x.shape.as_list()), unbroadcast(gy, y.shape.as_list())]


def where(condition: Any, x: Any = None, y: Any = None, name: Any = None) -> Tensor:
    """With one argument, the int64 coordinates `[n, rank]` of the true (non-zero) elements;
    with three, elements of `x` where `condition` holds and of `y` elsewhere (broadcasting).

    Example:
        >>> tf.where([True, False, True]).numpy()
        array([[0],
               [2]])
        >>> tf.where([True, False], [1, 2], [10, 20]).numpy()
        array([ 1, 20], dtype=int32)
    """
    c = convert_to_tensor(condition)
    if x is None and y is None:
        return execute(WHERE, (c,))
    if x is None or y is None:
        raise ValueError("where: `x` and `y` must both be given, or neither.")
    if not c.dtype.is_bool:
        raise TypeError(f"SelectV2: condition must be a bool tensor, got {c.dtype.name}")
    xt, yt = binary_operands("SelectV2", x, y)
    shapes = [getattr(t._value, "shape", None) for t in (c, xt, yt)]
    if None in shapes or any(sh != () and sh != max(shapes, key=len) for sh in shapes):
        specs = [TensorSpec.from_tensor(t) for t in (c, xt, yt)]
        _select_rule(*specs)  # raises naming the shapes when they do not broadcast
    return execute(SELECT, (c, xt, yt))


# -- boolean_mask ---------------------------------------------------------------------------
def boolean_mask(tensor: Any, mask: Any, axis: Any = None, name: Any = None) -> Tensor:
    """The elements (or slices, from `axis` on) of `tensor` where the boolean `mask` is True.

    Example:
        >>> tf.boolean_mask(tf.constant([[1, 2], [3, 4], [5, 6]]), [True, False, True]).numpy()
        array([[1, 2],
               [5, 6]], dtype=int32)
    """
    from eagerflow.ops.array_ops import reshape  # noqa: PLC0415

    x = convert_to_tensor(tensor)
    m = convert_to_tensor(mask)
    if not m.dtype.is_bool:
        raise TypeError(f"boolean_mask: mask must be a bool tensor, got {m.dtype.name}")
    axis = 0 if axis is None else int(axis) % max(x.ndim, 1)
    k = m.ndim
    dims = x.shape.as_list()
    if k == 0 or not x.shape[axis : axis + k].is_compatible_with(m.shape):
        raise ValueError(
            f"boolean_mask: mask of shape {m.shape} must be non-scalar and match dimensions "
            f"{axis}..{axis + k - 1} of the tensor of shape {x.shape}"
        )
    if k > 1:
        x = reshape(x, dims[:axis] + [-1] + dims[axis + k :])
        m = reshape(m, [-1])
    picked = reshape(where(m), [-1])
    return gather(x, picked, axis=axis)


# -- one_hot --------------------------------------------------------------------------------
def _one_hot_kernel(
    xp: Any, indices: Any, depth: int, on_value: Any, off_value: Any, axis: int, dtype: Any
) -> Any:
    hot = indices[..., None] == xp.arange(depth)
    out = xp.where(hot, on_value, off_value).astype(dtype._np)
    return out if axis == -1 else xp.moveaxis(out, -1, axis)


def _one_hot_rule(indices: TensorSpec, depth: int, axis: int, dtype: Any, **_: Any) -> Any:
    dims = indices.shape.as_list()
    dims.insert(len(dims) if axis == -1 else axis, depth)
    return TensorSpec(dims, dtype)


ONE_HOT = Primitive("OneHot", _one_hot_kernel, _one_hot_rule)
no_gradient("OneHot")


def one_hot(
    indices: Any,
    depth: Any,
    on_value: Any = None,
    off_value: Any = None,
    axis: Any = None,
    dtype: Any = None,
    name: Any = None,
) -> Tensor:
    """One-hot encodes `indices` into a new axis of size `depth` (out-of-range: all off).

    Example:
        >>> tf.one_hot([0, 2], 3).numpy()
        array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    idx = convert_to_tensor(indices)
    if not idx.dtype.is_integer:
        raise TypeError(f"OneHot: indices must be integers, got {idx.dtype.name}")
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    given = [convert_to_tensor(v, dtype=dtype) for v in (on_value, off_value) if v is not None]
    if len(given) == 2 and given[0].dtype != given[1].dtype:
        raise TypeError(
            f"OneHot: on_value ({given[0].dtype.name}) and off_value ({given[1].dtype.name}) "
            f"must have the same dtype"
        )
    dtype = dtype or (given[0].dtype if given else dtypes.float32)
    on = 1 if on_value is None else np.asarray(on_value).item()
    off = 0 if off_value is None else np.asarray(off_value).item()
    axis = -1 if axis is None else int(axis)
    if not -1 <= axis <= idx.ndim:
        raise ValueError(f"OneHot: axis must be in [-1, {idx.ndim}], got {axis}")
    attrs = {
        "depth": int(depth),
        "on_value": on,
        "off_value": off,
        "axis": axis,
        "dtype": dtype,
    }
    return execute(ONE_HOT, (idx,), attrs)


def where_v1(condition: Any, x: Any = None, y: Any = None, name: Any = None) -> Tensor:
    """TF1's `tf.where` (`tf.compat.v1.where`): a vector `condition` picks whole rows of `x`/`y`.

    Otherwise `condition`, `x` and `y` must have the same shape (no other broadcasting).

    Example:
        >>> tf.compat.v1.where([True, False], [[1, 2], [3, 4]], [[5, 6], [7, 8]]).numpy()
        array([[1, 2],
               [7, 8]], dtype=int32)
    """
    from eagerflow.ops.array_ops import reshape  # noqa: PLC0415

    c = convert_to_tensor(condition)
    if x is None and y is None:
        return where(c)
    if x is None or y is None:
        raise ValueError("where: `x` and `y` must both be given, or neither.")
    xt, yt = binary_operands("Select", x, y)
    if xt.shape != yt.shape:
        raise errors.InvalidArgumentError(
            None, None, f"Select: x and y must have the same shape, got {xt.shape} and {yt.shape}"
        )
    if c.ndim == 1 and xt.ndim > 1:
        if c.shape[0] != xt.shape[0]:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Select: a vector condition of shape {c.shape} must match the first dimension "
                f"of x {xt.shape}",
            )
        c = reshape(c, [-1] + [1] * (xt.ndim - 1))
    elif c.shape != xt.shape:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Select: condition {c.shape} must have the shape of x {xt.shape} or be a vector "
            f"over its first dimension",
        )
    return where(c, xt, yt)


def gather_v1(
    params: Any,
    indices: Any,
    validate_indices: Any = None,
    name: Any = None,
    axis: Any = None,
    batch_dims: int = 0,
) -> Tensor:
    """TF1's argument order for `tf.gather` (`name` before `axis`).

    Example:
        >>> tf.compat.v1.gather([1, 2, 3], [2], None, "g").numpy()
        array([3], dtype=int32)
    """
    return gather(params, indices, axis=axis, batch_dims=batch_dims)

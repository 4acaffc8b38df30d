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
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
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


# where, boolean_mask and one_hot live in select_ops.py; callers also find them here.
from eagerflow.ops.select_ops import (  # noqa: E402
    ONE_HOT,
    SELECT,
    WHERE,
    boolean_mask,
    one_hot,
    where,
    where_v1,
)

__all__ = ["ONE_HOT", "SELECT", "WHERE", "boolean_mask", "one_hot", "where", "where_v1"]

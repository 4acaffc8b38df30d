"""Selecting elements: `tf.where` (coordinates, or a broadcasting select whose gradient goes
to both branches), `tf.boolean_mask` (a gather at the mask's coordinates), `tf.one_hot`, and
TF1's `where` (`tf.compat.v1.where`). `gather_ops` re-exports them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core import dtypes, errors
from eagerflow.core.convert import binary_operands, convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient, no_gradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops import _shape_rules as rules


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
    from eagerflow.ops.gather_ops import gather  # noqa: PLC0415  (gather_ops re-exports us)

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

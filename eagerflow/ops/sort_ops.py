"""Sorting and uniqueness: `tf.sort`, `tf.argsort`, `tf.unique`, `tf.unique_with_counts`.

`argsort` and `unique` return indices (no gradient); `sort` is a gather along the sorted
order, so its gradient scatters back through `GatherV2`.
"""

from __future__ import annotations

import collections
from typing import Any

from eagerflow.core import dtypes, errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops._dtype_kinds import check_ordered


def _argsort_kernel(xp: Any, x: Any, axis: int, descending: bool) -> Any:
    if not descending:
        return xp.argsort(x, axis=axis, kind="stable").astype(xp.int32)
    # Stable descending order (ties keep their original order), as TensorFlow's top_k.
    flipped = xp.argsort(xp.flip(x, axis), axis=axis, kind="stable")
    return (x.shape[axis] - 1 - xp.flip(flipped, axis)).astype(xp.int32)


def _argsort_rule(x: TensorSpec, axis: int, descending: bool) -> TensorSpec:
    return TensorSpec(x.shape, dtypes.int32)


ARGSORT = Primitive("ArgSort", _argsort_kernel, _argsort_rule)
no_gradient("ArgSort")


def _direction(direction: str) -> bool:
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"sort: direction must be ASCENDING or DESCENDING, got {direction!r}")
    return direction == "DESCENDING"


def _axis(op: str, axis: Any, x: Tensor) -> int:
    axis = int(axis)
    if x.ndim == 0 or not -x.ndim <= axis < x.ndim:
        raise errors.InvalidArgumentError(
            None, None, f"{op}: axis {axis} is out of range for an input of shape {x.shape}"
        )
    return axis % x.ndim


def argsort(
    values: Any,
    axis: int = -1,
    direction: str = "ASCENDING",
    stable: bool = False,
    name: Any = None,
) -> Tensor:
    """The int32 indices that sort `values` along `axis` (always stable here).

    Example:
        >>> tf.argsort([3.0, 1.0, 2.0]).numpy()
        array([1, 2, 0], dtype=int32)
    """
    x = convert_to_tensor(values)
    check_ordered("argsort", x, "values")
    attrs = {"axis": _axis("argsort", axis, x), "descending": _direction(direction)}
    return execute(ARGSORT, (x,), attrs)


def sort(values: Any, axis: int = -1, direction: str = "ASCENDING", name: Any = None) -> Tensor:
    """Sorts `values` along `axis` (differentiable: the gradient follows the permutation).

    Example:
        >>> tf.sort([3.0, 1.0, 2.0], direction="DESCENDING").numpy()
        array([3., 2., 1.], dtype=float32)
    """
    from eagerflow.ops.array_ops import transpose  # noqa: PLC0415
    from eagerflow.ops.gather_ops import gather  # noqa: PLC0415

    x = convert_to_tensor(values)
    check_ordered("sort", x, "values")
    axis = _axis("sort", axis, x)
    last = x.ndim - 1
    perm = list(range(x.ndim))
    perm[axis], perm[last] = last, axis
    moved = x if axis == last else transpose(x, perm)
    order = argsort(moved, axis=-1, direction=direction)
    out = gather(moved, order, axis=last, batch_dims=last)
    return out if axis == last else transpose(out, perm)


def _unique_kernel(xp: Any, x: Any, out_idx: Any) -> tuple:
    _, first, inverse = xp.unique(x, return_index=True, return_inverse=True)
    order = xp.argsort(first)
    ranks = xp.empty_like(order)
    ranks[order] = xp.arange(order.size)
    y = x[first[order]]
    idx = ranks[inverse.reshape(-1)].astype(out_idx._np)
    counts = xp.bincount(idx, minlength=y.size).astype(out_idx._np)
    return y, idx, counts


def _unique_rule(x: TensorSpec, out_idx: Any) -> tuple:
    return (
        TensorSpec([None], x.dtype),
        TensorSpec(x.shape, out_idx),
        TensorSpec([None], out_idx),
    )


# TensorFlow returns named tuples: `tf.unique(x).y`, `.idx`, `.count`.
Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])

UNIQUE = Primitive("UniqueWithCounts", _unique_kernel, _unique_rule, num_outputs=3)
no_gradient("UniqueWithCounts")


def _unique(x: Any, out_idx: Any) -> tuple:
    t = convert_to_tensor(x)
    if t.ndim != 1:
        raise errors.InvalidArgumentError(
            None, None, f"Unique: x must be a vector (rank 1), got shape {t.shape}"
        )
    out_idx = dtypes.as_dtype(out_idx)
    if out_idx not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Unique: out_idx must be int32 or int64, got {out_idx.name}")
    return execute(UNIQUE, (t,), {"out_idx": out_idx})


def unique(x: Any, out_idx: Any = dtypes.int32, name: Any = None) -> tuple:
    """The distinct values `y` of a vector in order of first appearance, and `idx` with
    `x == y[idx]`.

    Example:
        >>> y, idx = tf.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
        >>> y.numpy(), idx.numpy()
        (array([1, 2, 4, 7, 8], dtype=int32), array([0, 0, 1, 2, 2, 2, 3, 4, 4], dtype=int32))
    """
    y, idx, _ = _unique(x, out_idx)
    return Unique(y, idx)


def unique_with_counts(x: Any, out_idx: Any = dtypes.int32, name: Any = None) -> tuple:
    """Like `unique`, plus how often each distinct value occurs.

    Example:
        >>> tf.unique_with_counts([1, 1, 2])[2].numpy()
        array([2, 1], dtype=int32)
    """
    return UniqueWithCounts(*_unique(x, out_idx))

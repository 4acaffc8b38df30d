"""Rearranging elements: `tf.repeat`, `tf.roll`, `tf.meshgrid`, `tf.reverse_sequence`.

All are composites of `gather`, `reshape` and `broadcast_to`, so their gradients (dense,
summing over repeated elements) come from those ops.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core import errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.tensor import Tensor


def _values(value: Any) -> np.ndarray:
    if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
        return np.asarray(convert_to_tensor(value))
    return np.asarray(value)


def _axis(op: str, axis: Any, rank: int) -> int:
    axis = int(axis)
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            None, None, f"{op}: axis {axis} is out of range for a rank-{rank} input"
        )
    return axis % rank


def repeat(input: Any, repeats: Any, axis: Any = None, name: Any = None) -> Tensor:
    """Repeats each element (or slice along `axis`) `repeats` times; flattens when axis is None.

    Example:
        >>> tf.repeat(tf.constant([[1, 2], [3, 4]]), repeats=[1, 2], axis=0).numpy()
        array([[1, 2],
               [3, 4],
               [3, 4]], dtype=int32)
    """
    from eagerflow.ops.array_ops import reshape  # noqa: PLC0415
    from eagerflow.ops.gather_ops import gather  # noqa: PLC0415

    x = convert_to_tensor(input)
    if axis is None:
        x, axis = reshape(x, [-1]), 0
    axis = _axis("Repeat", axis, x.ndim)
    n = x.shape[axis]
    counts = _values(repeats).astype(np.int64).reshape(-1)
    if counts.size == 1:
        counts = np.full(n, counts[0])
    if counts.size != n or (counts < 0).any():
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Repeat: repeats must be a non-negative scalar or have one entry per element of "
            f"dimension {axis} (size {n}), got {_values(repeats).tolist()}",
        )
    return gather(x, np.repeat(np.arange(n, dtype=np.int32), counts), axis=axis)


def roll(input: Any, shift: Any, axis: Any, name: Any = None) -> Tensor:
    """Rolls elements along `axis` by `shift` (elements leaving one end enter at the other).

    Example:
        >>> tf.roll(tf.constant([0, 1, 2, 3, 4]), shift=2, axis=0).numpy()
        array([3, 4, 0, 1, 2], dtype=int32)
    """
    from eagerflow.ops.gather_ops import gather  # noqa: PLC0415

    x = convert_to_tensor(input)
    shifts = _values(shift).astype(np.int64).reshape(-1)
    axes = _values(axis).astype(np.int64).reshape(-1)
    if shifts.size != axes.size:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Roll: shift and axis must have the same size, got {shifts.tolist()} and "
            f"{axes.tolist()}",
        )
    total: dict = {}
    for s, a in zip(shifts, axes):
        a = _axis("Roll", a, x.ndim)
        total[a] = total.get(a, 0) + int(s)
    for a, s in sorted(total.items()):
        n = x.shape[a]
        if n and s % n:
            x = gather(x, (np.arange(n, dtype=np.int32) - s) % n, axis=a)
    return x


def meshgrid(*args: Any, **kwargs: Any) -> list:
    """Coordinate grids from 1-D coordinate vectors; `indexing` is "xy" (default) or "ij".

    Example:
        >>> X, Y = tf.meshgrid([1, 2, 3], [4, 5])
        >>> X.numpy()
        array([[1, 2, 3],
               [1, 2, 3]], dtype=int32)
    """
    from eagerflow.ops.array_ops import broadcast_to, reshape  # noqa: PLC0415

    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"meshgrid: unexpected keyword arguments {sorted(kwargs)}")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    vectors = [reshape(convert_to_tensor(a), [-1]) for a in args]
    n = len(vectors)
    positions = list(range(n))
    if indexing == "xy" and n > 1:
        positions[0], positions[1] = 1, 0
    shape = [1] * n
    for v, p in zip(vectors, positions):
        shape[p] = v.shape[0]
    grids = []
    for v, p in zip(vectors, positions):
        dims = [1] * n
        dims[p] = -1
        grids.append(broadcast_to(reshape(v, dims), shape))
    return grids


def reverse_sequence(
    input: Any, seq_lengths: Any, seq_axis: Any = None, batch_axis: Any = None, name: Any = None
) -> Tensor:
    """Reverses the first `seq_lengths[b]` entries along `seq_axis` of each batch entry `b`.

    Example:
        >>> x = tf.constant([[1, 2, 3], [4, 5, 6]])
        >>> tf.reverse_sequence(x, [2, 3], seq_axis=1, batch_axis=0).numpy()
        array([[2, 1, 3],
               [6, 5, 4]], dtype=int32)
    """
    from eagerflow.ops.array_ops import expand_dims, shape, transpose  # noqa: PLC0415
    from eagerflow.ops.gather_ops import gather, where  # noqa: PLC0415
    from eagerflow.ops.math_ops import less, subtract  # noqa: PLC0415
    from eagerflow.ops.sequence_ops import range as range_  # noqa: PLC0415

    x = convert_to_tensor(input)
    if seq_axis is None:
        raise ValueError("reverse_sequence: seq_axis is required")
    seq = _axis("ReverseSequence", seq_axis, x.ndim)
    batch = _axis("ReverseSequence", 0 if batch_axis is None else batch_axis, x.ndim)
    if seq == batch:
        raise ValueError(f"reverse_sequence: seq_axis and batch_axis must differ, got {seq}")
    lengths = convert_to_tensor(seq_lengths)
    if not lengths.dtype.is_integer or lengths.ndim != 1:
        raise TypeError("reverse_sequence: seq_lengths must be a 1-D integer tensor")
    # Batch axis first and sequence axis second, so one batched gather reverses every row.
    perm = [batch, seq] + [a for a in range(x.ndim) if a not in (batch, seq)]
    moved = transpose(x, perm)
    n = moved.shape[1] if moved.shape[1] is not None else shape(moved)[1]
    steps = expand_dims(range_(0, n, dtype=lengths.dtype), 0)
    ends = expand_dims(lengths, 1)
    order = where(less(steps, ends), subtract(subtract(ends, 1), steps), steps)
    out = gather(moved, order, axis=1, batch_dims=1)
    return transpose(out, [perm.index(a) for a in range(x.ndim)])

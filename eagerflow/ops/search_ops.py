"""Index arithmetic over sorted data and flat positions: `tf.searchsorted`,
`tf.sequence_mask`, `tf.unravel_index` (no gradients: their outputs are indices or masks)."""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core import dtypes, errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops._dtype_kinds import check_ordered


def _bound_kernel(side: str) -> Any:
    def kernel(xp: Any, seq: Any, values: Any, out_type: Any) -> Any:
        if seq.ndim == 1:
            return xp.searchsorted(seq, values, side=side).astype(out_type._np)
        rows = seq.reshape(-1, seq.shape[-1])
        queries = values.reshape(rows.shape[0], -1)
        out = xp.zeros(queries.shape, dtype=out_type._np)
        for i in range(rows.shape[0]):
            out[i] = xp.searchsorted(rows[i], queries[i], side=side)
        return out.reshape(values.shape)

    return kernel


def _bound_rule(seq: TensorSpec, values: TensorSpec, out_type: Any) -> TensorSpec:
    return TensorSpec(values.shape, out_type)


LOWER_BOUND = Primitive("LowerBound", _bound_kernel("left"), _bound_rule)
UPPER_BOUND = Primitive("UpperBound", _bound_kernel("right"), _bound_rule)
no_gradient("LowerBound")
no_gradient("UpperBound")


def searchsorted(
    sorted_sequence: Any,
    values: Any,
    side: str = "left",
    out_type: Any = dtypes.int32,
    name: Any = None,
) -> Tensor:
    """Where each of `values` would go in the innermost dimension of `sorted_sequence`.

    Leading dimensions of the two inputs must match (a 1-D sequence serves any `values`).

    Example:
        >>> tf.searchsorted([0.0, 1.0, 2.0], [1.0, 1.5], side="right").numpy()
        array([2, 2], dtype=int32)
    """
    seq = convert_to_tensor(sorted_sequence)
    vals = convert_to_tensor(values, dtype_hint=seq.dtype)
    check_ordered("searchsorted", seq, "sorted_sequence")
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if seq.ndim == 0 or (seq.ndim > 1 and seq.shape[:-1] != vals.shape[:-1]):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"searchsorted: sorted_sequence {seq.shape} and values {vals.shape} must have the "
            f"same leading dimensions",
        )
    prim = LOWER_BOUND if side == "left" else UPPER_BOUND
    return execute(prim, (seq, vals), {"out_type": dtypes.as_dtype(out_type)})


def sequence_mask(
    lengths: Any, maxlen: Any = None, dtype: Any = dtypes.bool_, name: Any = None
) -> Tensor:
    """A mask `[..., maxlen]` that is True for the first `lengths[...]` positions of each row.

    Example:
        >>> tf.sequence_mask([1, 3], 4).numpy()
        array([[ True, False, False, False],
               [ True,  True,  True, False]])
    """
    from eagerflow.ops.array_ops import expand_dims  # noqa: PLC0415
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415
    from eagerflow.ops.math_ops import less  # noqa: PLC0415
    from eagerflow.ops.sequence_ops import range as range_  # noqa: PLC0415

    n = convert_to_tensor(lengths)
    if not n.dtype.is_integer:
        raise TypeError(f"sequence_mask: lengths must be integers, got {n.dtype.name}")
    if maxlen is None:
        maxlen = int(np.max(np.asarray(n))) if n.shape.num_elements() else 0
    mask = less(range_(0, int(maxlen), dtype=n.dtype), expand_dims(n, -1))
    dtype = dtypes.as_dtype(dtype)
    return mask if dtype == dtypes.bool_ else cast(mask, dtype)


def unravel_index(indices: Any, dims: Any, name: Any = None) -> Tensor:
    """Converts flat indices into coordinate arrays of shape `[len(dims)] + indices.shape`.

    Example:
        >>> tf.unravel_index([1, 5], [2, 3]).numpy()
        array([[0, 1],
               [1, 2]], dtype=int32)
    """
    from eagerflow.ops.array_ops import stack  # noqa: PLC0415
    from eagerflow.ops.math_ops import floordiv, floormod  # noqa: PLC0415

    idx = convert_to_tensor(indices)
    if not idx.dtype.is_integer:
        raise TypeError(f"unravel_index: indices must be integers, got {idx.dtype.name}")
    shape = [int(d) for d in np.asarray(convert_to_tensor(dims)).reshape(-1)]
    total = int(np.prod(shape))
    values = np.asarray(idx)
    if values.size and (values.min() < 0 or values.max() >= total):
        raise errors.InvalidArgumentError(
            None, None, f"UnravelIndex: flat indices must be in [0, {total}) for dims {shape}"
        )
    strides = np.cumprod([1] + shape[::-1])[:-1][::-1]
    coords = [floormod(floordiv(idx, int(s)), d) for s, d in zip(strides, shape)]
    return stack(coords)

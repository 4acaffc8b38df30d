"""Segment reductions (`unsorted_segment_sum/max/min/mean`, `segment_*`), `bincount` and
`confusion_matrix`.

Segment ids index the leading dims of `data`; TF drops negative ids and raises for ids past
`num_segments`. The sorted `segment_*` forms take `num_segments = max(ids) + 1` from the values,
so they need concrete ids (eager execution).
"""

from __future__ import annotations

from typing import Any

from eagerflow.core import dtypes, errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient, no_gradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops._dtype_kinds import check_kind

_CUPYX_SCATTER = {"add": "scatter_add", "maximum": "scatter_max", "minimum": "scatter_min"}


def _scatter(xp: Any, ufunc: str, target: Any, index: Any, updates: Any) -> None:
    at = getattr(getattr(xp, ufunc), "at", None)
    if at is not None:
        at(target, index, updates)
        return
    import cupyx  # noqa: PLC0415  (only reached with CuPy builds lacking ufunc.at)

    getattr(cupyx, _CUPYX_SCATTER[ufunc])(target, index, updates)


def _segment_kernel(ufunc: str) -> Any:
    def kernel(xp: Any, data: Any, ids: Any, num_segments: int) -> Any:
        inner = data.shape[ids.ndim :]
        flat_ids = ids.reshape(-1)
        flat = data.reshape((-1,) + inner)
        if flat_ids.size and bool((flat_ids >= num_segments).any()):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"UnsortedSegment: segment ids must be < num_segments = {num_segments}, got "
                f"{int(flat_ids.max())}",
            )
        if ufunc == "add":
            fill = 0
        else:
            # An empty segment's max is the dtype's lowest value (min: highest), as TF.
            info = xp.finfo(data.dtype) if data.dtype.kind == "f" else xp.iinfo(data.dtype)
            fill = info.min if ufunc == "maximum" else info.max
        out = xp.full((num_segments,) + inner, fill, dtype=data.dtype)
        keep = flat_ids >= 0
        _scatter(xp, ufunc, out, flat_ids[keep], flat[keep])
        return out

    return kernel


def _segment_rule(data: TensorSpec, ids: TensorSpec, num_segments: int) -> TensorSpec:
    rank = ids.shape.rank
    inner = data.shape.as_list()[rank:] if rank is not None else None
    return TensorSpec(None if inner is None else [num_segments] + inner, data.dtype)


SEGMENT_SUM = Primitive("UnsortedSegmentSum", _segment_kernel("add"), _segment_rule)
SEGMENT_MAX = Primitive("UnsortedSegmentMax", _segment_kernel("maximum"), _segment_rule)
SEGMENT_MIN = Primitive("UnsortedSegmentMin", _segment_kernel("minimum"), _segment_rule)


def _gather_drop_negatives(values: Tensor, ids: Tensor) -> tuple:
    """values[ids] with negative ids read as segment 0 and masked out; also the mask."""
    from eagerflow.ops.array_ops import reshape  # noqa: PLC0415
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415
    from eagerflow.ops.gather_ops import gather  # noqa: PLC0415
    from eagerflow.ops.math_ops import greater_equal, maximum, multiply  # noqa: PLC0415

    gathered = gather(values, maximum(ids, 0))
    inner_rank = values.ndim - 1
    valid = greater_equal(ids, 0)
    mask = cast(reshape(valid, ids.shape.as_list() + [1] * inner_rank), values.dtype)
    return multiply(gathered, mask), mask


@RegisterGradient("UnsortedSegmentSum")
def _unsorted_segment_sum_grad(op: Any, grad: Tensor) -> list:
    return [_gather_drop_negatives(grad, op.inputs[1])[0], None]


def _segment_min_or_max_grad(op: Any, grad: Tensor) -> list:
    # As TF: the gradient is split evenly among the elements equal to their segment's extremum.
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415
    from eagerflow.ops.math_ops import divide, equal, multiply  # noqa: PLC0415

    data, ids = op.inputs
    extremum, valid = _gather_drop_negatives(op.outputs[0], ids)
    selected = multiply(cast(equal(data, extremum), grad.dtype), valid)
    count = unsorted_segment_sum(selected, ids, op.get_attr("num_segments"))
    share = _gather_drop_negatives(divide(grad, count), ids)[0]
    return [multiply(share, selected), None]


RegisterGradient("UnsortedSegmentMax")(_segment_min_or_max_grad)
RegisterGradient("UnsortedSegmentMin")(_segment_min_or_max_grad)


def _real_data(op: str, data: Any) -> Tensor:
    # Max and min need an order: real numeric types only, as TF's kernels.
    x = convert_to_tensor(data)
    check_kind(op, x, "fiu", "a real numeric", "data")
    return x


def _segment_op(prim: Primitive, data: Any, segment_ids: Any, num_segments: Any) -> Tensor:
    x = convert_to_tensor(data)
    ids = convert_to_tensor(segment_ids)
    check_kind(prim.name, ids, "iu", "integer", "segment_ids")
    if ids.ndim > x.ndim or x.shape.as_list()[: ids.ndim] != ids.shape.as_list():
        raise errors.InvalidArgumentError(
            None,
            None,
            f"{prim.name}: segment_ids.shape {ids.shape} must be a prefix of data.shape {x.shape}",
        )
    return execute(prim, (x, ids), {"num_segments": int(num_segments)})


def unsorted_segment_sum(
    data: Any, segment_ids: Any, num_segments: Any, name: Any = None
) -> Tensor:
    """Sums the slices of `data` that share a segment id; empty segments are 0.

    Example:
        >>> tf.math.unsorted_segment_sum([1.0, 2.0, 3.0], [1, 0, 1], num_segments=3).numpy()
        array([2., 4., 0.], dtype=float32)
    """
    return _segment_op(SEGMENT_SUM, data, segment_ids, num_segments)


def unsorted_segment_max(
    data: Any, segment_ids: Any, num_segments: Any, name: Any = None
) -> Tensor:
    """Maximum of the slices of `data` that share a segment id; empty segments get the dtype's
    lowest value.

    Example:
        >>> tf.math.unsorted_segment_max([1, 5, 3], [1, 1, 0], num_segments=2).numpy()
        array([3, 5], dtype=int32)
    """
    return _segment_op(
        SEGMENT_MAX, _real_data("UnsortedSegmentMax", data), segment_ids, num_segments
    )


def unsorted_segment_min(
    data: Any, segment_ids: Any, num_segments: Any, name: Any = None
) -> Tensor:
    """Minimum of the slices of `data` that share a segment id; empty segments get the dtype's
    highest value.

    Example:
        >>> tf.math.unsorted_segment_min([1, 5, 3], [1, 1, 0], num_segments=2).numpy()
        array([3, 1], dtype=int32)
    """
    return _segment_op(
        SEGMENT_MIN, _real_data("UnsortedSegmentMin", data), segment_ids, num_segments
    )


def unsorted_segment_mean(
    data: Any, segment_ids: Any, num_segments: Any, name: Any = None
) -> Tensor:
    """Mean of the slices of `data` that share a segment id; empty segments are 0.

    Example:
        >>> tf.math.unsorted_segment_mean([1.0, 2.0, 4.0], [0, 0, 1], num_segments=2).numpy()
        array([1.5, 4. ], dtype=float32)
    """
    from eagerflow.ops.array_ops import ones_like, reshape  # noqa: PLC0415
    from eagerflow.ops.math_ops import divide, maximum  # noqa: PLC0415

    x = convert_to_tensor(data)
    ids = convert_to_tensor(segment_ids)
    total = unsorted_segment_sum(x, ids, num_segments)
    counts = unsorted_segment_sum(ones_like(ids, dtype=x.dtype), ids, num_segments)
    counts = reshape(maximum(counts, 1), [int(num_segments)] + [1] * (x.ndim - ids.ndim))
    return divide(total, counts)


def _num_segments(op: str, segment_ids: Any) -> tuple:
    ids = convert_to_tensor(segment_ids)
    values = ids.numpy()
    if values.ndim != 1:
        raise errors.InvalidArgumentError(None, None, f"{op}: segment_ids must be a vector")
    if values.size and ((values[1:] < values[:-1]).any() or values[0] < 0):
        raise errors.InvalidArgumentError(
            None, None, f"{op}: segment_ids must be sorted and non-negative"
        )
    return ids, int(values[-1]) + 1 if values.size else 0


def segment_sum(data: Any, segment_ids: Any, name: Any = None) -> Tensor:
    """Sums the rows of `data` per segment; `segment_ids` is sorted, of length `data.shape[0]`.

    Example:
        >>> tf.math.segment_sum([1.0, 2.0, 3.0], [0, 0, 2]).numpy()
        array([3., 0., 3.], dtype=float32)
    """
    ids, n = _num_segments("SegmentSum", segment_ids)
    return unsorted_segment_sum(data, ids, n)


def segment_mean(data: Any, segment_ids: Any, name: Any = None) -> Tensor:
    """Averages the rows of `data` per segment (sorted `segment_ids`); empty segments are 0.

    Example:
        >>> tf.math.segment_mean([1.0, 2.0, 3.0], [0, 0, 1]).numpy()
        array([1.5, 3. ], dtype=float32)
    """
    ids, n = _num_segments("SegmentMean", segment_ids)
    return unsorted_segment_mean(data, ids, n)


def segment_max(data: Any, segment_ids: Any, name: Any = None) -> Tensor:
    """Maximum of the rows of `data` per segment (sorted `segment_ids`).

    Example:
        >>> tf.math.segment_max([1, 5, 3], [0, 0, 1]).numpy()
        array([5, 3], dtype=int32)
    """
    ids, n = _num_segments("SegmentMax", segment_ids)
    return unsorted_segment_max(data, ids, n)


def segment_min(data: Any, segment_ids: Any, name: Any = None) -> Tensor:
    """Minimum of the rows of `data` per segment (sorted `segment_ids`).

    Example:
        >>> tf.math.segment_min([1, 5, 3], [0, 0, 1]).numpy()
        array([1, 3], dtype=int32)
    """
    ids, n = _num_segments("SegmentMin", segment_ids)
    return unsorted_segment_min(data, ids, n)


# -- bincount and confusion_matrix (counts: no gradient) ---------------------------------------
def _bincount_kernel(xp: Any, arr: Any, weights: Any, size: int) -> Any:
    flat = arr.reshape(-1)
    w = weights.reshape(-1)
    keep = flat < size
    out = xp.zeros((size,), dtype=weights.dtype)
    _scatter(xp, "add", out, flat[keep], w[keep])
    return out


def _bincount_rule(arr: TensorSpec, weights: TensorSpec, size: int) -> TensorSpec:
    return TensorSpec([size], weights.dtype)


BINCOUNT = Primitive("Bincount", _bincount_kernel, _bincount_rule)
no_gradient("Bincount")


def bincount(
    arr: Any,
    weights: Any = None,
    minlength: Any = None,
    maxlength: Any = None,
    dtype: Any = dtypes.int32,
    name: Any = None,
    axis: Any = None,
    binary_output: bool = False,
) -> Tensor:
    """Counts the occurrences of each value in the non-negative integer tensor `arr`.

    The result has length `max(arr) + 1`, at least `minlength` and at most `maxlength` (larger
    values are dropped); with `weights`, sums the weights instead (of the weights' dtype).

    Example:
        >>> tf.math.bincount([1, 1, 3]).numpy()
        array([0, 2, 0, 1], dtype=int32)
    """
    from eagerflow.ops.array_ops import ones_like  # noqa: PLC0415

    if axis not in (None, 0, -1) or binary_output:
        raise errors.UnimplementedError(
            None, None, "bincount: only axis=None without binary_output is supported"
        )
    values = convert_to_tensor(arr)
    check_kind("Bincount", values, "iu", "integer", "arr")
    raw = values.numpy()
    if raw.size and raw.min() < 0:
        raise errors.InvalidArgumentError(None, None, "Bincount: `arr` must be non-negative")
    size = int(raw.max()) + 1 if raw.size else 0
    if minlength is not None:
        size = max(size, int(minlength))
    if maxlength is not None:
        size = min(size, int(maxlength))
    if weights is None:
        w = ones_like(values, dtype=dtype)
    else:
        w = convert_to_tensor(weights)
        if w.shape != values.shape:
            raise errors.InvalidArgumentError(
                None, None, f"Bincount: weights {w.shape} must have the shape of arr {values.shape}"
            )
    return execute(BINCOUNT, (values, w), {"size": size})


def confusion_matrix(
    labels: Any,
    predictions: Any,
    num_classes: Any = None,
    weights: Any = None,
    dtype: Any = dtypes.int32,
    name: Any = None,
) -> Tensor:
    """The `[num_classes, num_classes]` matrix counting (label, prediction) pairs.

    Example:
        >>> tf.math.confusion_matrix([1, 2, 4], [2, 2, 4]).numpy()
        array([[0, 0, 0, 0, 0],
               [0, 0, 1, 0, 0],
               [0, 0, 1, 0, 0],
               [0, 0, 0, 0, 0],
               [0, 0, 0, 0, 1]], dtype=int32)
    """
    from eagerflow.ops.array_ops import reshape  # noqa: PLC0415
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415
    from eagerflow.ops.math_ops import add, multiply  # noqa: PLC0415

    dtype = dtypes.as_dtype(dtype)
    y = cast(convert_to_tensor(labels), dtypes.int64)
    p = cast(convert_to_tensor(predictions), dtypes.int64)
    if y.shape != p.shape:
        raise ValueError(
            f"confusion_matrix: labels {y.shape} and predictions {p.shape} must have one shape"
        )
    y_values, p_values = y.numpy(), p.numpy()
    if num_classes is None:
        num_classes = int(max(y_values.max(initial=0), p_values.max(initial=0))) + 1
    n = int(num_classes)
    if y_values.size and (
        min(y_values.min(), p_values.min()) < 0 or max(y_values.max(), p_values.max()) >= n
    ):
        raise errors.InvalidArgumentError(
            None, None, f"confusion_matrix: labels and predictions must be in [0, {n})"
        )
    w = None if weights is None else cast(convert_to_tensor(weights), dtype)
    counts = bincount(
        add(multiply(y, n), p), weights=w, minlength=n * n, maxlength=n * n, dtype=dtype
    )
    return reshape(counts, [n, n])

"""TF1 signatures of the reductions (`tf.compat.v1.reduce_sum(..., keep_dims=, reduction_indices=)`,
`tf.compat.v1.argmax(..., dimension=)`): thin wrappers over the TF 2 functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eagerflow.core import dtypes
from eagerflow.core.tensor import Tensor
from eagerflow.ops import reduction_ops


def _either(op: str, new: Any, new_name: str, old: Any, old_name: str) -> Any:
    if new is not None and old is not None:
        raise ValueError(f"{op}: cannot specify both '{new_name}' and '{old_name}'")
    return old if new is None else new


def _v1_reduction(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    def reduction(
        input_tensor: Any,
        axis: Any = None,
        keepdims: Any = None,
        name: Any = None,
        reduction_indices: Any = None,
        keep_dims: Any = None,
    ) -> Tensor:
        op = fn.__name__
        axis = _either(op, axis, "axis", reduction_indices, "reduction_indices")
        keepdims = _either(op, keepdims, "keepdims", keep_dims, "keep_dims")
        return fn(input_tensor, axis, bool(keepdims))

    reduction.__name__ = fn.__name__
    reduction.__qualname__ = fn.__name__
    reduction.__doc__ = (
        f"TF1's `{fn.__name__}`: also accepts `reduction_indices` (axis) and `keep_dims`.\n\n"
        f"Example:\n    >>> tf.compat.v1.{fn.__name__}(tf.constant([[1.0, 2.0]]), "
        f"reduction_indices=[1], keep_dims=True).shape\n    TensorShape([1, 1])\n"
    )
    return reduction


reduce_sum = _v1_reduction(reduction_ops.reduce_sum)
reduce_mean = _v1_reduction(reduction_ops.reduce_mean)
reduce_max = _v1_reduction(reduction_ops.reduce_max)
reduce_min = _v1_reduction(reduction_ops.reduce_min)
reduce_prod = _v1_reduction(reduction_ops.reduce_prod)
reduce_logsumexp = _v1_reduction(reduction_ops.reduce_logsumexp)


def _v1_bool_reduction(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    wrapped = _v1_reduction(fn)
    wrapped.__doc__ = wrapped.__doc__.replace("[[1.0, 2.0]]", "[[True, False]]")
    return wrapped


reduce_any = _v1_bool_reduction(reduction_ops.reduce_any)
reduce_all = _v1_bool_reduction(reduction_ops.reduce_all)


def count_nonzero(
    input_tensor: Any = None,
    axis: Any = None,
    keepdims: Any = None,
    dtype: Any = dtypes.int64,
    name: Any = None,
    reduction_indices: Any = None,
    keep_dims: Any = None,
    input: Any = None,  # noqa: A002 (TF's name)
) -> Tensor:
    """TF1's `count_nonzero`, with `reduction_indices`, `keep_dims` and `input` aliases.

    Example:
        >>> tf.compat.v1.count_nonzero([[0, 1], [2, 3]], reduction_indices=1).numpy()
        array([1, 2])
    """
    value = _either("count_nonzero", input_tensor, "input_tensor", input, "input")
    axis = _either("count_nonzero", axis, "axis", reduction_indices, "reduction_indices")
    keepdims = _either("count_nonzero", keepdims, "keepdims", keep_dims, "keep_dims")
    return reduction_ops.count_nonzero(value, axis, keepdims, dtype)


def argmax(
    input: Any,  # noqa: A002 (TF's name)
    axis: Any = None,
    name: Any = None,
    dimension: Any = None,
    output_type: Any = dtypes.int64,
) -> Tensor:
    """TF1's `argmax`, which also takes the axis as `dimension`.

    Example:
        >>> tf.compat.v1.argmax([[1, 5], [7, 4]], dimension=1).numpy()
        array([1, 0])
    """
    axis = _either("argmax", axis, "axis", dimension, "dimension")
    return reduction_ops.argmax(input, axis, output_type)


def argmin(
    input: Any,  # noqa: A002 (TF's name)
    axis: Any = None,
    name: Any = None,
    dimension: Any = None,
    output_type: Any = dtypes.int64,
) -> Tensor:
    """TF1's `argmin`, which also takes the axis as `dimension`.

    Example:
        >>> tf.compat.v1.argmin([[1, 5], [7, 4]], dimension=1).numpy()
        array([0, 1])
    """
    axis = _either("argmin", axis, "axis", dimension, "dimension")
    return reduction_ops.argmin(input, axis, output_type)

"""Ranking ops: argmax, argmin and top_k (the k largest values and their indices)."""

from __future__ import annotations

import collections
from typing import Any

from eagerflow.core import dtypes, errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient, no_gradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops._dtype_kinds import check_ordered
from eagerflow.ops.reduction_ops import normalize_axis, reduce_sum, reduction_shape


# -- argmax, argmin --------------------------------------------------------------------------
def _arg_kernel(fn_name: str) -> Any:
    def kernel(xp: Any, x: Any, axis: int, output_type: Any) -> Any:
        return getattr(xp, fn_name)(x, axis=axis).astype(output_type._np, copy=False)

    return kernel


def _arg_rule(x: TensorSpec, axis: int, output_type: Any) -> TensorSpec:
    return TensorSpec(reduction_shape(x, (axis,), False), output_type)


ARG_MAX = Primitive("ArgMax", _arg_kernel("argmax"), _arg_rule)
ARG_MIN = Primitive("ArgMin", _arg_kernel("argmin"), _arg_rule)
no_gradient("ArgMax")
no_gradient("ArgMin")


def _arg(prim: Primitive, input: Any, axis: Any, output_type: Any) -> Tensor:
    x = convert_to_tensor(input)
    check_ordered(prim.name, x, "input")
    output_type = dtypes.as_dtype(output_type)
    if output_type not in (dtypes.int32, dtypes.int64, dtypes.int16, dtypes.uint16):
        raise TypeError(f"{prim.name}: output_type must be int32 or int64, got {output_type}")
    if x.ndim == 0:
        raise errors.InvalidArgumentError(None, None, f"{prim.name}: input must be at least 1-D")
    (a,) = normalize_axis(prim.name, 0 if axis is None else axis, x.ndim)
    return execute(prim, (x,), {"axis": a, "output_type": output_type})


def argmax(
    input: Any,  # noqa: A002 (TF's name)
    axis: Any = None,
    output_type: Any = dtypes.int64,
    name: Any = None,
) -> Tensor:
    """Index of the largest value along `axis` (0 when None); the first one on ties.

    Example:
        >>> tf.argmax(tf.constant([[1, 5], [7, 4]]), axis=1).numpy()
        array([1, 0])
    """
    return _arg(ARG_MAX, input, axis, output_type)


def argmin(
    input: Any,  # noqa: A002 (TF's name)
    axis: Any = None,
    output_type: Any = dtypes.int64,
    name: Any = None,
) -> Tensor:
    """Index of the smallest value along `axis` (0 when None); the first one on ties.

    Example:
        >>> tf.argmin(tf.constant([[1, 5], [7, 4]]), axis=1).numpy()
        array([0, 1])
    """
    return _arg(ARG_MIN, input, axis, output_type)


# -- top_k ---------------------------------------------------------------------------------------
def _descending_stable(xp: Any, x: Any) -> Any:
    # Descending and stable: equal values keep their index order, as TF.
    key = ~x if x.dtype.kind in "iu" else -x  # ~x: no overflow at the integer minimum
    return xp.argsort(key, axis=-1, kind="stable")


def _top_k_kernel(xp: Any, x: Any, k: int) -> tuple:
    if 8 * k < x.shape[-1] and _totally_ordered(xp, x):
        indices = _top_k_by_partition(xp, x, k)
        order = _descending_stable(xp, xp.take_along_axis(x, indices, axis=-1))
        indices = xp.take_along_axis(indices, order, axis=-1)
    else:
        indices = _descending_stable(xp, x)[..., :k]
    return xp.take_along_axis(x, indices, axis=-1), indices.astype("int32")


def _totally_ordered(xp: Any, x: Any) -> bool:
    return x.dtype.kind in "iu" or (x.dtype.kind == "f" and not bool(xp.isnan(x).any()))


def _top_k_by_partition(xp: Any, x: Any, k: int) -> Any:
    """Indices (in index order) of the k largest per row, ties at the k-th value broken toward
    lower indices as TF does: O(n) partition instead of a full sort."""
    n = x.shape[-1]
    kth = xp.partition(x, n - k, axis=-1)[..., n - k : n - k + 1]
    greater = x > kth
    equal = x == kth
    missing = k - greater.sum(axis=-1, keepdims=True)
    take = greater | (equal & (xp.cumsum(equal, axis=-1) <= missing))
    columns = xp.nonzero(take.reshape(-1, n))[1]  # exactly k per row, in index order
    return columns.reshape(x.shape[:-1] + (k,))


def _top_k_rule(x: TensorSpec, k: int) -> tuple:
    dims = x.shape.as_list()
    out = dims[:-1] + [k]
    return TensorSpec(out, x.dtype), TensorSpec(out, dtypes.int32)


TOP_K = Primitive("TopKV2", _top_k_kernel, _top_k_rule, num_outputs=2)


@RegisterGradient("TopKV2")
def _top_k_grad(op: Any, grad: Tensor, _indices_grad: Any = None) -> Tensor:
    # Scatter the values' gradient back through a one-hot mask of the chosen indices.
    from eagerflow.ops.array_ops import expand_dims  # noqa: PLC0415
    from eagerflow.ops.gather_ops import one_hot  # noqa: PLC0415
    from eagerflow.ops.math_ops import multiply  # noqa: PLC0415

    x = op.inputs[0]
    indices = op.outputs[1]
    mask = one_hot(indices, x.shape[-1], dtype=grad.dtype)  # [..., k, n]
    return reduce_sum(multiply(expand_dims(grad, -1), mask), -2)


# `(values, indices)`, also readable by name, as TF's namedtuple.
TopKResult = collections.namedtuple("TopKV2", ["values", "indices"])


def top_k(input: Any, k: int = 1, sorted: bool = True, name: Any = None) -> tuple:  # noqa: A002
    """The `k` largest entries along the last axis and their indices, largest first.

    Returns a `(values, indices)` pair, as TF's `TopKV2` (indices are int32).

    Example:
        >>> values, indices = tf.math.top_k(tf.constant([1.0, 3.0, 2.0]), k=2)
        >>> values.numpy(), indices.numpy()
        (array([3., 2.], dtype=float32), array([1, 2], dtype=int32))
    """
    x = convert_to_tensor(input)
    check_ordered("TopKV2", x, "input")
    k = int(k)
    if x.ndim == 0:
        raise errors.InvalidArgumentError(None, None, "TopKV2: input must be at least 1-D")
    if not 0 <= k <= x.shape[-1]:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"TopKV2: input must have at least k={k} columns, got shape {x.shape}",
        )
    values, indices = execute(TOP_K, (x,), {"k": k})
    return TopKResult(values, indices)

"""Reductions over axes (`reduce_sum`, `reduce_mean`, ...)."""

from __future__ import annotations

from typing import Any

from eagerflow.core import errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec


def normalize_axis(op: str, axis: Any, rank: int) -> tuple:
    """Axis argument -> sorted tuple of non-negative axes; None means all axes."""
    if axis is None:
        return tuple(range(rank))
    if isinstance(axis, Tensor):
        axis = axis.numpy().tolist()
    axes = [axis] if isinstance(axis, int) or hasattr(axis, "__index__") else list(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -rank <= a < max(rank, 1):
            raise errors.InvalidArgumentError(
                None, None, f"{op}: invalid reduction dimension {a} for input of rank {rank}"
            )
        out.append(a % rank if rank else 0)
    return tuple(sorted(set(out)))


def reduction_shape(x: TensorSpec, axis: tuple, keepdims: bool) -> TensorShape:
    if x.shape.rank is None:
        return TensorShape(None)
    dims = x.shape.as_list()
    if keepdims:
        return TensorShape([1 if i in axis else d for i, d in enumerate(dims)])
    return TensorShape([d for i, d in enumerate(dims) if i not in axis])


def _reduction_rule(x: TensorSpec, axis: tuple, keepdims: bool) -> TensorSpec:
    return TensorSpec(reduction_shape(x, axis, keepdims), x.dtype)


SUM = Primitive(
    "Sum", lambda xp, x, axis, keepdims: xp.sum(x, axis=axis, keepdims=keepdims), _reduction_rule
)


def expand_reduced(grad: Tensor, x: Tensor, axis: tuple, keepdims: bool) -> Tensor:
    """Broadcasts a reduction's output gradient back to the input's shape."""
    from eagerflow.ops.array_ops import broadcast_to, reshape  # noqa: PLC0415

    if not keepdims:
        kept = [1 if i in axis else d for i, d in enumerate(x.shape.as_list())]
        grad = reshape(grad, kept)
    return broadcast_to(grad, x.shape.as_list())


@RegisterGradient("Sum")
def _sum_grad(op: Any, grad: Tensor) -> Tensor:
    return expand_reduced(grad, op.inputs[0], op.get_attr("axis"), op.get_attr("keepdims"))


def reduce_sum(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Sums elements across `axis` (all axes when None).

    Example:
        >>> tf.reduce_sum(tf.constant([[1, 2], [3, 4]]), axis=0).numpy()
        array([4, 6], dtype=int32)
    """
    x = convert_to_tensor(input_tensor)
    axes = normalize_axis("Sum", axis, x.ndim)
    return execute(SUM, (x,), {"axis": axes, "keepdims": bool(keepdims)})


def reduce_mean(
    input_tensor: Any, axis: Any = None, keepdims: bool = False, name: Any = None
) -> Tensor:
    """Averages elements across `axis` (all axes when None); integer means truncate, as in TF.

    Example:
        >>> tf.reduce_mean(tf.constant([1.0, 2.0, 3.0, 4.0])).numpy()
        2.5
    """
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415
    from eagerflow.ops.math_ops import floordiv, truediv  # noqa: PLC0415

    x = convert_to_tensor(input_tensor)
    axes = normalize_axis("Mean", axis, x.ndim)
    dims = x.shape.as_list()
    count = 1
    for a in axes:
        count *= dims[a]
    total = reduce_sum(x, axes, keepdims)
    if x.dtype.is_integer:
        return floordiv(total, max(count, 1))
    return truediv(total, cast(count, x.dtype))

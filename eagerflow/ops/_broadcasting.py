"""Gradient helpers for broadcasting binary ops."""

from __future__ import annotations

from typing import Any


def unbroadcast(grad: Any, shape: Any) -> Any:
    """Sums `grad` over the axes that broadcasting added or stretched to reach `shape`.

    `shape` is a TensorShape/list, or the input tensor itself (cheaper: concrete tensors are
    compared by their raw array shapes). Written with public ops, so it is differentiable and
    traceable.
    """
    value = getattr(shape, "_value", None)
    if value is not None:
        if grad._value is not None and grad._value.shape == value.shape:
            return grad  # the common case: no broadcasting happened
        shape = value.shape
    elif hasattr(shape, "shape") and not isinstance(shape, (list, tuple)):
        shape = shape.shape
    from eagerflow.ops.array_ops import reshape  # noqa: PLC0415  (math_ops <-> array_ops)
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    target = list(shape)
    grad_shape = grad.shape.as_list()
    if grad_shape == target:
        return grad
    lead = len(grad_shape) - len(target)
    if None in target:  # unknown dims (graphs): keep the size-1 dims instead of reshaping
        if lead > 0:
            grad = reduce_sum(grad, axis=list(range(lead)))
        ones = [i for i, dim in enumerate(target) if dim == 1 and grad_shape[lead + i] != 1]
        return reduce_sum(grad, axis=ones, keepdims=True) if ones else grad
    axes = list(range(lead))
    for i, dim in enumerate(target):
        if dim == 1 and grad_shape[lead + i] != 1:
            axes.append(lead + i)
    if axes:
        grad = reduce_sum(grad, axis=axes, keepdims=False)
    return reshape(grad, target)

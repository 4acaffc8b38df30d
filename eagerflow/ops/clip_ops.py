"""Clipping: `tf.clip_by_value` (a primitive) and the norm clippers (composites)."""

from __future__ import annotations

from typing import Any

from eagerflow.core import errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops import _shape_rules as rules
from eagerflow.ops._dtype_kinds import check_ordered, reject_complex


def _clip_kernel(xp: Any, t: Any, lo: Any, hi: Any) -> Any:
    return xp.minimum(xp.maximum(t, lo), hi)


def _clip_rule(t: TensorSpec, lo: TensorSpec, hi: TensorSpec) -> TensorSpec:
    return TensorSpec(t.shape, t.dtype)


CLIP_BY_VALUE = Primitive("ClipByValue", _clip_kernel, _clip_rule)


@RegisterGradient("ClipByValue")
def _clip_by_value_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops._broadcasting import unbroadcast  # noqa: PLC0415
    from eagerflow.ops.array_ops import zeros_like  # noqa: PLC0415
    from eagerflow.ops.gather_ops import where  # noqa: PLC0415
    from eagerflow.ops.math_ops import greater, less  # noqa: PLC0415

    t, lo, hi = op.inputs
    zeros = zeros_like(grad)
    below, above = less(t, lo), greater(t, hi)
    g_t = where(below, zeros, where(above, zeros, grad))
    g_lo = unbroadcast(where(below, grad, zeros), lo.shape.as_list())
    g_hi = unbroadcast(where(above, grad, zeros), hi.shape.as_list())
    return [g_t, g_lo, g_hi]


def clip_by_value(t: Any, clip_value_min: Any, clip_value_max: Any, name: Any = None) -> Tensor:
    """Clips `t` elementwise to `[clip_value_min, clip_value_max]` (bounds broadcast to `t`).

    Example:
        >>> tf.clip_by_value(tf.constant([-2.0, 0.5, 3.0]), -1.0, 1.0).numpy()
        array([-1. ,  0.5,  1. ], dtype=float32)
    """
    x = convert_to_tensor(t)
    check_ordered("ClipByValue", x, "t")
    lo = convert_to_tensor(clip_value_min, dtype_hint=x.dtype)
    hi = convert_to_tensor(clip_value_max, dtype_hint=x.dtype)
    for what, bound in (("clip_value_min", lo), ("clip_value_max", hi)):
        value = bound._value
        if value is not None and x._value is not None and value.dtype == x._value.dtype:
            if value.shape == () or value.shape == x._value.shape:
                continue  # the common cases, without building TensorShapes
        if bound.dtype != x.dtype:
            raise TypeError(
                f"clip_by_value: {what} must have the dtype of t ({x.dtype.name}), got "
                f"{bound.dtype.name}"
            )
        if rules.broadcast_shapes("ClipByValue", x.shape, bound.shape) != x.shape:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"ClipByValue: {what} of shape {bound.shape} must broadcast to t's shape {x.shape}",
            )
    return execute(CLIP_BY_VALUE, (x, lo, hi))


def clip_by_norm(t: Any, clip_norm: Any, axes: Any = None, name: Any = None) -> Tensor:
    """Rescales `t` so that its L2 norm (over `axes`, all by default) is at most `clip_norm`.

    Example:
        >>> tf.clip_by_norm(tf.constant([3.0, 4.0]), 1.0).numpy()
        array([0.6, 0.8], dtype=float32)
    """
    from eagerflow.ops.array_ops import ones_like  # noqa: PLC0415
    from eagerflow.ops.gather_ops import where  # noqa: PLC0415
    from eagerflow.ops.math_ops import greater, maximum  # noqa: PLC0415
    from eagerflow.ops.math_unary_ops import sqrt  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    x = convert_to_tensor(t)
    # TF's clip_by_norm compares the squared norm with 0, which complex types cannot do.
    reject_complex("clip_by_norm", x, "t", "its norm is compared with 0, as in TensorFlow")
    limit = convert_to_tensor(clip_norm, dtype_hint=x.dtype)
    l2sum = reduce_sum(x * x, axes, keepdims=True)
    # A zero norm would make sqrt's gradient infinite: take sqrt of 1 there instead (TF's trick).
    positive = greater(l2sum, 0)
    safe = where(positive, l2sum, ones_like(l2sum))
    l2norm = where(positive, sqrt(safe), l2sum)
    return x * limit / maximum(l2norm, limit)


def global_norm(t_list: Any, name: Any = None) -> Tensor:
    """The L2 norm of all tensors in `t_list` together: `sqrt(sum(sum(t ** 2)))` (None skipped).

    Example:
        >>> float(tf.linalg.global_norm([tf.constant([3.0]), tf.constant([4.0])]))
        5.0
    """
    from eagerflow.ops.math_ops import add_n  # noqa: PLC0415
    from eagerflow.ops.math_unary_ops import sqrt  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    if isinstance(t_list, Tensor) or not hasattr(t_list, "__iter__"):
        raise TypeError(f"global_norm: t_list must be a sequence of tensors, got {t_list!r}")
    tensors = [convert_to_tensor(t) for t in t_list if t is not None]
    if not tensors:
        raise ValueError("global_norm: t_list contains no tensors.")
    sums = [reduce_sum(t * t) for t in tensors]
    return sqrt(add_n(sums) if len(sums) > 1 else sums[0])


def clip_by_global_norm(
    t_list: Any, clip_norm: Any, use_norm: Any = None, name: Any = None
) -> tuple:
    """Scales every tensor by `clip_norm / max(global_norm, clip_norm)`.

    Returns `(list_clipped, global_norm)`; None entries stay None. An infinite or NaN global
    norm makes every output NaN, as in TensorFlow.

    Example:
        >>> clipped, norm = tf.clip_by_global_norm([tf.constant([3.0]), tf.constant([4.0])], 1.0)
        >>> float(norm), clipped[1].numpy()
        (5.0, array([0.8], dtype=float32))
    """
    from eagerflow.ops.gather_ops import where  # noqa: PLC0415
    from eagerflow.ops.math_ops import minimum  # noqa: PLC0415
    from eagerflow.ops.math_unary_ops import is_finite  # noqa: PLC0415

    if isinstance(t_list, Tensor) or not hasattr(t_list, "__iter__"):
        raise TypeError(f"clip_by_global_norm: t_list must be a sequence, got {t_list!r}")
    t_list = list(t_list)
    norm = global_norm(t_list) if use_norm is None else convert_to_tensor(use_norm)
    limit = convert_to_tensor(clip_norm, dtype_hint=norm.dtype)
    scale = limit * minimum(1.0 / norm, 1.0 / limit)
    scale = where(is_finite(norm), scale, float("nan"))
    clipped = [None if t is None else _scaled(convert_to_tensor(t), scale) for t in t_list]
    return clipped, norm


def _scaled(t: Tensor, scale: Tensor) -> Tensor:
    from eagerflow.ops.cast_ops import cast  # noqa: PLC0415

    return t * (scale if scale.dtype == t.dtype else cast(scale, t.dtype))

"""Cross-entropy losses on logits and `l2_loss`.

`SparseSoftmaxCrossEntropyWithLogits` is a primitive (log-sum-exp with integer labels,
stable for large logits); its gradient `softmax(logits) - one_hot(labels)` is written in
public ops, so, unlike TensorFlow's fused op, it can be differentiated again. The dense and
sigmoid cross entropies are composites of the stable `LogSoftmax` and `Softplus`.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core import errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops._dtype_kinds import check_kind


def _sparse_xent_kernel(xp: Any, logits: Any, labels: Any) -> Any:
    classes = logits.shape[-1]
    if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= classes):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"SparseSoftmaxCrossEntropyWithLogits: received a label value outside the valid "
            f"range [0, {classes}): min {int(labels.min())}, max {int(labels.max())}",
        )
    top = logits.max(axis=-1, keepdims=True)
    lse = xp.log(xp.exp(logits - top).sum(axis=-1)) + top[..., 0]
    picked = xp.take_along_axis(logits, labels[..., None].astype(xp.int64), axis=-1)[..., 0]
    return lse - picked


def _sparse_xent_rule(logits: TensorSpec, labels: TensorSpec) -> TensorSpec:
    return TensorSpec(logits.shape.as_list()[:-1], logits.dtype)


SPARSE_XENT = Primitive(
    "SparseSoftmaxCrossEntropyWithLogits", _sparse_xent_kernel, _sparse_xent_rule
)


@RegisterGradient("SparseSoftmaxCrossEntropyWithLogits")
def _sparse_xent_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops.array_ops import expand_dims  # noqa: PLC0415
    from eagerflow.ops.gather_ops import one_hot  # noqa: PLC0415
    from eagerflow.ops.math_ops import multiply, subtract  # noqa: PLC0415
    from eagerflow.ops.nn_activation_ops import softmax  # noqa: PLC0415

    logits, labels = op.inputs
    target = one_hot(labels, logits.shape.as_list()[-1], dtype=logits.dtype)
    return [multiply(expand_dims(grad, -1), subtract(softmax(logits), target)), None]


def sparse_softmax_cross_entropy_with_logits(
    labels: Any = None, logits: Any = None, name: Any = None
) -> Tensor:
    """Softmax cross entropy between `logits` [..., classes] and integer `labels` [...].

    Example:
        >>> loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
        ...     labels=[0], logits=[[0.0, 0.0]])
        >>> round(float(loss[0]), 4)
        0.6931
    """
    if labels is None or logits is None:
        raise ValueError(
            "sparse_softmax_cross_entropy_with_logits: pass both `labels` and `logits` "
            "as keyword arguments."
        )
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels)
    if not labels.dtype.is_integer:
        raise TypeError(
            f"sparse_softmax_cross_entropy_with_logits: `labels` must be int32 or int64, "
            f"got {labels.dtype.name}"
        )
    if not logits.dtype.is_floating:
        raise TypeError(
            f"sparse_softmax_cross_entropy_with_logits: `logits` must be floating, got "
            f"{logits.dtype.name}"
        )
    ls, gs = logits.shape, labels.shape
    if ls.rank is not None and gs.rank is not None:
        if ls.rank == 0 or gs.rank != ls.rank - 1 or not gs.is_compatible_with(ls[:-1]):
            raise ValueError(
                f"sparse_softmax_cross_entropy_with_logits: `labels` must have the shape of "
                f"`logits` without its last dimension: labels {gs}, logits {ls}"
            )
    return execute(SPARSE_XENT, (logits, labels))


def softmax_cross_entropy_with_logits(
    labels: Any, logits: Any, axis: int = -1, name: Any = None
) -> Tensor:
    """Softmax cross entropy between `logits` and a probability distribution `labels`.

    Gradients flow to both arguments (`labels` gets -log_softmax(logits)), as in TF 2.

    Example:
        >>> loss = tf.nn.softmax_cross_entropy_with_logits([[1.0, 0.0]], [[0.0, 0.0]])
        >>> round(float(loss[0]), 4)
        0.6931
    """
    from eagerflow.ops.math_ops import multiply, negative  # noqa: PLC0415
    from eagerflow.ops.nn_activation_ops import log_softmax  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels, dtype=logits.dtype)
    if labels.shape.rank is not None and not labels.shape.is_compatible_with(logits.shape):
        raise ValueError(
            f"softmax_cross_entropy_with_logits: `labels` and `logits` must have the same "
            f"shape: labels {labels.shape}, logits {logits.shape}"
        )
    return negative(reduce_sum(multiply(labels, log_softmax(logits, axis)), axis))


def sigmoid_cross_entropy_with_logits(
    labels: Any = None, logits: Any = None, name: Any = None
) -> Tensor:
    """Elementwise logistic loss, stably: max(x, 0) - x * z + log(1 + exp(-|x|)).

    Example:
        >>> round(float(tf.nn.sigmoid_cross_entropy_with_logits(labels=1.0, logits=0.0)), 4)
        0.6931
    """
    from eagerflow.ops.math_ops import multiply, subtract  # noqa: PLC0415
    from eagerflow.ops.nn_activation_ops import softplus  # noqa: PLC0415

    if labels is None or logits is None:
        raise ValueError("sigmoid_cross_entropy_with_logits: pass both `labels` and `logits`.")
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels, dtype=logits.dtype)
    if labels.shape.rank is not None and labels.shape.as_list() != logits.shape.as_list():
        if not labels.shape.is_compatible_with(logits.shape):
            raise ValueError(
                f"sigmoid_cross_entropy_with_logits: `logits` and `labels` must have the "
                f"same shape ({logits.shape} vs {labels.shape})"
            )
    # softplus(x) = max(x, 0) + log1p(exp(-|x|)), so this is TF's stable formula.
    return subtract(softplus(logits), multiply(logits, labels))


def weighted_cross_entropy_with_logits(
    labels: Any, logits: Any, pos_weight: Any, name: Any = None
) -> Tensor:
    """Sigmoid cross entropy with positives weighted by `pos_weight`.

    Computes (1 - z) * x + (1 + (q - 1) * z) * log(1 + exp(-x)), stably.

    Example:
        >>> loss = tf.nn.weighted_cross_entropy_with_logits(1.0, 0.0, pos_weight=2.0)
        >>> round(float(loss), 4)
        1.3863
    """
    from eagerflow.ops.math_ops import add, multiply, negative, subtract  # noqa: PLC0415
    from eagerflow.ops.nn_activation_ops import softplus  # noqa: PLC0415

    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels, dtype=logits.dtype)
    pos_weight = convert_to_tensor(pos_weight, dtype=logits.dtype)
    log_weight = add(multiply(subtract(pos_weight, 1.0), labels), 1.0)
    return add(
        multiply(subtract(1.0, labels), logits), multiply(log_weight, softplus(negative(logits)))
    )


def l2_loss(t: Any, name: Any = None) -> Tensor:
    """Computes sum(t ** 2) / 2.

    Example:
        >>> tf.nn.l2_loss([1.0, 2.0]).numpy()
        2.5
    """
    from eagerflow.ops.math_ops import multiply, square  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    x = convert_to_tensor(t)
    check_kind("L2Loss", x, "fiub", "a real (TF's L2Loss kernel has no complex types)", "t")
    return multiply(reduce_sum(square(x)), 0.5)

"""TensorFlow 1 losses (`tf.losses.*`, `tf.compat.v1.losses.*`): scalar losses with `weights`.

Each computes elementwise (or per-example) losses and reduces them with
`compute_weighted_loss`; the default reduction, `SUM_BY_NONZERO_WEIGHTS`, is the mean over
entries whose weight is not zero, as in TensorFlow 1.
"""

from __future__ import annotations

from typing import Any

from eagerflow.core import dtypes
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.tensor import Tensor
from eagerflow.keras.losses import _float
from eagerflow.ops import array_ops, cast_ops, math_ops, math_unary_ops, nn_loss_ops, reduction_ops


class Reduction:
    """TF1 loss reductions (`tf.losses.Reduction`)."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls) -> tuple:
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key: str) -> None:
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key!r}; expected one of {cls.all()}.")


def compute_weighted_loss(
    losses: Any,
    weights: Any = 1.0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """Weights `losses` (broadcast) and reduces them as `reduction` says.

    Example:
        >>> float(tf.losses.compute_weighted_loss([1.0, 3.0], weights=[1.0, 0.0]))
        1.0
    """
    Reduction.validate(reduction)
    losses = _float(losses)
    weights = cast_ops.cast(convert_to_tensor(weights), losses.dtype)
    weighted = losses * weights
    if reduction == Reduction.NONE:
        return weighted
    total = reduction_ops.reduce_sum(weighted)
    if reduction == Reduction.SUM:
        return total
    full_weights = array_ops.broadcast_to(weights, weighted.shape)
    if reduction == Reduction.MEAN:
        divisor = reduction_ops.reduce_sum(full_weights)
    elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
        divisor = cast_ops.cast(array_ops.size(weighted), losses.dtype)
    else:
        divisor = cast_ops.cast(reduction_ops.count_nonzero(full_weights), losses.dtype)
    return math_ops.divide_no_nan(total, divisor)


def _cast_pair(labels: Any, predictions: Any) -> tuple[Tensor, Tensor]:
    """`predictions` as floats (float32 unless floating already), `labels` cast to match."""
    predictions = _float(predictions)
    return cast_ops.cast(convert_to_tensor(labels), predictions.dtype), predictions


def sparse_softmax_cross_entropy(
    labels: Any,
    logits: Any,
    weights: Any = 1.0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """Mean softmax cross-entropy between integer `labels` and `logits` (TF1 form).

    Example:
        >>> round(float(tf.losses.sparse_softmax_cross_entropy([0], [[0.0, 0.0]])), 4)
        0.6931
    """
    logits = _float(logits)
    labels = convert_to_tensor(labels)
    if labels.dtype not in (dtypes.int32, dtypes.int64):
        labels = cast_ops.cast(labels, dtypes.int64)
    losses = nn_loss_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    return compute_weighted_loss(losses, weights, reduction=reduction)


def softmax_cross_entropy(
    onehot_labels: Any,
    logits: Any,
    weights: Any = 1.0,
    label_smoothing: float = 0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """Mean softmax cross-entropy between one-hot labels and `logits` (TF1 form)."""
    labels, logits = _cast_pair(onehot_labels, logits)
    if label_smoothing > 0:
        num_classes = logits.shape[-1]
        labels = labels * (1.0 - label_smoothing) + label_smoothing / num_classes
    losses = nn_loss_ops.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    return compute_weighted_loss(losses, weights, reduction=reduction)


def sigmoid_cross_entropy(
    multi_class_labels: Any,
    logits: Any,
    weights: Any = 1.0,
    label_smoothing: float = 0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """Mean sigmoid cross-entropy between 0/1 labels and `logits` (TF1 form)."""
    labels, logits = _cast_pair(multi_class_labels, logits)
    if label_smoothing > 0:
        labels = labels * (1.0 - label_smoothing) + 0.5 * label_smoothing
    losses = nn_loss_ops.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
    return compute_weighted_loss(losses, weights, reduction=reduction)


def _pair(labels: Any, predictions: Any) -> tuple[Tensor, Tensor]:
    labels, predictions = _cast_pair(labels, predictions)
    if labels.shape != predictions.shape:
        raise ValueError(
            f"losses: labels shape {labels.shape} is not compatible with predictions shape "
            f"{predictions.shape}."
        )
    return labels, predictions


def mean_squared_error(
    labels: Any,
    predictions: Any,
    weights: Any = 1.0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """Mean of squared differences (TF1 form, a scalar by default).

    Example:
        >>> float(tf.losses.mean_squared_error([0.0, 0.0], [1.0, 3.0]))
        5.0
    """
    labels, predictions = _pair(labels, predictions)
    losses = math_ops.squared_difference(predictions, labels)
    return compute_weighted_loss(losses, weights, reduction=reduction)


def absolute_difference(
    labels: Any,
    predictions: Any,
    weights: Any = 1.0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """Mean of absolute differences (TF1 form)."""
    labels, predictions = _pair(labels, predictions)
    losses = math_unary_ops.abs(predictions - labels)
    return compute_weighted_loss(losses, weights, reduction=reduction)


def huber_loss(
    labels: Any,
    predictions: Any,
    weights: Any = 1.0,
    delta: float = 1.0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """Huber loss (TF1 form): quadratic up to `delta`, then linear."""
    labels, predictions = _pair(labels, predictions)
    error = math_unary_ops.abs(predictions - labels)
    quadratic = math_ops.minimum(error, delta)
    losses = 0.5 * quadratic * quadratic + delta * (error - quadratic)
    return compute_weighted_loss(losses, weights, reduction=reduction)


def log_loss(
    labels: Any,
    predictions: Any,
    weights: Any = 1.0,
    epsilon: float = 1e-7,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS,
) -> Tensor:
    """Logistic loss of probabilities `predictions` (TF1 form)."""
    labels, predictions = _pair(labels, predictions)
    losses = -labels * math_ops.log(predictions + epsilon) - (1.0 - labels) * math_ops.log(
        1.0 - predictions + epsilon
    )
    return compute_weighted_loss(losses, weights, reduction=reduction)

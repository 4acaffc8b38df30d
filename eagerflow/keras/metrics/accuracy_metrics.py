"""Accuracy metrics: functions (one value per sample) and their `Mean`-based classes."""

from __future__ import annotations

from typing import Any

from eagerflow.core import dtypes
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.tensor import Tensor
from eagerflow.keras.losses import squeeze_or_expand_to_same_rank
from eagerflow.keras.metrics.base_metric import MeanMetricWrapper
from eagerflow.ops import array_ops, cast_ops, math_ops, reduction_ops


def _to_float32(x: Tensor) -> Tensor:
    return cast_ops.cast(x, dtypes.float32)


def accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """1.0 where `y_true == y_pred`, else 0.0.

    Example:
        >>> tf.keras.metrics.accuracy([1, 2], [1, 3]).numpy()
        array([1., 0.], dtype=float32)
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true)
    if y_true.dtype is not y_pred.dtype:
        y_true = cast_ops.cast(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _to_float32(math_ops.equal(y_true, y_pred))


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Tensor:
    """Mean over the last axis of `y_true == (y_pred > threshold)`.

    Example:
        >>> tf.keras.metrics.binary_accuracy([[1.0], [0.0]], [[0.9], [0.7]]).numpy()
        array([1., 0.], dtype=float32)
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = cast_ops.cast(convert_to_tensor(y_true), dtypes.float32)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    predicted = _to_float32(math_ops.greater(y_pred, threshold))
    return reduction_ops.reduce_mean(_to_float32(math_ops.equal(y_true, predicted)), axis=-1)


def categorical_accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """1.0 where the argmax of one-hot `y_true` equals the argmax of `y_pred`.

    Example:
        >>> tf.keras.metrics.categorical_accuracy([[0, 1]], [[0.3, 0.7]]).numpy()
        array([1.], dtype=float32)
    """
    true_class = reduction_ops.argmax(convert_to_tensor(y_true), axis=-1)
    pred_class = reduction_ops.argmax(convert_to_tensor(y_pred), axis=-1)
    return _to_float32(math_ops.equal(true_class, pred_class))


def _sparse_labels(y_true: Any, y_pred: Tensor) -> Tensor:
    labels = convert_to_tensor(y_true)
    if len(labels.shape) == len(y_pred.shape) and labels.shape[-1] == 1:
        labels = array_ops.squeeze(labels, -1)
    return cast_ops.cast(labels, dtypes.int64)


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """1.0 where the integer label equals the argmax of `y_pred`.

    Example:
        >>> tf.keras.metrics.sparse_categorical_accuracy([1, 0], [[0.3, 0.7], [0.4, 0.6]]).numpy()
        array([1., 0.], dtype=float32)
    """
    y_pred = convert_to_tensor(y_pred)
    labels = _sparse_labels(y_true, y_pred)
    return _to_float32(math_ops.equal(labels, reduction_ops.argmax(y_pred, axis=-1)))


def _in_top_k(labels: Tensor, y_pred: Tensor, k: int) -> Tensor:
    k = min(k, y_pred.shape[-1])
    _, indices = reduction_ops.top_k(y_pred, k=k)
    hits = math_ops.equal(cast_ops.cast(indices, dtypes.int64), array_ops.expand_dims(labels, -1))
    return _to_float32(reduction_ops.reduce_any(hits, axis=-1))


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Tensor:
    """1.0 where the argmax of one-hot `y_true` is among the `k` largest of `y_pred`.

    Example:
        >>> tf.keras.metrics.top_k_categorical_accuracy([[0, 0, 1]], [[0.5, 0.3, 0.2]], k=2).numpy()
        array([0.], dtype=float32)
    """
    y_pred = convert_to_tensor(y_pred)
    labels = reduction_ops.argmax(convert_to_tensor(y_true), axis=-1)
    return _in_top_k(labels, y_pred, k)


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Tensor:
    """1.0 where the integer label is among the `k` largest entries of `y_pred`."""
    y_pred = convert_to_tensor(y_pred)
    return _in_top_k(_sparse_labels(y_true, y_pred), y_pred, k)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels.

    Example:
        >>> m = tf.keras.metrics.Accuracy()
        >>> float(m([1, 2, 3, 4], [0, 2, 3, 4]))
        0.75
    """

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` matches binary labels.

    Example:
        >>> m = tf.keras.metrics.BinaryAccuracy()
        >>> float(m([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]))
        0.75
    """

    def __init__(
        self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5
    ) -> None:
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches one-hot labels.

    Example:
        >>> m = tf.keras.metrics.CategoricalAccuracy()
        >>> float(m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
        0.5
    """

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches integer labels.

    Example:
        >>> m = tf.keras.metrics.SparseCategoricalAccuracy()
        >>> float(m([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]))
        0.5
    """

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is among the `k` top predictions.

    Example:
        >>> m = tf.keras.metrics.TopKCategoricalAccuracy(k=1)
        >>> float(m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
        0.5
    """

    def __init__(
        self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None
    ) -> None:
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the `k` top predictions."""

    def __init__(
        self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype: Any = None
    ) -> None:
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

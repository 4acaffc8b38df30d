"""Loss-valued metrics: the mean of a Keras loss function over the samples seen."""

from __future__ import annotations

from typing import Any

from eagerflow.keras import losses
from eagerflow.keras.metrics.base_metric import MeanMetricWrapper


class MeanSquaredError(MeanMetricWrapper):
    """The mean squared error between `y_true` and `y_pred`.

    Example:
        >>> m = tf.keras.metrics.MeanSquaredError()
        >>> float(m([[0, 1], [0, 0]], [[1, 1], [0, 0]]))
        0.25
    """

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean absolute error between `y_true` and `y_pred`."""

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(losses.mean_absolute_error, name=name, dtype=dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary cross-entropy."""

    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(
            losses.binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical cross-entropy."""

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(
            losses.categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean sparse categorical cross-entropy."""

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
    ) -> None:
        super().__init__(
            losses.sparse_categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits
        )

"""Loss-valued metrics: the mean of a Keras loss function over the samples seen (and RMSE)."""

from __future__ import annotations

from typing import Any

from eagerflow.keras import losses
from eagerflow.keras.metrics.base_metric import MeanMetricWrapper
from eagerflow.ops import math_unary_ops


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


class RootMeanSquaredError(MeanMetricWrapper):
    """The square root of the mean squared error over all samples seen.

    Example:
        >>> m = tf.keras.metrics.RootMeanSquaredError()
        >>> float(m([[0, 1], [0, 0]], [[1, 1], [0, 0]]))
        0.5
    """

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)

    def result(self) -> Any:
        return math_unary_ops.sqrt(super().result())


def _cosine(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    return -losses.cosine_similarity(y_true, y_pred, axis=axis)


class CosineSimilarity(MeanMetricWrapper):
    """The mean cosine similarity (1 when directions agree; the loss is its negative)."""

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1):
        super().__init__(_cosine, name=name, dtype=dtype, axis=axis)


def _wrapper_class(class_name: str, fn: Any, default_name: str, doc: str) -> type:
    def __init__(self, name: str = default_name, dtype: Any = None) -> None:
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype)

    return type(
        class_name,
        (MeanMetricWrapper,),
        {"__init__": __init__, "__doc__": doc, "__module__": __name__},
    )


MeanAbsolutePercentageError = _wrapper_class(
    "MeanAbsolutePercentageError",
    losses.mean_absolute_percentage_error,
    "mean_absolute_percentage_error",
    "The mean absolute percentage error.",
)
MeanSquaredLogarithmicError = _wrapper_class(
    "MeanSquaredLogarithmicError",
    losses.mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error",
    "The mean squared logarithmic error.",
)
LogCoshError = _wrapper_class("LogCoshError", losses.log_cosh, "logcosh", "The mean log-cosh.")
Poisson = _wrapper_class("Poisson", losses.poisson, "poisson", "The mean Poisson loss.")
KLDivergence = _wrapper_class(
    "KLDivergence", losses.kl_divergence, "kl_divergence", "The mean KL divergence."
)
Hinge = _wrapper_class("Hinge", losses.hinge, "hinge", "The mean hinge loss.")
SquaredHinge = _wrapper_class(
    "SquaredHinge", losses.squared_hinge, "squared_hinge", "The mean squared hinge loss."
)
CategoricalHinge = _wrapper_class(
    "CategoricalHinge", losses.categorical_hinge, "categorical_hinge", "The mean categorical hinge."
)

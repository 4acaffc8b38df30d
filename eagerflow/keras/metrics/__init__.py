"""`tf.keras.metrics`: stateful metric objects and per-sample metric functions."""
# ruff: noqa: F401

from __future__ import annotations

from typing import Any

from eagerflow.keras import _serialization
from eagerflow.keras.losses import (
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    hinge,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from eagerflow.keras.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from eagerflow.keras.metrics.base_metric import Mean, MeanMetricWrapper, Metric, Reduce, Sum
from eagerflow.keras.metrics.confusion_metrics import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from eagerflow.keras.metrics.regression_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    KLDivergence,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    RootMeanSquaredError,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error

_CLASSES = {
    cls.__name__: cls
    for cls in (
        AUC,
        Accuracy,
        BinaryAccuracy,
        BinaryCrossentropy,
        CategoricalAccuracy,
        CategoricalCrossentropy,
        Mean,
        MeanAbsoluteError,
        MeanSquaredError,
        Precision,
        Recall,
        SparseCategoricalAccuracy,
        SparseCategoricalCrossentropy,
        SparseTopKCategoricalAccuracy,
        Sum,
        TopKCategoricalAccuracy,
        CategoricalHinge,
        CosineSimilarity,
        FalseNegatives,
        FalsePositives,
        Hinge,
        KLDivergence,
        LogCoshError,
        MeanAbsolutePercentageError,
        MeanSquaredLogarithmicError,
        Poisson,
        RootMeanSquaredError,
        SquaredHinge,
        TrueNegatives,
        TruePositives,
    )
}
_FUNCTIONS = {
    "accuracy": accuracy,
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "top_k_categorical_accuracy": top_k_categorical_accuracy,
    "sparse_top_k_categorical_accuracy": sparse_top_k_categorical_accuracy,
    "mean_squared_error": mean_squared_error,
    "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error,
    "mae": mean_absolute_error,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "mape": mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error,
    "msle": mean_squared_logarithmic_error,
    "log_cosh": log_cosh,
    "logcosh": log_cosh,
    "poisson": poisson,
    "hinge": hinge,
    "squared_hinge": squared_hinge,
    "categorical_hinge": categorical_hinge,
}


def serialize(metric: Any) -> Any:
    return _serialization.serialize_named(metric, Metric)


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    return _serialization.deserialize_named(
        config, custom_objects, "metrics", "metric", _FUNCTIONS, _CLASSES
    )


def get(identifier: Any) -> Any:
    """A metric (instance or function) from a name, a dict or a callable.

    Example:
        >>> type(tf.keras.metrics.get("AUC")).__name__
        'AUC'
    """
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"metrics.get: could not interpret metric identifier {identifier!r}.")

"""More Keras losses: percentage/log errors, log-cosh, Poisson, cosine similarity, hinges.

Functions give one value per sample; the classes reduce like every `Loss` (see losses.py).
"""

from __future__ import annotations

from typing import Any

from eagerflow.core.tensor import Tensor
from eagerflow.keras.losses import EPSILON, LossFunctionWrapper, _prepare
from eagerflow.ops import gather_ops, math_ops, math_unary_ops, nn_activation_ops, reduction_ops


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Tensor:
    """`100 * mean(abs((y_true - y_pred) / max(abs(y_true), eps)), axis=-1)`."""
    y_true, y_pred = _prepare(y_true, y_pred)
    scale = math_ops.maximum(math_unary_ops.abs(y_true), EPSILON)
    return 100.0 * reduction_ops.reduce_mean(math_unary_ops.abs((y_true - y_pred) / scale), -1)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Tensor:
    """`mean(square(log(1 + max(y_pred, eps)) - log(1 + max(y_true, eps))), axis=-1)`."""
    y_true, y_pred = _prepare(y_true, y_pred)
    first = math_unary_ops.log1p(math_ops.maximum(y_pred, EPSILON))
    second = math_unary_ops.log1p(math_ops.maximum(y_true, EPSILON))
    return reduction_ops.reduce_mean(math_ops.square(first - second), axis=-1)


def log_cosh(y_true: Any, y_pred: Any) -> Tensor:
    """`mean(log(cosh(y_pred - y_true)), axis=-1)`, computed stably."""
    y_true, y_pred = _prepare(y_true, y_pred)
    x = y_pred - y_true
    # log(cosh(x)) = x + softplus(-2x) - log(2)
    values = x + nn_activation_ops.softplus(-2.0 * x) - 0.6931471805599453
    return reduction_ops.reduce_mean(values, axis=-1)


def poisson(y_true: Any, y_pred: Any) -> Tensor:
    """`mean(y_pred - y_true * log(y_pred + eps), axis=-1)`."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return reduction_ops.reduce_mean(y_pred - y_true * math_ops.log(y_pred + EPSILON), axis=-1)


def _l2_normalize(x: Tensor) -> Tensor:
    norm = math_unary_ops.sqrt(
        math_ops.maximum(reduction_ops.reduce_sum(math_ops.square(x), -1, True), 1e-12)
    )
    return x / norm


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """`-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`: -1 for equal directions."""
    y_true, y_pred = _prepare(y_true, y_pred)
    return -reduction_ops.reduce_sum(_l2_normalize(y_true) * _l2_normalize(y_pred), axis=axis)


def _signed_labels(y_true: Tensor) -> Tensor:
    # Keras maps {0, 1} labels to {-1, 1}; labels already in {-1, 1} stay.
    is_binary = reduction_ops.reduce_all(math_ops.equal(y_true, 0.0) | math_ops.equal(y_true, 1.0))
    return gather_ops.where(is_binary, y_true * 2.0 - 1.0, y_true)


def hinge(y_true: Any, y_pred: Any) -> Tensor:
    """`mean(max(1 - y_true * y_pred, 0), axis=-1)`, labels in {-1, 1} (or {0, 1})."""
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = _signed_labels(y_true)
    return reduction_ops.reduce_mean(math_ops.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """`mean(square(max(1 - y_true * y_pred, 0)), axis=-1)`."""
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = _signed_labels(y_true)
    margin = math_ops.maximum(1.0 - y_true * y_pred, 0.0)
    return reduction_ops.reduce_mean(math_ops.square(margin), axis=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """`max(0, 1 + max((1 - y_true) * y_pred) - sum(y_true * y_pred))` over the last axis."""
    y_true, y_pred = _prepare(y_true, y_pred)
    positive = reduction_ops.reduce_sum(y_true * y_pred, axis=-1)
    negative = reduction_ops.reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return math_ops.maximum(negative - positive + 1.0, 0.0)


def _wrapper(fn: Any, default_name: str, doc: str) -> type:
    def __init__(self, reduction: str = "sum_over_batch_size", name: str = default_name):
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name)

    return type(
        "".join(part.capitalize() for part in default_name.split("_")),
        (LossFunctionWrapper,),
        {"__init__": __init__, "__doc__": doc, "__module__": __name__},
    )


MeanAbsolutePercentageError = _wrapper(
    mean_absolute_percentage_error, "mean_absolute_percentage_error", "Mean absolute % error."
)
MeanSquaredLogarithmicError = _wrapper(
    mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error",
    "Mean squared error of log(1 + x).",
)
LogCosh = _wrapper(log_cosh, "log_cosh", "Mean of log(cosh(error)).")
Poisson = _wrapper(poisson, "poisson", "Poisson loss.")
Hinge = _wrapper(hinge, "hinge", "Hinge loss.")
SquaredHinge = _wrapper(squared_hinge, "squared_hinge", "Squared hinge loss.")
CategoricalHinge = _wrapper(categorical_hinge, "categorical_hinge", "Categorical hinge loss.")


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along `axis` (-1 when directions agree)."""

    def __init__(
        self,
        axis: int = -1,
        reduction: str = "sum_over_batch_size",
        name: str = "cosine_similarity",
    ) -> None:
        super().__init__(cosine_similarity, reduction=reduction, name=name, axis=axis)


mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
logcosh = log_cosh

"""Metrics from confusion counts at thresholds: `Precision`, `Recall`, `AUC`.

Predictions above a threshold count as positive. Counts are accumulated per threshold in
state variables (`true_positives`, ...), weighted by `sample_weight`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core import dtypes
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.tensor import Tensor
from eagerflow.keras.metrics.base_metric import Metric, same_rank
from eagerflow.ops import (
    array_ops,
    cast_ops,
    gather_ops,
    logical_ops,
    math_ops,
    math_unary_ops,
    reduction_ops,
)

_EPSILON = 1e-7
_NEG_INF = -1e10  # Keras's metrics_utils.NEG_INF


def _filter_top_k(y_pred: Tensor, k: int) -> Tensor:
    """Keeps each row's `k` largest predictions; the others become -1e10 (never positive)."""
    _, indices = reduction_ops.top_k(y_pred, k=k)
    mask = reduction_ops.reduce_sum(
        gather_ops.one_hot(indices, y_pred.shape[-1], dtype=y_pred.dtype), axis=-2
    )
    return y_pred * mask + _NEG_INF * (1.0 - mask)


def _confusion_counts(
    y_true: Any,
    y_pred: Any,
    thresholds: Tensor,
    sample_weight: Any,
    class_id: int | None,
    top_k: int | None = None,
    keys: tuple[str, ...] = ("tp", "fp", "tn", "fn"),
) -> dict[str, Tensor]:
    """The weighted counts named in `keys` (of tp, fp, tn, fn), each (num_thresholds,)."""
    y_pred = cast_ops.cast(convert_to_tensor(y_pred), dtypes.float32)
    y_true = cast_ops.cast(convert_to_tensor(y_true), dtypes.float32)
    y_pred, y_true = same_rank(y_pred, y_true)
    weights = None
    if sample_weight is not None:
        # Keras: the weights get a trailing axis, dropped again when that makes their rank
        # exceed the labels', so (batch,) weights apply per sample to (batch, classes) labels.
        weights = cast_ops.cast(convert_to_tensor(sample_weight), dtypes.float32)
        _, weights = same_rank(y_true, array_ops.expand_dims(weights, -1))
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:  # keeps the axis, to broadcast with the weights
        y_true = y_true[..., class_id : class_id + 1]
        y_pred = y_pred[..., class_id : class_id + 1]
    if weights is None:
        weights = array_ops.ones_like(y_pred)
    else:
        weights = array_ops.broadcast_to(weights, array_ops.shape(y_pred))
    y_pred = array_ops.reshape(y_pred, [1, -1])
    y_true = array_ops.reshape(y_true, [1, -1])
    weights = array_ops.reshape(weights, [1, -1])
    predicted = math_ops.greater(y_pred, array_ops.expand_dims(thresholds, 1))
    positive = math_ops.greater(y_true, 0.5)
    not_predicted = logical_ops.logical_not(predicted)
    negative = logical_ops.logical_not(positive)

    def count(a: Tensor, b: Tensor) -> Tensor:
        hit = cast_ops.cast(logical_ops.logical_and(a, b), dtypes.float32)
        return reduction_ops.reduce_sum(hit * weights, axis=1)

    # Only the counts asked for are reduced: Precision and Recall need two of the four.
    operands = {
        "tp": (predicted, positive),
        "fp": (predicted, negative),
        "tn": (not_predicted, negative),
        "fn": (not_predicted, positive),
    }
    return {key: count(*operands[key]) for key in keys}


class _ThresholdMetric(Metric):
    _counts: tuple = ()

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if top_k is not None and (not isinstance(top_k, int) or top_k < 1):
            raise ValueError(f"{type(self).__name__}: top_k must be a positive int, got {top_k!r}.")
        self.top_k = top_k
        self.init_thresholds = thresholds
        self._single = thresholds is None or np.ndim(thresholds) == 0
        # Keras's default: 0.5, or with top_k every prediction kept by the top-k filter.
        if thresholds is None:
            values = [0.5 if top_k is None else _NEG_INF]
        else:
            values = list(np.atleast_1d(thresholds))
            if not all(0.0 <= t <= 1.0 for t in values):
                raise ValueError(
                    f"{type(self).__name__}: thresholds must be in [0, 1], got {thresholds!r}."
                )
        self.thresholds = [float(t) for t in values]
        self.class_id = class_id
        self._threshold_tensor = convert_to_tensor(np.asarray(self.thresholds, np.float32))
        names = {
            "tp": "true_positives",
            "fp": "false_positives",
            "tn": "true_negatives",
            "fn": "false_negatives",
        }
        for key in self._counts:
            setattr(self, names[key], self.add_variable((len(self.thresholds),), name=names[key]))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        counts = _confusion_counts(
            y_true,
            y_pred,
            self._threshold_tensor,
            sample_weight,
            self.class_id,
            self.top_k,
            keys=self._counts,
        )
        for key, variable in zip(self._counts, self._variables):
            variable.assign_add(counts[key])

    def _ratio(self, numerator: Tensor, other: Tensor) -> Tensor:
        value = math_ops.divide_no_nan(numerator, numerator + other)
        return value[0] if self._single else value

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {"thresholds": self.init_thresholds, "top_k": self.top_k, "class_id": self.class_id}
        )
        return config


class Precision(_ThresholdMetric):
    """`true_positives / (true_positives + false_positives)` at each threshold (0.5 default).

    Example:
        >>> m = tf.keras.metrics.Precision()
        >>> round(float(m([0, 1, 1, 1], [1, 0, 1, 1])), 4)
        0.6667
    """

    _counts = ("tp", "fp")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds, top_k, class_id, name or "precision", dtype)

    def result(self) -> Tensor:
        return self._ratio(self.true_positives.read_value(), self.false_positives.read_value())


class Recall(_ThresholdMetric):
    """`true_positives / (true_positives + false_negatives)` at each threshold (0.5 default).

    Example:
        >>> m = tf.keras.metrics.Recall()
        >>> round(float(m([0, 1, 1, 1], [1, 0, 1, 1])), 4)
        0.6667
    """

    _counts = ("tp", "fn")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds, top_k, class_id, name or "recall", dtype)

    def result(self) -> Tensor:
        return self._ratio(self.true_positives.read_value(), self.false_negatives.read_value())


class _ConfusionCount(_ThresholdMetric):
    """One weighted confusion count per threshold (0.5 by default)."""

    _key = ""

    def __init__(self, thresholds=None, name=None, dtype=None):
        self._counts = (self._key,)
        super().__init__(thresholds, None, None, name, dtype)

    def result(self) -> Tensor:
        value = self._variables[0].read_value()
        return value[0] if self._single else value


class TruePositives(_ConfusionCount):
    """The weighted number of true positives.

    Example:
        >>> float(tf.keras.metrics.TruePositives()([0, 1, 1, 1], [1, 0, 1, 1]))
        2.0
    """

    _key = "tp"


class FalsePositives(_ConfusionCount):
    """The weighted number of false positives."""

    _key = "fp"


class TrueNegatives(_ConfusionCount):
    """The weighted number of true negatives."""

    _key = "tn"


class FalseNegatives(_ConfusionCount):
    """The weighted number of false negatives."""

    _key = "fn"


class AUC(Metric):
    """Area under the ROC or precision-recall curve, from counts at `num_thresholds`.

    `summation_method="interpolation"` uses the trapezoidal rule for ROC and Davis & Goadrich's
    interpolation for PR; `"minoring"` and `"majoring"` use left and right Riemann sums.

    Example:
        >>> m = tf.keras.metrics.AUC(num_thresholds=3)
        >>> float(m([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]))
        0.75
    """

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: Any = None,
        from_logits: bool = False,
    ) -> None:
        super().__init__(name=name or "auc", dtype=dtype)
        if curve.upper() not in ("ROC", "PR"):
            raise ValueError(f'AUC: curve must be "ROC" or "PR", got {curve!r}.')
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(
                "AUC: summation_method must be interpolation, minoring or majoring, got "
                f"{summation_method!r}."
            )
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
        else:
            if num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be > 1, got {num_thresholds}.")
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.thresholds = [0.0 - _EPSILON] + inner + [1.0 + _EPSILON]
        self.num_thresholds = len(self.thresholds)
        self.curve = curve.upper()
        self.summation_method = summation_method
        self.from_logits = from_logits
        self._threshold_tensor = convert_to_tensor(np.asarray(self.thresholds, np.float32))
        shape = (self.num_thresholds,)
        self.true_positives = self.add_variable(shape, name="true_positives")
        self.false_positives = self.add_variable(shape, name="false_positives")
        self.true_negatives = self.add_variable(shape, name="true_negatives")
        self.false_negatives = self.add_variable(shape, name="false_negatives")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if self.from_logits:
            y_pred = math_unary_ops.sigmoid(convert_to_tensor(y_pred))
        counts = _confusion_counts(y_true, y_pred, self._threshold_tensor, sample_weight, None)
        self.true_positives.assign_add(counts["tp"])
        self.false_positives.assign_add(counts["fp"])
        self.true_negatives.assign_add(counts["tn"])
        self.false_negatives.assign_add(counts["fn"])

    def result(self) -> Tensor:
        tp = self.true_positives.read_value()
        fp = self.false_positives.read_value()
        tn = self.true_negatives.read_value()
        fn = self.false_negatives.read_value()
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr_auc(tp, fp, fn)
        if self.curve == "ROC":
            x = math_ops.divide_no_nan(fp, fp + tn)  # false positive rate
            y = math_ops.divide_no_nan(tp, tp + fn)  # recall
        else:
            x = math_ops.divide_no_nan(tp, tp + fn)  # recall
            y = math_ops.divide_no_nan(tp, tp + fp)  # precision
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = math_ops.minimum(y[: n - 1], y[1:])
        else:
            heights = math_ops.maximum(y[: n - 1], y[1:])
        return reduction_ops.reduce_sum((x[: n - 1] - x[1:]) * heights)

    def _interpolated_pr_auc(self, tp: Tensor, fp: Tensor, fn: Tensor) -> Tensor:
        n = self.num_thresholds
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        slope = math_ops.divide_no_nan(dtp, math_ops.maximum(dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = logical_ops.logical_and(
            math_ops.greater(p[: n - 1], 0.0), math_ops.greater(p[1:], 0.0)
        )
        ratio = gather_ops.where(
            both_positive,
            math_ops.divide_no_nan(p[: n - 1], math_ops.maximum(p[1:], 0.0)),
            array_ops.ones_like(p[1:]),
        )
        increments = math_ops.divide_no_nan(
            slope * (dtp + intercept * math_ops.log(ratio)),
            math_ops.maximum(tp[1:] + fn[1:], 0.0),
        )
        return reduction_ops.reduce_sum(increments)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "num_thresholds": self.num_thresholds,
                "curve": self.curve,
                "summation_method": self.summation_method,
                "from_logits": self.from_logits,
            }
        )
        return config

"""What `compile` resolves: loss and metric objects from names, and TF 2's `compiled_loss` /
`compiled_metrics` adapters for custom `train_step`s."""

from __future__ import annotations

from typing import Any

from eagerflow.core.convert import convert_to_tensor
from eagerflow.keras import losses as losses_module
from eagerflow.keras import metrics as metrics_module
from eagerflow.ops import math_ops

_ACCURACY_NAMES = ("accuracy", "acc")


def loss_object(loss: Any) -> Any:
    """A `Loss` instance (with reduction and sample weights) for a name, function or Loss."""
    if loss is None or isinstance(loss, losses_module.Loss):
        return loss
    resolved = losses_module.get(loss)
    if isinstance(resolved, losses_module.Loss):
        return resolved
    if not callable(resolved):
        raise ValueError(f"compile: could not interpret loss {loss!r}.")
    return losses_module.LossFunctionWrapper(resolved, name=getattr(resolved, "__name__", None))


def _loss_kind(loss: Any) -> str | None:
    """ "sparse", "categorical", "binary" or None, for resolving the "accuracy" metric."""
    fn = getattr(loss, "fn", None)
    candidates = {type(loss).__name__, getattr(fn, "__name__", "")}
    if any("sparse_categorical" in c.lower() or "SparseCategorical" in c for c in candidates):
        return "sparse"
    if any(c.startswith("categorical") or c.startswith("Categorical") for c in candidates):
        return "categorical"
    if any(c.startswith("binary") or c.startswith("Binary") for c in candidates):
        return "binary"
    return None


def _accuracy_for(loss: Any, y_true: Any, y_pred: Any) -> metrics_module.Metric:
    kind = _loss_kind(loss)
    if kind is None:
        true_shape, pred_shape = tuple(y_true.shape), tuple(y_pred.shape)
        if pred_shape[-1:] == (1,) or len(pred_shape) <= 1:
            kind = "binary"
        elif len(true_shape) == len(pred_shape) and true_shape[-1] == pred_shape[-1]:
            kind = "categorical"
        else:
            kind = "sparse"
    cls = {
        "sparse": metrics_module.SparseCategoricalAccuracy,
        "categorical": metrics_module.CategoricalAccuracy,
        "binary": metrics_module.BinaryAccuracy,
    }[kind]
    return cls(name="accuracy")


def metric_object(metric: Any, loss: Any, y_true: Any, y_pred: Any) -> metrics_module.Metric:
    if isinstance(metric, metrics_module.Metric):
        return metric
    if isinstance(metric, str) and metric in _ACCURACY_NAMES:
        return _accuracy_for(loss, y_true, y_pred)
    resolved = metrics_module.get(metric)
    if isinstance(resolved, metrics_module.Metric):
        return resolved
    name = metric if isinstance(metric, str) else getattr(resolved, "__name__", "metric")
    return metrics_module.MeanMetricWrapper(resolved, name=name)


class CompiledLoss:
    """The compiled loss as TF 2's custom `train_step`s call it."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def __call__(
        self,
        y_true: Any,
        y_pred: Any,
        sample_weight: Any = None,
        regularization_losses: Any = None,
    ) -> Any:
        total = self._model._target_loss(y_true, y_pred, sample_weight)
        if regularization_losses:
            added = math_ops.add_n([convert_to_tensor(v) for v in regularization_losses])
            total = added if total is None else total + added
        if total is None:
            raise ValueError("compiled_loss: the model was compiled without a loss.")
        self._model._loss_tracker.update_state(total)
        return total


class CompiledMetrics:
    """The compiled metrics as TF 2's custom `train_step`s update them."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self._model._update_metrics(y_true, y_pred, sample_weight)

    @property
    def metrics(self) -> list:
        return list(self._model._compiled_metrics or [])

"""`tf.contrib.eager.metrics` (`tfe.metrics`): TF1's eager metrics, float64 by default.

`m = tfe.metrics.Mean("loss"); m(0); m(5); m.result()` gives 2.5 as a float64 tensor, as in
the Eager Execution guide.
"""

from __future__ import annotations

from typing import Any

from eagerflow.keras.metrics import accuracy_metrics, base_metric


class Metric(base_metric.Metric):
    """Base of the contrib eager metrics (`tfe.metrics.Metric`)."""

    def __init__(self, name: str | None = None, dtype: Any = "float64") -> None:
        super().__init__(name=name, dtype=dtype)

    def init_variables(self) -> None:
        """Resets the state (TF1's name for `reset_state`)."""
        self.reset_state()


class Mean(base_metric.Mean):
    """The (weighted) mean of the values seen; float64 by default.

    Example:
        >>> m = tfe.metrics.Mean("loss")
        >>> _ = m(0)  # returns its input, as TF 1's metrics do
        >>> _ = m(5)
        >>> float(m.result())
        2.5
    """

    def __init__(self, name: str = "mean", dtype: Any = "float64") -> None:
        super().__init__(name=name, dtype=dtype)

    def __call__(self, values: Any, weights: Any = None) -> Any:
        """Accumulates `values` and returns them (TF1's contrib metrics return the input)."""
        self.update_state(values, sample_weight=weights)
        return values

    def init_variables(self) -> None:
        self.reset_state()


class _AccumulatesPairs:
    """`m(labels, predictions, weights)` accumulates and returns its inputs, as TF1's did."""

    def __call__(self, labels: Any, predictions: Any, weights: Any = None) -> Any:
        self.update_state(labels, predictions, sample_weight=weights)
        return labels, predictions


class Accuracy(_AccumulatesPairs, accuracy_metrics.Accuracy):
    """How often predictions equal labels; float64 by default."""

    def __init__(self, name: str = "accuracy", dtype: Any = "float64") -> None:
        super().__init__(name=name, dtype=dtype)


class CategoricalAccuracy(_AccumulatesPairs, accuracy_metrics.CategoricalAccuracy):
    """How often the argmax of `predictions` equals the argmax of one-hot `labels`."""

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = "float64") -> None:
        super().__init__(name=name, dtype=dtype)


class BinaryAccuracy(_AccumulatesPairs, accuracy_metrics.BinaryAccuracy):
    """How often `predictions > threshold` matches binary `labels`."""

    def __init__(
        self, threshold: float = 0.5, name: str = "binary_accuracy", dtype: Any = "float64"
    ) -> None:
        super().__init__(name=name, dtype=dtype, threshold=threshold)


class SparseAccuracy(_AccumulatesPairs, accuracy_metrics.SparseCategoricalAccuracy):
    """How often the argmax of `predictions` equals the integer `labels`."""

    def __init__(self, name: str = "sparse_accuracy", dtype: Any = "float64") -> None:
        super().__init__(name=name, dtype=dtype)

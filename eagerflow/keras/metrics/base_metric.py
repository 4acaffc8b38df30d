"""`tf.keras.metrics.Metric` and the reducing metrics `Mean`, `Sum`, `MeanMetricWrapper`.

A metric keeps its state in non-trainable variables, changed only with `assign`/`assign_add`
so that a traced training step updates it too. `update_state` accumulates, `result` reads,
`reset_state` zeroes, and calling the metric does `update_state` then returns `result()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.core import dtypes
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.tensor import Tensor
from eagerflow.core.variable import Variable
from eagerflow.keras.losses import _align_sample_weight, squeeze_or_expand_to_same_rank
from eagerflow.module import camel_to_snake
from eagerflow.ops import array_ops, cast_ops, math_ops, reduction_ops


def as_dtype_tensor(x: Any, dtype: dtypes.DType) -> Tensor:
    """`x` as a Tensor of `dtype` (cast when needed)."""
    x = convert_to_tensor(x)
    return x if x.dtype is dtype else cast_ops.cast(x, dtype)


def same_rank(values: Tensor, weights: Tensor) -> tuple[Tensor, Tensor]:
    """Drops a trailing unit axis of the one with the extra rank (the losses' rule, no expand)."""
    return squeeze_or_expand_to_same_rank(values, weights, expand_rank_1=False)


class Metric:
    """Base class for stateful metrics.

    Subclasses create state with `add_variable` in `__init__` and implement `update_state`
    and `result`.

    Example:
        >>> m = tf.keras.metrics.Mean()
        >>> m.update_state([1.0, 3.0])
        >>> float(m.result())
        2.0
    """

    def __init__(self, name: str | None = None, dtype: Any = None) -> None:
        self.name = name if name is not None else camel_to_snake(type(self).__name__)
        self._dtype = dtypes.as_dtype(dtype if dtype is not None else "float32")
        self._variables: list[Variable] = []
        self._initial_values: list[np.ndarray] = []

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    def add_variable(
        self, shape: Any = (), initializer: Any = "zeros", dtype: Any = None, name: str = ""
    ) -> Variable:
        """Creates a state variable (not trainable) that `reset_state` returns to its start."""
        dtype = dtypes.as_dtype(dtype if dtype is not None else self._dtype)
        fill = {"zeros": 0, "ones": 1}.get(initializer, initializer)
        value = np.full(tuple(shape), fill, dtype=dtype.as_numpy_dtype)
        variable = Variable(value, trainable=False, name=f"{self.name}/{name}")
        self._variables.append(variable)
        self._initial_values.append(value)
        return variable

    add_weight = add_variable

    @property
    def variables(self) -> list[Variable]:
        return list(self._variables)

    weights = variables

    @property
    def trainable_variables(self) -> list:
        return []

    @property
    def non_trainable_variables(self) -> list[Variable]:
        return list(self._variables)

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement update_state.")

    def result(self) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement result.")

    def reset_state(self) -> None:
        """Returns every state variable to its initial value."""
        for variable, value in zip(self._variables, self._initial_values):
            variable.assign(value)

    def reset_states(self) -> None:
        """TF 2 spelling of `reset_state`."""
        self.reset_state()

    def __call__(self, *args: Any, **kwargs: Any) -> Tensor:
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self._dtype.name}

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


class Reduce(Metric):
    """Accumulates `sum(values * sample_weight)` and the matching count."""

    def __init__(self, reduction: str, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.reduction = reduction
        self.total = self.add_variable(name="total")
        if reduction == "weighted_mean":
            self.count = self.add_variable(name="count")
            self._one = convert_to_tensor(np.ones((), self._dtype.as_numpy_dtype))

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values = as_dtype_tensor(values, self._dtype)
        if sample_weight is None and len(values.shape) == 0:
            # One scalar (a batch loss, `m(5)`): no reductions needed.
            self.total.assign_add(values)
            if self.reduction == "weighted_mean":
                self.count.assign_add(self._one)
            return
        if sample_weight is not None:
            weights = _align_sample_weight(values, as_dtype_tensor(sample_weight, self._dtype))
            weights = array_ops.broadcast_to(weights, values.shape)
            values = values * weights
        self.total.assign_add(reduction_ops.reduce_sum(values))
        if self.reduction != "weighted_mean":
            return
        if sample_weight is None:
            count = cast_ops.cast(array_ops.size(values), self._dtype)
        else:
            count = reduction_ops.reduce_sum(weights)
        self.count.assign_add(count)

    def result(self) -> Tensor:
        if self.reduction == "sum":
            return self.total.read_value()
        return math_ops.divide_no_nan(self.total.read_value(), self.count.read_value())


class Sum(Reduce):
    """The (weighted) sum of the values seen.

    Example:
        >>> m = tf.keras.metrics.Sum()
        >>> m.update_state([1.0, 3.0, 5.0])
        >>> float(m.result())
        9.0
    """

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__("sum", name=name, dtype=dtype)


class Mean(Reduce):
    """The (weighted) mean of the values seen.

    Example:
        >>> m = tf.keras.metrics.Mean()
        >>> m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
        >>> float(m.result())
        2.0
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__("weighted_mean", name=name, dtype=dtype)


class MeanMetricWrapper(Mean):
    """The mean of `fn(y_true, y_pred, **kwargs)` over all samples seen.

    Example:
        >>> m = tf.keras.metrics.MeanMetricWrapper(tf.keras.losses.mean_absolute_error)
        >>> float(m([[0.0, 1.0]], [[1.0, 1.0]]))
        0.5
    """

    def __init__(
        self, fn: Callable, name: str | None = None, dtype: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(name=name or getattr(fn, "__name__", "mean"), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config

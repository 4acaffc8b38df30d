"""`tf.keras.constraints`: projections applied to a weight after each optimizer update."""

from __future__ import annotations

from typing import Any

import eagerflow as tf
from eagerflow.keras import _serialization, backend


class Constraint:
    """Base class: `constraint(weight) -> projected weight`."""

    def __call__(self, w: Any) -> Any:
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Constraint:
        return cls(**config)


def _slice_norms(w: Any, axis: Any) -> Any:
    """The L2 norm of each slice of `w` along `axis`, kept broadcastable against `w`."""
    return tf.sqrt(tf.reduce_sum(tf.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescales slices along `axis` whose L2 norm exceeds `max_value`."""

    def __init__(self, max_value: float = 2, axis: int = 0) -> None:
        self.max_value, self.axis = max_value, axis

    def __call__(self, w: Any) -> Any:
        norms = _slice_norms(w, self.axis)
        desired = tf.clip_by_value(norms, 0.0, self.max_value)
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero.

    Example:
        >>> tf.keras.constraints.NonNeg()(tf.constant([-1.0, 2.0])).numpy()
        array([0., 2.], dtype=float32)
    """

    def __call__(self, w: Any) -> Any:
        w = tf.convert_to_tensor(w)
        return tf.maximum(w, tf.zeros_like(w))


class UnitNorm(Constraint):
    """Divides slices along `axis` by their L2 norm."""

    def __init__(self, axis: int = 0) -> None:
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        norms = _slice_norms(w, self.axis)
        return w / (backend.epsilon() + norms)

    def get_config(self) -> dict:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Keeps slice norms between `min_value` and `max_value` (blended by `rate`)."""

    def __init__(
        self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: int = 0
    ) -> None:
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w: Any) -> Any:
        norms = _slice_norms(w, self.axis)
        clipped = tf.clip_by_value(norms, self.min_value, self.max_value)
        desired = self.rate * clipped + (1 - self.rate) * norms
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self) -> dict:
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

_CLASSES = {
    "MaxNorm": MaxNorm,
    "NonNeg": NonNeg,
    "UnitNorm": UnitNorm,
    "MinMaxNorm": MinMaxNorm,
    "max_norm": MaxNorm,
    "non_neg": NonNeg,
    "unit_norm": UnitNorm,
    "min_max_norm": MinMaxNorm,
}


def serialize(constraint: Any) -> Any:
    return _serialization.serialize_builtin(constraint, Constraint, _CLASSES)


def deserialize(config: Any) -> Any:
    return get(config)


def get(identifier: Any) -> Any:
    """A constraint from None, a name ("non_neg"), a serialized dict or a callable."""
    return _serialization.get_object(identifier, "constraint", _CLASSES, _CLASSES, _CLASSES)

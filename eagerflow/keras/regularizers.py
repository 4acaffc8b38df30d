"""`tf.keras.regularizers`: weight penalties added to a layer's `losses`."""

from __future__ import annotations

from typing import Any

import eagerflow as tf
from eagerflow.keras import _serialization


class Regularizer:
    """Base class: `regularizer(weight) -> scalar penalty`."""

    def __call__(self, x: Any) -> Any:
        return tf.constant(0.0)

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Regularizer:
        return cls(**config)


class L1L2(Regularizer):
    """`l1 * sum(|x|) + l2 * sum(x**2)`.

    Example:
        >>> round(float(tf.keras.regularizers.L1L2(l1=0.1)(tf.constant([1.0, -2.0]))), 6)
        0.3
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = float(l1)
        self.l2 = float(l2)

    def __call__(self, x: Any) -> Any:
        x = tf.convert_to_tensor(x)
        penalty = tf.zeros([], dtype=x.dtype)
        if self.l1:
            penalty = penalty + self.l1 * tf.reduce_sum(tf.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * tf.reduce_sum(tf.square(x))
        return penalty

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """`l1 * sum(|x|)`."""

    def __init__(self, l1: float = 0.01) -> None:
        super().__init__(l1=l1)

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(L1L2):
    """`l2 * sum(x**2)`."""

    def __init__(self, l2: float = 0.01) -> None:
        super().__init__(l2=l2)

    def get_config(self) -> dict:
        return {"l2": self.l2}


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:
    return L1L2(l1=l1, l2=l2)


l1 = L1
l2 = L2

_CLASSES = {"L1L2": L1L2, "L1": L1, "L2": L2, "l1": L1, "l2": L2, "l1_l2": L1L2}


def serialize(regularizer: Any) -> Any:
    return _serialization.serialize_builtin(regularizer, Regularizer, _CLASSES)


def deserialize(config: Any) -> Any:
    return get(config)


def get(identifier: Any) -> Any:
    """A regularizer from None, a name ("l2"), a serialized dict or a callable."""
    return _serialization.get_object(identifier, "regularizer", _CLASSES, _CLASSES, "l1, l2, l1_l2")

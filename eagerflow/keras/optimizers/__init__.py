"""`tf.keras.optimizers`: Keras optimizers, `get`, `serialize` and `deserialize`."""

from __future__ import annotations

from typing import Any

from eagerflow.keras.optimizers import legacy, schedules
from eagerflow.keras.optimizers.adadelta import Adadelta
from eagerflow.keras.optimizers.adagrad import Adagrad
from eagerflow.keras.optimizers.adam import Adam
from eagerflow.keras.optimizers.adamax import Adamax
from eagerflow.keras.optimizers.adamw import AdamW
from eagerflow.keras.optimizers.base_optimizer import Optimizer
from eagerflow.keras.optimizers.nadam import Nadam
from eagerflow.keras.optimizers.rmsprop import RMSprop
from eagerflow.keras.optimizers.sgd import SGD

_BY_NAME = {
    cls.__name__.lower(): cls
    for cls in (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam)
}


def serialize(optimizer: Optimizer) -> dict:
    """`{"class_name": ..., "config": ...}` for an optimizer."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    """The optimizer described by `serialize`'s output."""
    name = config.get("class_name", "")
    cls = (custom_objects or {}).get(name) or _BY_NAME.get(name.lower())
    if cls is None:
        raise ValueError(
            f"optimizers.deserialize: unknown optimizer {name!r}; known are "
            f"{sorted(c.__name__ for c in _BY_NAME.values())}."
        )
    return cls.from_config(config.get("config", {}), custom_objects=custom_objects)


def get(identifier: Any) -> Optimizer:
    """An optimizer from an instance, a name (`"adam"`) or a serialized dict.

    Example:
        >>> type(tf.keras.optimizers.get("sgd")).__name__
        'SGD'
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if hasattr(identifier, "apply_gradients"):  # TF1-style optimizers
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is not None:
            return cls()
    raise ValueError(
        f"optimizers.get: could not interpret optimizer identifier {identifier!r}; use an "
        f"Optimizer instance or one of {sorted(_BY_NAME)}."
    )


__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "legacy",
    "schedules",
    "serialize",
]

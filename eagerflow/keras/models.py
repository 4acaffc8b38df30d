"""`tf.keras.models`: Model, Sequential, and model cloning."""
# ruff: noqa: F401

from __future__ import annotations

from typing import Any

from eagerflow.keras.engine.functional import Functional
from eagerflow.keras.engine.model import Model
from eagerflow.keras.engine.sequential import Sequential


def clone_model(model: Model, input_tensors: Any = None, clone_function: Any = None) -> Model:
    """A new Sequential or functional model with the same layer configs and fresh weights."""
    if isinstance(model, Functional):
        return Functional.from_config(model.get_config())
    if not isinstance(model, Sequential):
        raise ValueError(
            "clone_model: only Sequential and functional models can be cloned; subclassed "
            f"models have no layer graph to copy. Received: {type(model).__name__}."
        )

    def fresh(layer: Any) -> Any:
        config = layer.get_config()
        config.pop("name", None)
        return type(layer).from_config(config)

    clone = Sequential()
    if model._batch_input_shape is not None:
        clone._batch_input_shape = model._batch_input_shape
    for layer in model.layers:
        clone.add((clone_function or fresh)(layer))
    return clone

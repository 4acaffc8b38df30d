"""`tf.keras.models`: Model, Sequential, and model cloning."""
# ruff: noqa: F401

from __future__ import annotations

from typing import Any

from eagerflow.keras.engine.functional import Functional
from eagerflow.keras.engine.model import Model
from eagerflow.keras.engine.sequential import Sequential


def clone_model(model: Model, input_tensors: Any = None, clone_function: Any = None) -> Model:
    """A new Sequential model with the same layer configs and fresh weights."""
    if not isinstance(model, Sequential):
        raise ValueError("clone_model: only Sequential models can be cloned here.")
    clone_function = clone_function or (lambda layer: type(layer).from_config(layer.get_config()))
    layers = []
    for layer in model.layers:
        config = layer.get_config()
        config.pop("name", None)
        layers.append(clone_function(layer) if clone_function else type(layer).from_config(config))
    clone = Sequential(name=None)
    if model._batch_input_shape is not None:
        clone._batch_input_shape = model._batch_input_shape
    for layer in layers:
        clone.add(layer)
    return clone

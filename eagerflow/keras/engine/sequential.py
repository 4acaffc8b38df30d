"""`tf.keras.Sequential`: a model that is a plain stack of layers."""

from __future__ import annotations

from typing import Any

import eagerflow as tf
from eagerflow.keras import layers as layers_module
from eagerflow.keras.engine.base_layer import Layer
from eagerflow.keras.engine.input_layer import InputLayer
from eagerflow.keras.engine.keras_tensor import KerasTensor
from eagerflow.keras.engine.model import Model


class Sequential(Model):
    """A linear stack of layers; each layer's output is the next one's input.

    Give the first layer `input_shape=` to build at once (then `summary()` works before any
    data is seen), or let the first call build it.

    Example:
        >>> model = tf.keras.Sequential([
        ...     tf.keras.layers.Dense(10, input_shape=(784,)),  # must declare input shape
        ...     tf.keras.layers.Dense(10),
        ... ])
        >>> model(tf.zeros([2, 784])).shape
        TensorShape([2, 10])
    """

    _is_graph_network = True
    _is_sequential = True

    def __init__(self, layers: Any = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self._layers: list = []
        self._input_dtype: Any = None
        self._last_symbol: KerasTensor | None = None
        for layer in layers or ():
            self.add(layer)

    @property
    def layers(self) -> list:
        return list(self._layers)

    def add(self, layer: Any) -> None:
        """Appends `layer` (a Layer, or a `tf.keras.Input` to fix the input shape)."""
        if isinstance(layer, KerasTensor) and isinstance(
            getattr(layer, "_keras_history", (None,))[0], InputLayer
        ):
            layer = layer._keras_history[0]
        if isinstance(layer, InputLayer):
            if self._layers:
                raise ValueError("Sequential: an Input can only be added as the first layer.")
            self._batch_input_shape = layer._batch_input_shape
            self._input_dtype = layer.dtype
            return
        if not isinstance(layer, Layer):
            raise TypeError(
                "The added layer must be an instance of class Layer. "
                f"Received: layer={layer!r} of type {type(layer).__name__}."
            )
        if any(existing.name == layer.name for existing in self._layers):
            raise ValueError(
                f"All layers added to a Sequential model should have unique names. Name "
                f"{layer.name!r} is already the name of a layer in this model."
            )
        self._layers.append(layer)
        if self._batch_input_shape is None and len(self._layers) == 1:
            self._batch_input_shape = layer._batch_input_shape
        if self._last_symbol is not None:
            self._last_symbol = layer(self._last_symbol)
            self._output_shape_seen = self._last_symbol.shape
        elif self._batch_input_shape is not None:
            self.build(self._batch_input_shape)

    def pop(self) -> Layer:
        """Removes and returns the last layer."""
        if not self._layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        if self._layers and self._build_input_shape is not None:
            self._last_symbol = None
            self.build(self._build_input_shape)
        elif not self._layers:
            self._last_symbol = None
            self.built = False
        return layer

    def _maybe_build(self, inputs: Any) -> None:
        first = tf.nest.flatten(inputs)[0]
        if self._input_dtype is None and hasattr(first, "dtype"):
            self._input_dtype = tf.as_dtype(first.dtype).name
        super()._maybe_build(inputs)

    def _skip_build(self) -> bool:
        return False

    def build(self, input_shape: Any = None) -> None:
        """Builds every layer by passing a symbolic input of `input_shape` through the stack."""
        if input_shape is None:
            input_shape = self._batch_input_shape
        if input_shape is None:
            raise ValueError(
                "Sequential.build: you must provide an `input_shape` argument (or give the "
                "first layer `input_shape=`)."
            )
        shape = tf.TensorShape(input_shape)
        if shape.rank:
            shape = tf.TensorShape([None, *shape.as_list()[1:]])
        x = KerasTensor(shape, self._input_dtype or self.dtype)
        self._build_input_shape = shape
        for layer in self._layers:
            x = layer(x)
        self._last_symbol = x
        self._output_shape_seen = x.shape
        self.built = True

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        for layer in self._layers:
            inputs = layer(inputs, training=training)
        return inputs

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "layers": [
                {"class_name": type(layer).__name__, "config": layer.get_config()}
                for layer in self._layers
            ],
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Sequential:
        model = cls(name=config.get("name"))
        for item in config["layers"]:
            layer_cls = (custom_objects or {}).get(item["class_name"]) or getattr(
                layers_module, item["class_name"]
            )
            model.add(layer_cls.from_config(item["config"]))
        return model

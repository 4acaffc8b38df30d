"""Functional models: `tf.keras.Model(inputs, outputs)` over recorded symbolic layer calls."""

from __future__ import annotations

from typing import Any

import eagerflow as tf
from eagerflow.keras import backend
from eagerflow.keras.engine.input_layer import InputLayer
from eagerflow.keras.engine.keras_tensor import KerasTensor
from eagerflow.keras.engine.model import Model


def _check_tensors(tensors: list, what: str) -> None:
    for t in tensors:
        if not isinstance(t, KerasTensor):
            raise TypeError(
                f"Model: all {what} must be symbolic tensors from tf.keras.Input or layer calls "
                f"on them. Received: {t!r} of type {type(t).__name__}."
            )


def _ordered_nodes(inputs: list, outputs: list) -> list:
    """The nodes between `inputs` and `outputs`, each after the nodes it depends on."""
    input_ids = {id(t) for t in inputs}
    visited: set = set()
    order: list = []

    def visit(tensor: KerasTensor) -> None:
        if id(tensor) in input_ids:
            return
        if tensor._keras_history is None:
            raise ValueError(f"Model: {tensor!r} was not produced by a Keras layer.")
        layer, node_index, _ = tensor._keras_history
        if isinstance(layer, InputLayer):
            raise ValueError(
                f"Graph disconnected: cannot obtain value for tensor {tensor!r} at layer "
                f"{layer.name!r}. It is an input that was not passed to Model(inputs=...)."
            )
        node = layer._inbound_nodes[node_index]
        if id(node) in visited:
            return
        visited.add(id(node))
        for source in node.input_tensors:
            visit(source)
        order.append(node)

    for tensor in outputs:
        visit(tensor)
    return order


class Functional(Model):
    """A model defined by symbolic inputs and outputs (returned by `tf.keras.Model(in, out)`).

    Example:
        >>> inputs = tf.keras.Input(shape=(3,))
        >>> hidden = tf.keras.layers.Dense(4, activation="relu")(inputs)
        >>> model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(hidden))
        >>> model(tf.ones([2, 3])).shape
        TensorShape([2, 1])
    """

    _is_graph_network = True

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None, **kwargs: Any):
        trainable = kwargs.pop("trainable", True)
        if name is None:
            name = backend.unique_object_name("Model")
        Model.__init__(self, name=name, trainable=trainable, **kwargs)
        self._nested_inputs = inputs
        self._nested_outputs = outputs
        self.inputs = tf.nest.flatten(inputs)
        self.outputs = tf.nest.flatten(outputs)
        _check_tensors(self.inputs, "inputs")
        _check_tensors(self.outputs, "outputs")
        for t in self.inputs:
            if t._keras_history is None or not isinstance(t._keras_history[0], InputLayer):
                raise ValueError(
                    f"Model: inputs must come from tf.keras.Input; {t!r} was produced by a "
                    "layer call."
                )
        self._nodes_in_order = _ordered_nodes(self.inputs, self.outputs)
        layers = [t._keras_history[0] for t in self.inputs]
        for node in self._nodes_in_order:
            if all(node.layer is not la for la in layers):
                layers.append(node.layer)
        self._layers = layers
        self.built = True
        self._build_input_shape = tf.nest.map_structure(lambda t: t.shape, inputs)
        self._output_shape_seen = tf.nest.map_structure(lambda t: t.shape, outputs)

    @property
    def layers(self) -> list:
        return list(self._layers)

    @property
    def input(self) -> Any:
        return self._nested_inputs

    @property
    def output(self) -> Any:
        return self._nested_outputs

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        flat = tf.nest.flatten(inputs)
        if len(flat) != len(self.inputs):
            raise ValueError(
                f"Model {self.name!r} expects {len(self.inputs)} input(s), but it received "
                f"{len(flat)} input tensors."
            )
        values = {id(t): v for t, v in zip(self.inputs, flat)}

        def lookup(x: Any) -> Any:
            return values[id(x)] if isinstance(x, KerasTensor) else x

        for node in self._nodes_in_order:
            args, kwargs = tf.nest.map_structure(lookup, (node.call_args, node.call_kwargs))
            result = node.layer(*args, **kwargs)
            for symbol, value in zip(node.output_tensors, tf.nest.flatten(result)):
                values[id(symbol)] = value
        return tf.nest.pack_sequence_as(self._nested_outputs, [values[id(t)] for t in self.outputs])

    def get_config(self) -> dict:
        """Layers (with their configs) and the recorded calls that connect them.

        A tensor is referenced as `["__tensor__", layer name, node index, output index]`,
        the node index counting that layer's calls inside this model.
        """
        node_index: dict[int, tuple] = {}
        counts: dict[int, int] = {}
        for t in self.inputs:
            layer = t._keras_history[0]
            node_index[id(layer._inbound_nodes[0])] = (layer.name, 0)
            counts[id(layer)] = 1
        for node in self._nodes_in_order:
            k = counts.get(id(node.layer), 0)
            counts[id(node.layer)] = k + 1
            node_index[id(node)] = (node.layer.name, k)

        def encode(value: Any) -> Any:
            if isinstance(value, KerasTensor):
                layer, index, tensor_index = value._keras_history
                name, k = node_index[id(layer._inbound_nodes[index])]
                return ["__tensor__", name, k, tensor_index]
            if isinstance(value, (list, tuple)):
                return type(value)(encode(v) for v in value)
            if isinstance(value, dict):
                return {key: encode(v) for key, v in value.items()}
            return value

        return {
            "name": self.name,
            "trainable": self.trainable,
            "layers": [
                {"class_name": type(layer).__name__, "config": layer.get_config()}
                for layer in self._layers
            ],
            "nodes": [
                {
                    "layer": node.layer.name,
                    "args": encode(list(node.call_args)),
                    "kwargs": encode(node.call_kwargs),
                }
                for node in self._nodes_in_order
            ],
            "inputs": encode(self._nested_inputs),
            "outputs": encode(self._nested_outputs),
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Functional:
        """Rebuilds the model from `get_config()` with fresh weights."""
        from eagerflow.keras import layers as layers_module  # noqa: PLC0415  (cycle)
        from eagerflow.keras import models as models_module  # noqa: PLC0415
        from eagerflow.keras.layers import core  # noqa: PLC0415

        def layer_class(name: str) -> Any:
            found = (custom_objects or {}).get(name) or getattr(layers_module, name, None)
            found = found or getattr(models_module, name, None) or getattr(core, name, None)
            if found is None:
                raise ValueError(f"Unknown layer: {name!r}. Pass it in `custom_objects`.")
            return found

        layers = {}
        for item in config["layers"]:
            layer = layer_class(item["class_name"]).from_config(item["config"])
            layers[layer.name] = layer
        tensors: dict[tuple, Any] = {}
        counts: dict[str, int] = {}
        for name, layer in layers.items():
            if isinstance(layer, InputLayer):
                tensors[(name, 0, 0)] = layer._inbound_nodes[0].outputs
                counts[name] = 1

        def decode(value: Any) -> Any:
            if isinstance(value, list) and value[:1] == ["__tensor__"]:
                return tensors[tuple(value[1:])]
            if isinstance(value, (list, tuple)):
                return type(value)(decode(v) for v in value)
            if isinstance(value, dict):
                return {key: decode(v) for key, v in value.items()}
            return value

        for node in config["nodes"]:
            name = node["layer"]
            k = counts.get(name, 0)
            counts[name] = k + 1
            outputs = layers[name](*decode(node["args"]), **decode(node["kwargs"]))
            for i, tensor in enumerate(tf.nest.flatten(outputs)):
                tensors[(name, k, i)] = tensor
        return cls(
            decode(config["inputs"]),
            decode(config["outputs"]),
            name=config.get("name"),
            trainable=config.get("trainable", True),
        )

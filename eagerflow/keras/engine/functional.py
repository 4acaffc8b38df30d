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
        return {"name": self.name, "trainable": self.trainable}

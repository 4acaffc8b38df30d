"""`tf.keras.Model`: a layer that holds layers, plus the training loop (`TrainingMixin`).

Three ways to build one: subclassing (layers as attributes, computation in `call`),
`Sequential` (a stack), and the functional API (`Model(inputs, outputs)` over `tf.keras.Input`
placeholders), which `Model.__new__` hands to `Functional`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import eagerflow as tf
from eagerflow.graph.tf1.keras_scope import eager_in_tf1_graph
from eagerflow.keras.engine import summary as summary_lib
from eagerflow.keras.engine.base_layer import Layer
from eagerflow.keras.engine.keras_tensor import KerasTensor, infer_output_spec
from eagerflow.keras.engine.training import TrainingMixin


def _is_functional_call(args: tuple, kwargs: dict) -> bool:
    return ("inputs" in kwargs and "outputs" in kwargs) or (
        len(args) == 2 or (len(args) == 1 and "outputs" in kwargs)
    )


class Model(TrainingMixin, Layer):
    """A container of layers that is itself a layer, with `compile`/`fit`/`evaluate`/`predict`.

    Example:
        >>> class MNISTModel(tf.keras.Model):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.dense1 = tf.keras.layers.Dense(units=10)
        ...         self.dense2 = tf.keras.layers.Dense(units=10)
        ...     def call(self, input):
        ...         return self.dense2(self.dense2(self.dense1(input)))
        >>> MNISTModel()(tf.zeros([1, 784])).shape
        TensorShape([1, 10])
    """

    _is_graph_network = False
    _is_sequential = False

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        if cls is Model and _is_functional_call(args, kwargs):
            from eagerflow.keras.engine.functional import Functional  # noqa: PLC0415  (cycle)

            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or "inputs" in kwargs or "outputs" in kwargs:
            raise TypeError(
                f"{type(self).__name__}: positional `inputs`/`outputs` build a functional model; "
                "call tf.keras.Model(inputs, outputs) directly."
            )
        super().__init__(**kwargs)

    def _skip_build(self) -> bool:
        # Subclassed models build their sub-layers lazily inside call().
        return type(self).build is Model.build

    def build(self, input_shape: Any) -> None:
        """Creates the weights by calling the model once on zero-filled inputs of `input_shape`."""
        if input_shape is None:
            raise ValueError(f"Model {self.name!r}: build() needs an input shape.")
        if isinstance(input_shape, (list, tuple)) and all(
            d is None or isinstance(d, int) for d in input_shape
        ):
            symbols: Any = KerasTensor(input_shape, self.dtype)
        else:
            symbols = tf.nest.map_structure(lambda s: KerasTensor(s, self.dtype), input_shape)
        self.built = True
        self._build_input_shape = input_shape
        infer_output_spec(self, [], (symbols,), {})

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        raise NotImplementedError(
            f"Model {self.name!r}: subclasses of tf.keras.Model must implement call()."
        )

    @property
    def layers(self) -> list:
        """The model's direct sub-layers, in assignment order."""
        return self._direct_children()[1]

    @property
    def weights(self) -> list:
        """All weights layer by layer (each sub-layer's `weights`), then the model's own.

        This is tf.keras 2's `Model.weights` order (Keras 3's too, for models without weights
        of their own): a BatchNormalization's moving statistics follow its gamma and beta, so
        `get_weights` / `set_weights` line up with TensorFlow's. A plain `Layer` lists all its
        trainable weights first, as TensorFlow's `Layer.weights` does.
        """
        own, children = self._direct_children()
        trainable = [v for v in own if self._trainable and v.trainable]
        frozen = [v for v in own if not (self._trainable and v.trainable)]
        seen: set = set()
        out = []
        for v in [w for child in children for w in child.weights] + trainable + frozen:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        return out

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """The sub-layer called `name`, or at position `index` of `layers`."""
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(self.layers)} layers."
                )
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No such layer: {name}. Existing layers are: {[la.name for la in self.layers]}."
        )

    def summary(
        self,
        line_length: int | None = None,
        positions: list | None = None,
        print_fn: Callable[[str], Any] | None = None,
        expand_nested: bool = False,
        show_trainable: bool = False,
    ) -> None:
        """Prints a table of the layers, their output shapes and parameter counts."""
        if not self.built:
            raise ValueError(
                "This model has not yet been built. Build the model first by calling `build()` "
                "or by calling the model on a batch of data."
            )
        summary_lib.print_summary(self, line_length, positions, print_fn)

    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Model:
        """A model from `get_config()`: functional configs rebuild their layer graph."""
        if "nodes" in config and "layers" in config:
            from eagerflow.keras.engine.functional import Functional  # noqa: PLC0415  (cycle)

            return Functional.from_config(config, custom_objects)
        return cls(**config)

    # -- weights files ------------------------------------------------------------------
    @eager_in_tf1_graph  # TF1 graph: initialize, then act at once
    def save_weights(
        self, filepath: str, overwrite: bool = True, save_format: Any = None, options: Any = None
    ) -> None:
        """Saves the weights as an object-based checkpoint `<filepath>.ckpt` (atomic write).

        Keys are paths in the model (`layer_with_weights-0/kernel`); see docs/checkpoints.md.
        """
        from eagerflow.train import keras_weights  # noqa: PLC0415 - train imports keras

        keras_weights.save_weights(self, filepath, overwrite, save_format, options)

    @eager_in_tf1_graph  # TF1 graph: initialize, then act at once
    def load_weights(
        self, filepath: str, by_name: bool = False, skip_mismatch: bool = False, options: Any = None
    ) -> Any:
        """Restores weights written by `save_weights`; returns the checkpoint load status.

        Layers that are not built yet get their weights when they are built (deferred).
        """
        from eagerflow.train import keras_weights  # noqa: PLC0415 - train imports keras

        return keras_weights.load_weights(self, filepath, by_name, skip_mismatch, options)

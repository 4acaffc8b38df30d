"""`tf.keras.Input` and `InputLayer`: the symbolic entry points of functional models."""

from __future__ import annotations

from typing import Any

from eagerflow.keras import backend
from eagerflow.keras.engine.base_layer import Layer
from eagerflow.keras.engine.keras_tensor import KerasTensor, Node


class InputLayer(Layer):
    """The layer behind `tf.keras.Input`: it holds a placeholder and computes nothing."""

    def __init__(
        self,
        input_shape: Any = None,
        batch_size: int | None = None,
        dtype: Any = None,
        name: str | None = None,
        batch_input_shape: Any = None,
        input_tensor: Any = None,
        sparse: bool = False,
        ragged: bool = False,
        **kwargs: Any,
    ) -> None:
        if sparse or ragged:
            raise ValueError("InputLayer: sparse and ragged inputs are not supported.")
        if batch_input_shape is None:
            if input_shape is None:
                raise ValueError("InputLayer: pass `input_shape` or `batch_input_shape`.")
            batch_input_shape = (batch_size, *tuple(input_shape))
        super().__init__(
            name=name or backend.unique_object_name("input", zero_based=False),
            dtype=dtype or backend.floatx(),
            **kwargs,
        )
        self._batch_input_shape = tuple(batch_input_shape)
        self.built = True
        tensor = KerasTensor(self._batch_input_shape, self.dtype, name=self.name,
                             history=(self, 0, 0))  # fmt: skip
        self._inbound_nodes.append(Node(self, (), {}, tensor))
        self._output_shape_seen = tensor.shape

    def get_config(self) -> dict:
        return {
            "batch_input_shape": self._batch_input_shape,
            "dtype": self.dtype,
            "name": self.name,
        }


def Input(  # noqa: N802  (Keras's name)
    shape: Any = None,
    batch_size: int | None = None,
    name: str | None = None,
    dtype: Any = None,
    sparse: bool = False,
    tensor: Any = None,
    ragged: bool = False,
    batch_shape: Any = None,
    **kwargs: Any,
) -> KerasTensor:
    """A symbolic input of a functional model: a `KerasTensor` of shape `(batch_size, *shape)`.

    Example:
        >>> inputs = tf.keras.Input(shape=(784,))
        >>> outputs = tf.keras.layers.Dense(10)(inputs)
        >>> model = tf.keras.Model(inputs, outputs)
    """
    if batch_shape is None and shape is None:
        raise ValueError("Input: please provide `shape` (or `batch_shape`).")
    if shape is not None and not isinstance(shape, (list, tuple)):
        shape = (shape,)
    layer = InputLayer(
        input_shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        name=name,
        batch_input_shape=batch_shape,
        sparse=sparse,
        ragged=ragged,
        **kwargs,
    )
    return layer._inbound_nodes[0].outputs

"""Merge layers: combine a list of tensors (Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate), with functional shortcuts (`add`, `concatenate`, ...)."""

from __future__ import annotations

from typing import Any

import eagerflow as tf
from eagerflow.keras.engine.base_layer import Layer


class _Merge(Layer):
    _min_inputs = 2

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < self._min_inputs:
            raise ValueError(
                f"A `{type(self).__name__}` layer should be called on a list of at least "
                f"{self._min_inputs} inputs. Received: input_shape={input_shape}"
            )
        self.built = True

    def call(self, inputs: Any) -> Any:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"A merge layer should be called on a list of inputs. Received: {inputs!r}"
            )
        return self._merge(list(inputs))

    def _merge(self, inputs: list) -> Any:
        raise NotImplementedError


class Add(_Merge):
    """Element-wise sum of the inputs.

    Example:
        >>> tf.keras.layers.Add()([tf.ones([2]), tf.ones([2])]).numpy()
        array([2., 2.], dtype=float32)
    """

    def _merge(self, inputs: list) -> Any:
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out


class Subtract(_Merge):
    """`inputs[0] - inputs[1]` (exactly two inputs)."""

    def _merge(self, inputs: list) -> Any:
        if len(inputs) != 2:
            raise ValueError(
                f"A `Subtract` layer should be called on exactly 2 inputs. Received: "
                f"{len(inputs)} inputs."
            )
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """Element-wise product of the inputs."""

    def _merge(self, inputs: list) -> Any:
        out = inputs[0]
        for x in inputs[1:]:
            out = out * x
        return out


class Average(_Merge):
    """Element-wise mean of the inputs."""

    def _merge(self, inputs: list) -> Any:
        return tf.add_n(inputs) / float(len(inputs))


class Maximum(_Merge):
    """Element-wise maximum of the inputs."""

    def _merge(self, inputs: list) -> Any:
        out = inputs[0]
        for x in inputs[1:]:
            out = tf.maximum(out, x)
        return out


class Minimum(_Merge):
    """Element-wise minimum of the inputs."""

    def _merge(self, inputs: list) -> Any:
        out = inputs[0]
        for x in inputs[1:]:
            out = tf.minimum(out, x)
        return out


class Concatenate(_Merge):
    """Concatenates the inputs along `axis` (the last by default).

    Example:
        >>> tf.keras.layers.Concatenate()([tf.ones([2, 3]), tf.ones([2, 4])]).shape
        TensorShape([2, 7])
    """

    _min_inputs = 1

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape: Any) -> None:
        super().build(input_shape)
        shapes = [tf.TensorShape(s) for s in input_shape]
        ranks = {s.rank for s in shapes}
        if len(ranks) != 1:
            raise ValueError(
                "A `Concatenate` layer requires inputs with matching shapes except for the "
                f"concatenation axis. Received: input_shape={[str(s) for s in shapes]}"
            )
        rank = ranks.pop()
        axis = self.axis % rank
        for dim in range(rank):
            if dim == axis:
                continue
            known = {s[dim] for s in shapes if s[dim] is not None}
            if len(known) > 1:
                raise ValueError(
                    "A `Concatenate` layer requires inputs with matching shapes except for the "
                    f"concatenation axis. Received: input_shape={[str(s) for s in shapes]}"
                )

    def _merge(self, inputs: list) -> Any:
        return tf.concat(inputs, axis=self.axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


def add(inputs: list, **kwargs: Any) -> Any:
    """Functional form of `Add`."""
    return Add(**kwargs)(inputs)


def subtract(inputs: list, **kwargs: Any) -> Any:
    """Functional form of `Subtract`."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs: list, **kwargs: Any) -> Any:
    """Functional form of `Multiply`."""
    return Multiply(**kwargs)(inputs)


def average(inputs: list, **kwargs: Any) -> Any:
    """Functional form of `Average`."""
    return Average(**kwargs)(inputs)


def maximum(inputs: list, **kwargs: Any) -> Any:
    """Functional form of `Maximum`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: list, **kwargs: Any) -> Any:
    """Functional form of `Minimum`."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: list, axis: int = -1, **kwargs: Any) -> Any:
    """Functional form of `Concatenate`."""
    return Concatenate(axis=axis, **kwargs)(inputs)

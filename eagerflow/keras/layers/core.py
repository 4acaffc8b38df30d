"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, Lambda."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import eagerflow as tf
from eagerflow.keras import activations
from eagerflow.keras.engine.base_layer import Layer
from eagerflow.keras.engine.input_spec import InputSpec
from eagerflow.keras.layers._config import (
    activation_config,
    add_configured_weight,
    weight_args,
    weight_config,
)


class Dense(Layer):
    """Densely connected layer: `activation(inputs @ kernel + bias)`.

    Inputs of rank > 2 are multiplied along their last axis.

    Example:
        >>> layer = tf.keras.layers.Dense(10, activation="relu")
        >>> layer(tf.ones([2, 784])).shape
        TensorShape([2, 10])
        >>> [w.name for w in layer.weights]
        ['dense/kernel:0', 'dense/bias:0']
    """

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        units = int(units) if not isinstance(units, int) else units
        if units <= 0:
            raise ValueError(
                f"Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units}"
            )
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        weight_args(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        weight_args(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        last = tf.TensorShape(input_shape)[-1]
        if last is None:
            raise ValueError(
                "The last dimension of the inputs to a Dense layer should be defined. "
                f"Found None. Full input shape received: {input_shape}"
            )
        self.kernel = add_configured_weight(self, "kernel", [last, self.units])
        self.bias = add_configured_weight(self, "bias", [self.units]) if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last})
        self.built = True

    def call(self, inputs: Any) -> Any:
        if inputs.ndim == 2:
            outputs = tf.matmul(inputs, self.kernel)
        else:
            shape = inputs.shape.as_list()
            flat = tf.reshape(inputs, [-1, shape[-1]])
            outputs = tf.reshape(tf.matmul(flat, self.kernel), shape[:-1] + [self.units])
        if self.use_bias:
            outputs = tf.nn.bias_add(outputs, self.bias)
        if self.activation is not activations.linear:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> tf.TensorShape:
        return tf.TensorShape(input_shape)[:-1].concatenate([self.units])

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activation_config(self),
            "use_bias": self.use_bias,
            **weight_config(self, "kernel", "bias"),
            "activity_regularizer": self.activity_regularizer,
        }


class Activation(Layer):
    """Applies an activation function.

    Example:
        >>> tf.keras.layers.Activation("relu")(tf.constant([-1.0, 2.0])).numpy()
        array([0., 2.], dtype=float32)
    """

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs: Any) -> Any:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: Any) -> tf.TensorShape:
        return tf.TensorShape(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activation_config(self)}


class Dropout(Layer):
    """Sets a fraction `rate` of inputs to 0 during training, scaling the rest by 1/(1-rate).

    Only active when called with `training=True` (directly or through a model call).

    Example:
        >>> layer = tf.keras.layers.Dropout(0.5, seed=1)
        >>> layer(tf.ones([4]), training=False).numpy()
        array([1., 1., 1., 1.], dtype=float32)
    """

    def __init__(
        self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(
                f"Invalid value received for argument `rate`. Expected a float value between "
                f"0 and 1. Received: rate={rate}"
            )
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs: Any, training: Any = None) -> Any:
        if not training or self.rate == 0:
            return inputs
        noise_shape = None
        if self.noise_shape is not None:
            noise_shape = [
                inputs.shape[i] if d is None else d for i, d in enumerate(self.noise_shape)
            ]
        return tf.nn.dropout(inputs, rate=self.rate, noise_shape=noise_shape, seed=self.seed)

    def compute_output_shape(self, input_shape: Any) -> tf.TensorShape:
        return tf.TensorShape(input_shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "rate": self.rate,
            "noise_shape": self.noise_shape,
            "seed": self.seed,
        }


class Flatten(Layer):
    """Flattens every axis but the batch axis: `(batch, d1, d2, ...) -> (batch, d1*d2*...)`.

    Example:
        >>> tf.keras.layers.Flatten()(tf.ones([2, 28, 28, 1])).shape
        TensorShape([2, 784])
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs: Any) -> Any:
        if self.data_format == "channels_first" and inputs.ndim > 2:
            perm = [0, *range(2, inputs.ndim), 1]
            inputs = tf.transpose(inputs, perm=perm)
        if inputs.ndim == 1:
            return tf.reshape(inputs, [-1, 1])
        return tf.reshape(inputs, [inputs.shape[0], -1])

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshapes inputs to `(batch, *target_shape)`; one entry of `target_shape` may be -1.

    Example:
        >>> tf.keras.layers.Reshape((28, 28, 1))(tf.ones([2, 784])).shape
        TensorShape([2, 28, 28, 1])
    """

    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)
        if sum(d == -1 for d in self.target_shape) > 1:
            raise ValueError(
                f"Reshape: there can be at most one -1 in `target_shape`. Received: "
                f"{self.target_shape}"
            )

    def call(self, inputs: Any) -> Any:
        batch = inputs.shape[0]
        return tf.reshape(inputs, [batch if batch is not None else -1, *self.target_shape])

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permutes the non-batch axes; `dims` is 1-indexed, e.g. `(2, 1)` swaps two axes."""

    def __init__(self, dims: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )

    def call(self, inputs: Any) -> Any:
        return tf.transpose(inputs, perm=(0, *self.dims))

    def get_config(self) -> dict:
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """Repeats a `(batch, features)` input `n` times: `(batch, n, features)`."""

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs: Any) -> Any:
        return tf.stack([inputs] * self.n, axis=1)

    def get_config(self) -> dict:
        return {**super().get_config(), "n": self.n}


def _accepts(fn: Callable, name: str) -> bool:
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


class Lambda(Layer):
    """Wraps a function of tensors as a layer (with no weights of its own).

    Example:
        >>> tf.keras.layers.Lambda(lambda x: x * 2)(tf.constant([1.0])).numpy()
        array([2.], dtype=float32)
    """

    def __init__(
        self,
        function: Callable,
        output_shape: Any = None,
        mask: Any = None,
        arguments: dict | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: `function` must be callable, got {function!r}.")
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = output_shape
        self._mask = mask

    def call(self, inputs: Any, mask: Any = None, training: Any = None) -> Any:
        kwargs = dict(self.arguments)
        if mask is not None and _accepts(self.function, "mask"):
            kwargs["mask"] = mask
        if training is not None and _accepts(self.function, "training"):
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "function": self.function,
            "output_shape": self._output_shape,
            "arguments": self.arguments,
        }


class TFOpLambda(Lambda):
    """A Lambda made by an operator on symbolic tensors (`x + y` in a functional model)."""

    def __init__(self, function: Callable, **kwargs: Any) -> None:
        super().__init__(function, name=kwargs.pop("name", None), **kwargs)

    def call(self, inputs: Any, mask: Any = None, training: Any = None) -> Any:
        return self.function(list(inputs))

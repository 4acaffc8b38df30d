"""Normalization layers: BatchNormalization (with moving statistics) and LayerNormalization."""

from __future__ import annotations

from typing import Any

import eagerflow as tf
from eagerflow.keras import initializers
from eagerflow.keras.engine.base_layer import Layer
from eagerflow.keras.engine.input_spec import InputSpec
from eagerflow.keras.layers._config import add_configured_weight, weight_args, weight_config


def _axes(axis: Any, rank: int, who: str) -> list:
    axes = [axis] if isinstance(axis, int) else list(axis)
    out = []
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"{who}: invalid axis {a} for inputs of rank {rank}.")
        out.append(a % rank)
    return sorted(out)


class _Normalization(Layer):
    """What both layers share: `gamma` and `beta` over `axis`, broadcast back to the inputs.

    `build` sets `_param_axes` (the normalized input axes, sorted, non-negative) and calls
    `_add_gamma_and_beta`.
    """

    def _add_gamma_and_beta(self, shape: tf.TensorShape) -> list:
        """Creates `gamma` / `beta` (None where `scale` / `center` is off); their shape."""
        param_shape = [shape[a] for a in self._param_axes]
        self._broadcast_shape = [
            shape[a] if a in self._param_axes else 1 for a in range(shape.rank)
        ]
        self.gamma = add_configured_weight(self, "gamma", param_shape) if self.scale else None
        self.beta = add_configured_weight(self, "beta", param_shape) if self.center else None
        return param_shape

    def _broadcast(self, t: Any) -> Any:
        # Parameters over the last axis alone already broadcast against the inputs.
        if t is None or self._param_axes == [len(self._broadcast_shape) - 1]:
            return t
        return tf.reshape(t, self._broadcast_shape)


class BatchNormalization(_Normalization):
    """Normalizes each feature with batch statistics in training, moving averages otherwise.

    In training (`training=True`) it uses the batch's mean and variance and updates
    `moving_mean` / `moving_variance` by `moving = moving * momentum + batch * (1 - momentum)`.
    At inference it uses the moving statistics.

    Example:
        >>> bn = tf.keras.layers.BatchNormalization()
        >>> bn(tf.ones([4, 3]), training=True).shape
        TensorShape([4, 3])
        >>> [w.name for w in bn.non_trainable_weights]
        ['batch_normalization/moving_mean:0', 'batch_normalization/moving_variance:0']
    """

    def __init__(
        self,
        axis: Any = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        weight_args(self, "beta", beta_initializer, beta_regularizer, beta_constraint)
        weight_args(self, "gamma", gamma_initializer, gamma_regularizer, gamma_constraint)
        weight_args(self, "moving_mean", moving_mean_initializer, None, None)
        weight_args(self, "moving_variance", moving_variance_initializer, None, None)

    def build(self, input_shape: Any) -> None:
        shape = tf.TensorShape(input_shape)
        rank = shape.rank
        self._param_axes = _axes(self.axis, rank, "BatchNormalization")
        for a in self._param_axes:
            if shape[a] is None:
                raise ValueError(
                    f"BatchNormalization: axis {a} of input shape {shape} must be defined."
                )
        # Statistics are reduced over every other axis; parameters broadcast back.
        self._reduction_axes = [a for a in range(rank) if a not in self._param_axes]
        param_shape = self._add_gamma_and_beta(shape)
        self.moving_mean = self.add_weight(
            "moving_mean", param_shape, initializer=self.moving_mean_initializer, trainable=False
        )
        self.moving_variance = self.add_weight(
            "moving_variance",
            param_shape,
            initializer=self.moving_variance_initializer,
            trainable=False,
        )
        self.input_spec = InputSpec(ndim=rank, axes={a: shape[a] for a in self._param_axes})
        self.built = True

    def call(self, inputs: Any, training: Any = None) -> Any:
        gamma, beta = self._broadcast(self.gamma), self._broadcast(self.beta)
        if training is not None and bool(training) and self.trainable:
            mean, variance = tf.nn.moments(inputs, axes=self._reduction_axes, keepdims=False)
            decay = 1.0 - self.momentum
            self.moving_mean.assign_sub((self.moving_mean - tf.stop_gradient(mean)) * decay)
            self.moving_variance.assign_sub(
                (self.moving_variance - tf.stop_gradient(variance)) * decay
            )
        else:
            mean, variance = self.moving_mean, self.moving_variance
        return tf.nn.batch_normalization(
            inputs,
            self._broadcast(mean),
            self._broadcast(variance),
            beta,
            gamma,
            self.epsilon,
        )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **weight_config(self, "beta", "gamma"),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
        }


class LayerNormalization(_Normalization):
    """Normalizes each example over `axis` (the last by default), then scales and shifts.

    Example:
        >>> ln = tf.keras.layers.LayerNormalization()
        >>> out = ln(tf.constant([[1.0, 2.0, 3.0]]))
        >>> round(float(tf.reduce_mean(out)), 5)
        0.0
    """

    def __init__(
        self,
        axis: Any = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        weight_args(self, "beta", beta_initializer, beta_regularizer, beta_constraint)
        weight_args(self, "gamma", gamma_initializer, gamma_regularizer, gamma_constraint)

    def build(self, input_shape: Any) -> None:
        shape = tf.TensorShape(input_shape)
        self._param_axes = _axes(self.axis, shape.rank, "LayerNormalization")
        self._add_gamma_and_beta(shape)
        self.built = True

    def call(self, inputs: Any) -> Any:
        mean, variance = tf.nn.moments(inputs, axes=self._param_axes, keepdims=True)
        return tf.nn.batch_normalization(
            inputs,
            mean,
            variance,
            self._broadcast(self.beta),
            self._broadcast(self.gamma),
            self.epsilon,
        )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **weight_config(self, "beta", "gamma"),
        }

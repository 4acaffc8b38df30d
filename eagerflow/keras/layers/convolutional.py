"""Convolution layers: Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D."""

from __future__ import annotations

from typing import Any

import eagerflow as tf
from eagerflow.keras import activations
from eagerflow.keras.engine.base_layer import Layer
from eagerflow.keras.engine.input_spec import InputSpec
from eagerflow.keras.layers._config import (
    activation_config,
    add_configured_weight,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
    weight_args,
    weight_config,
)


def conv_output_length(length: int | None, size: int, padding: str, stride: int, dilation: int):
    """Output length of a convolution window sweep (None stays None)."""
    if length is None:
        return None
    dilated = (size - 1) * dilation + 1
    if padding in ("same", "causal"):
        out = length
    else:
        out = length - dilated + 1
    return (out + stride - 1) // stride


def deconv_output_length(length: int | None, size: int, padding: str, stride: int, dilation: int):
    """Output length of a transposed convolution (Keras's rule without output_padding)."""
    if length is None:
        return None
    dilated = (size - 1) * dilation + 1
    if padding == "valid":
        return length * stride + max(dilated - stride, 0)
    return length * stride


class Conv(Layer):
    """Shared base of N-D convolutions: argument checks, weights and config."""

    rank = 2
    _kernel_prefix = "kernel"
    _output_length = staticmethod(conv_output_length)  # of each spatial axis

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
        groups: int = 1,
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
        if filters is not None and (not isinstance(filters, int) or filters <= 0):
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly positive value. "
                f"Received filters={filters}."
            )
        if groups != 1:
            raise ValueError(f"{type(self).__name__}: only groups=1 is supported, got {groups}.")
        self.filters = filters
        self.groups = groups
        self.kernel_size = normalize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = normalize_tuple(strides, self.rank, "strides")
        self.padding = normalize_padding(padding, allow_causal=self.rank == 1)
        self.data_format = normalize_data_format(data_format)
        self.dilation_rate = normalize_tuple(dilation_rate, self.rank, "dilation_rate")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        weight_args(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        weight_args(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.input_spec = InputSpec(min_ndim=self.rank + 2)

    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def _build_kernel(self, channels: int) -> None:
        """Creates the kernel; `build` then sizes the bias by `filters`, which may be set here."""
        self.kernel = add_configured_weight(
            self, "kernel", (*self.kernel_size, channels, self.filters)
        )

    def build(self, input_shape: Any) -> None:
        input_shape = tf.TensorShape(input_shape)
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(
                f"{type(self).__name__}: the channel dimension of the inputs should be defined. "
                f"Found None. Full input shape received: {input_shape}"
            )
        self._build_kernel(channels)
        self.bias = add_configured_weight(self, "bias", [self.filters]) if self.use_bias else None
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def _finish(self, outputs: Any) -> Any:
        if self.use_bias:
            fmt = "NHWC" if self.data_format == "channels_last" else "NCHW"
            outputs = tf.nn.bias_add(outputs, self.bias, data_format=fmt)
        if self.activation is not activations.linear:
            outputs = self.activation(outputs)
        return outputs

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            "activation": activation_config(self),
            "use_bias": self.use_bias,
            **weight_config(self, self._kernel_prefix, "bias"),
            "activity_regularizer": self.activity_regularizer,
        }


class Conv1D(Conv):
    """1-D convolution over `(batch, steps, channels)` (padding may also be "causal").

    Example:
        >>> tf.keras.layers.Conv1D(4, 3)(tf.ones([2, 10, 3])).shape
        TensorShape([2, 8, 4])
    """

    rank = 1

    def call(self, inputs: Any) -> Any:
        padding = self.padding
        if padding == "causal":
            left = (self.kernel_size[0] - 1) * self.dilation_rate[0]
            axis_pad = [[0, 0], [left, 0], [0, 0]]
            if self.data_format == "channels_first":
                axis_pad = [[0, 0], [0, 0], [left, 0]]
            inputs = tf.pad(inputs, axis_pad)
            padding = "valid"
        outputs = tf.nn.conv1d(
            inputs,
            self.kernel,
            stride=self.strides[0],
            padding=padding.upper(),
            data_format="NWC" if self.data_format == "channels_last" else "NCW",
            dilations=self.dilation_rate[0],
        )
        return self._finish(outputs)


class Conv2D(Conv):
    """2-D convolution over images `(batch, rows, cols, channels)`.

    Example:
        >>> layer = tf.keras.layers.Conv2D(16, [3, 3], activation="relu")
        >>> layer(tf.ones([1, 28, 28, 1])).shape
        TensorShape([1, 26, 26, 16])
    """

    rank = 2

    def call(self, inputs: Any) -> Any:
        outputs = tf.nn.conv2d(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding.upper(),
            data_format="NHWC" if self.data_format == "channels_last" else "NCHW",
            dilations=self.dilation_rate,
        )
        return self._finish(outputs)

    def compute_output_shape(self, input_shape: Any) -> tf.TensorShape:
        dims = tf.TensorShape(input_shape).as_list()
        spatial = dims[1:3] if self.data_format == "channels_last" else dims[2:4]
        out = [
            self._output_length(n, k, self.padding, s, d)
            for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        ]
        if self.data_format == "channels_last":
            return tf.TensorShape([dims[0], *out, self.filters])
        return tf.TensorShape([dims[0], self.filters, *out])


class Conv2DTranspose(Conv2D):
    """Transposed 2-D convolution ("deconvolution"), e.g. for upsampling.

    Example:
        >>> layer = tf.keras.layers.Conv2DTranspose(8, 3, strides=2, padding="same")
        >>> layer(tf.ones([1, 4, 4, 3])).shape
        TensorShape([1, 8, 8, 8])
    """

    _output_length = staticmethod(deconv_output_length)

    def __init__(self, filters: int, kernel_size: Any, *args: Any, **kwargs: Any) -> None:
        self.output_padding = kwargs.pop("output_padding", None)
        super().__init__(filters, kernel_size, *args, **kwargs)
        if self.output_padding is not None:
            raise ValueError("Conv2DTranspose: `output_padding` is not supported.")

    def _build_kernel(self, channels: int) -> None:
        self.kernel = add_configured_weight(
            self, "kernel", (*self.kernel_size, self.filters, channels)
        )

    def call(self, inputs: Any) -> Any:
        shape = self.compute_output_shape(inputs.shape).as_list()
        outputs = tf.nn.conv2d_transpose(
            inputs,
            self.kernel,
            output_shape=shape,
            strides=self.strides,
            padding=self.padding.upper(),
            data_format="NHWC" if self.data_format == "channels_last" else "NCHW",
            dilations=self.dilation_rate,
        )
        return self._finish(outputs)

    def get_config(self) -> dict:
        return {**super().get_config(), "output_padding": self.output_padding}


class DepthwiseConv2D(Conv2D):
    """Depthwise 2-D convolution: each input channel convolved with its own filters.

    Example:
        >>> layer = tf.keras.layers.DepthwiseConv2D(3, depth_multiplier=2)
        >>> layer(tf.ones([1, 8, 8, 3])).shape
        TensorShape([1, 6, 6, 6])
    """

    _kernel_prefix = "depthwise"

    def __init__(
        self,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: str = "valid",
        depth_multiplier: int = 1,
        data_format: str | None = None,
        dilation_rate: Any = (1, 1),
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            None,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            bias_initializer=bias_initializer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            bias_constraint=bias_constraint,
            **kwargs,
        )
        self.depth_multiplier = int(depth_multiplier)
        weight_args(
            self, "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint
        )

    def _build_kernel(self, channels: int) -> None:
        self.depthwise_kernel = add_configured_weight(
            self,
            "depthwise_kernel",
            (*self.kernel_size, channels, self.depth_multiplier),
            prefix="depthwise",
        )
        self.filters = channels * self.depth_multiplier

    def call(self, inputs: Any) -> Any:
        channels_last = self.data_format == "channels_last"
        strides = (1, *self.strides, 1) if channels_last else (1, 1, *self.strides)
        outputs = tf.nn.depthwise_conv2d(
            inputs,
            self.depthwise_kernel,
            strides=strides,
            padding=self.padding.upper(),
            data_format="NHWC" if channels_last else "NCHW",
            dilations=self.dilation_rate,
        )
        return self._finish(outputs)

    def compute_output_shape(self, input_shape: Any) -> tf.TensorShape:
        channels = tf.TensorShape(input_shape)[self._channel_axis]
        self.filters = None if channels is None else channels * self.depth_multiplier
        return super().compute_output_shape(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("filters")
        config.pop("groups")
        config["depth_multiplier"] = self.depth_multiplier
        return config

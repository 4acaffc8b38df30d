"""Pooling layers: max/average over windows, and global max/average over all positions."""

from __future__ import annotations

from typing import Any

import eagerflow as tf
from eagerflow.keras.engine.base_layer import Layer
from eagerflow.keras.engine.input_spec import InputSpec
from eagerflow.keras.layers._config import (
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
)


class _Pooling(Layer):
    rank = 2
    _pool_fn_name = "max_pool2d"

    def __init__(
        self,
        pool_size: Any = 2,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pool_size = normalize_tuple(pool_size, self.rank, "pool_size")
        self.strides = normalize_tuple(
            self.pool_size if strides is None else strides, self.rank, "strides"
        )
        self.padding = normalize_padding(padding)
        self.data_format = normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs: Any) -> Any:
        pool = getattr(tf.nn, self._pool_fn_name)
        if self.rank == 1:
            fmt = "NWC" if self.data_format == "channels_last" else "NCW"
            return pool(inputs, self.pool_size[0], self.strides[0], self.padding.upper(), fmt)
        fmt = "NHWC" if self.data_format == "channels_last" else "NCHW"
        return pool(inputs, self.pool_size, self.strides, self.padding.upper(), fmt)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
        }


class MaxPooling2D(_Pooling):
    """Max over `pool_size` windows of images.

    Example:
        >>> tf.keras.layers.MaxPooling2D()(tf.ones([1, 28, 28, 16])).shape
        TensorShape([1, 14, 14, 16])
    """

    _pool_fn_name = "max_pool2d"


class AveragePooling2D(_Pooling):
    """Average over `pool_size` windows of images.

    Example:
        >>> tf.keras.layers.AveragePooling2D(pool_size=4)(tf.ones([1, 8, 8, 2])).shape
        TensorShape([1, 2, 2, 2])
    """

    _pool_fn_name = "avg_pool2d"


class MaxPooling1D(_Pooling):
    """Max over `pool_size` windows of sequences `(batch, steps, features)`."""

    rank = 1
    _pool_fn_name = "max_pool1d"


class AveragePooling1D(_Pooling):
    """Average over `pool_size` windows of sequences `(batch, steps, features)`."""

    rank = 1
    _pool_fn_name = "avg_pool1d"


class _GlobalPooling(Layer):
    rank = 2
    _reduce_name = "reduce_mean"

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs: Any) -> Any:
        if self.data_format == "channels_last":
            axes = list(range(1, self.rank + 1))
        else:
            axes = list(range(2, self.rank + 2))
        return getattr(tf, self._reduce_name)(inputs, axis=axes, keepdims=self.keepdims)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling2D(_GlobalPooling):
    """Average over all spatial positions: `(batch, rows, cols, channels) -> (batch, channels)`.

    Example:
        >>> tf.keras.layers.GlobalAveragePooling2D()(tf.ones([2, 24, 24, 16])).shape
        TensorShape([2, 16])
    """

    _reduce_name = "reduce_mean"


class GlobalMaxPooling2D(_GlobalPooling):
    """Max over all spatial positions: `(batch, rows, cols, channels) -> (batch, channels)`."""

    _reduce_name = "reduce_max"


class GlobalAveragePooling1D(_GlobalPooling):
    """Average over all steps: `(batch, steps, features) -> (batch, features)`.

    With a mask (from `Embedding(mask_zero=True)`), only unmasked steps are averaged.
    """

    rank = 1
    _reduce_name = "reduce_mean"

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return super().call(inputs)
        steps = 1 if self.data_format == "channels_last" else 2
        weights = tf.cast(mask, inputs.dtype)
        weights = tf.expand_dims(weights, -1 if steps == 1 else 1)
        total = tf.reduce_sum(inputs * weights, axis=steps, keepdims=self.keepdims)
        count = tf.reduce_sum(weights, axis=steps, keepdims=self.keepdims)
        return total / tf.maximum(count, 1.0)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None


class GlobalMaxPooling1D(_GlobalPooling):
    """Max over all steps: `(batch, steps, features) -> (batch, features)`."""

    rank = 1
    _reduce_name = "reduce_max"


MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
MaxPool1D = MaxPooling1D
AvgPool1D = AveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalMaxPool1D = GlobalMaxPooling1D

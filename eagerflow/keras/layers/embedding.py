"""`Embedding`: maps integer ids to dense vectors (a trainable lookup table)."""

from __future__ import annotations

from typing import Any

import eagerflow as tf
from eagerflow.keras.engine.base_layer import Layer
from eagerflow.keras.layers._config import weight_args, weight_config


class Embedding(Layer):
    """Turns ids `(batch, ...)` in `[0, input_dim)` into vectors `(batch, ..., output_dim)`.

    Example:
        >>> layer = tf.keras.layers.Embedding(1000, 64)
        >>> layer(tf.constant([[1, 2, 3]])).shape
        TensorShape([1, 3, 64])
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        activity_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        input_length: int | None = None,
        **kwargs: Any,
    ) -> None:
        if input_length is not None and "input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,)
        kwargs.setdefault("autocast", False)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if input_dim <= 0 or output_dim <= 0:
            raise ValueError(
                "Both `input_dim` and `output_dim` should be positive, Received "
                f"input_dim = {input_dim} and output_dim = {output_dim}"
            )
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.input_length = input_length
        weight_args(
            self,
            "embeddings",
            embeddings_initializer,
            embeddings_regularizer,
            embeddings_constraint,
        )

    def build(self, input_shape: Any) -> None:
        self.embeddings = self.add_weight(
            "embeddings",
            [self.input_dim, self.output_dim],
            dtype=self._dtype_obj
            if self._dtype_obj is not None and self._dtype_obj.is_floating
            else None,  # fmt: skip
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )
        self.built = True

    def call(self, inputs: Any) -> Any:
        if inputs.dtype not in (tf.int32, tf.int64):
            inputs = tf.cast(inputs, tf.int32)
        return tf.gather(self.embeddings, inputs)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if not self.mask_zero:
            return None
        return tf.not_equal(inputs, 0)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            **weight_config(self, "embeddings"),
            "activity_regularizer": self.activity_regularizer,
            "mask_zero": self.mask_zero,
            "input_length": self.input_length,
        }

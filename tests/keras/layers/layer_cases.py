"""One table of layer cases, driven through the contract harness in test_layer_contract.py.

Each case names a layer factory, the input(s) it is called on, the output shape it must give,
and the names of the weights it must create (after `clear_session()`, so names are stable).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import eagerflow as tf

L = tf.keras.layers
GLOROT_RNN = {"recurrent_initializer": "glorot_uniform"}


@dataclasses.dataclass
class LayerCase:
    id: str
    make: Callable[[], Any]
    inputs: Any  # one shape (tuple) or a list of shapes; ints mean integer inputs
    output_shape: Any  # a shape, or a list of shapes for several outputs
    weights: tuple = ()  # expected weight names, in `layer.weights` order
    trainable: int | None = None  # number of trainable weights (default: all)
    call_kwargs: dict = dataclasses.field(default_factory=dict)
    int_inputs: int = 0  # > 0: integer inputs in [0, int_inputs)
    dtype: str = "float32"


def _w(layer: str, *names: str) -> tuple:
    return tuple(f"{layer}/{n}:0" for n in names)


CASES = [
    LayerCase("dense", lambda: L.Dense(3, activation="relu"), (2, 4), (2, 3),
              _w("dense", "kernel", "bias")),
    LayerCase("dense_rank3_no_bias", lambda: L.Dense(3, use_bias=False), (2, 5, 4), (2, 5, 3),
              _w("dense", "kernel")),
    LayerCase("dense_float64", lambda: L.Dense(2, dtype="float64"), (2, 3), (2, 2),
              _w("dense", "kernel", "bias"), dtype="float64"),
    LayerCase("conv1d", lambda: L.Conv1D(4, 3), (2, 7, 3), (2, 5, 4),
              _w("conv1d", "kernel", "bias")),
    LayerCase("conv1d_causal", lambda: L.Conv1D(2, 3, padding="causal", dilation_rate=2),
              (2, 7, 3), (2, 7, 2), _w("conv1d", "kernel", "bias")),
    LayerCase("conv2d", lambda: L.Conv2D(4, [3, 3], activation="relu"), (2, 6, 6, 2),
              (2, 4, 4, 4), _w("conv2d", "kernel", "bias")),
    LayerCase("conv2d_same_strided", lambda: L.Conv2D(3, 3, strides=2, padding="same"),
              (2, 7, 7, 2), (2, 4, 4, 3), _w("conv2d", "kernel", "bias")),
    LayerCase("conv2d_transpose", lambda: L.Conv2DTranspose(3, 3, strides=2, padding="same"),
              (2, 3, 3, 2), (2, 6, 6, 3), _w("conv2d_transpose", "kernel", "bias")),
    LayerCase("conv2d_transpose_valid", lambda: L.Conv2DTranspose(2, 3), (1, 4, 4, 2),
              (1, 6, 6, 2), _w("conv2d_transpose", "kernel", "bias")),
    LayerCase("depthwise_conv2d", lambda: L.DepthwiseConv2D(3, depth_multiplier=2),
              (2, 5, 5, 3), (2, 3, 3, 6), _w("depthwise_conv2d", "depthwise_kernel", "bias")),
    LayerCase("max_pooling2d", lambda: L.MaxPooling2D(), (2, 6, 6, 3), (2, 3, 3, 3)),
    LayerCase("average_pooling2d_same", lambda: L.AveragePooling2D(3, 2, padding="same"),
              (2, 5, 5, 3), (2, 3, 3, 3)),
    LayerCase("max_pooling1d", lambda: L.MaxPooling1D(2), (2, 6, 3), (2, 3, 3)),
    LayerCase("average_pooling1d", lambda: L.AveragePooling1D(2), (2, 6, 3), (2, 3, 3)),
    LayerCase("global_average_pooling2d", lambda: L.GlobalAveragePooling2D(), (2, 4, 4, 3),
              (2, 3)),
    LayerCase("global_max_pooling2d", lambda: L.GlobalMaxPooling2D(), (2, 4, 4, 3), (2, 3)),
    LayerCase("global_average_pooling1d", lambda: L.GlobalAveragePooling1D(), (2, 5, 3), (2, 3)),
    LayerCase("global_max_pooling1d_keepdims", lambda: L.GlobalMaxPooling1D(keepdims=True),
              (2, 5, 3), (2, 1, 3)),
    LayerCase("flatten", lambda: L.Flatten(), (2, 3, 4, 2), (2, 24)),
    LayerCase("reshape", lambda: L.Reshape((3, -1)), (2, 12), (2, 3, 4)),
    LayerCase("permute", lambda: L.Permute((2, 1)), (2, 3, 4), (2, 4, 3)),
    LayerCase("repeat_vector", lambda: L.RepeatVector(3), (2, 4), (2, 3, 4)),
    LayerCase("dropout_training", lambda: L.Dropout(0.5, seed=1), (2, 8), (2, 8),
              call_kwargs={"training": True}),
    LayerCase("dropout_inference", lambda: L.Dropout(0.5), (2, 8), (2, 8)),
    LayerCase("batch_normalization", lambda: L.BatchNormalization(), (4, 3, 3, 2),
              (4, 3, 3, 2),
              _w("batch_normalization", "gamma", "beta", "moving_mean", "moving_variance"),
              trainable=2, call_kwargs={"training": True}),
    LayerCase("batch_normalization_axis1", lambda: L.BatchNormalization(axis=1), (4, 3, 2),
              (4, 3, 2),
              _w("batch_normalization", "gamma", "beta", "moving_mean", "moving_variance"),
              trainable=2),
    LayerCase("layer_normalization", lambda: L.LayerNormalization(), (2, 3, 4), (2, 3, 4),
              _w("layer_normalization", "gamma", "beta")),
    LayerCase("embedding", lambda: L.Embedding(10, 3), (2, 5), (2, 5, 3),
              _w("embedding", "embeddings"), int_inputs=10),
    LayerCase("activation", lambda: L.Activation("tanh"), (2, 3), (2, 3)),
    LayerCase("lambda", lambda: L.Lambda(lambda x: x * 2.0 + 1.0), (2, 3), (2, 3)),
    LayerCase("concatenate", lambda: L.Concatenate(), [(2, 3), (2, 4)], (2, 7)),
    LayerCase("concatenate_axis1", lambda: L.Concatenate(axis=1), [(2, 3, 2), (2, 1, 2)],
              (2, 4, 2)),
    LayerCase("add", lambda: L.Add(), [(2, 3), (2, 3), (2, 3)], (2, 3)),
    LayerCase("subtract", lambda: L.Subtract(), [(2, 3), (2, 3)], (2, 3)),
    LayerCase("multiply", lambda: L.Multiply(), [(2, 3), (2, 3)], (2, 3)),
    LayerCase("average", lambda: L.Average(), [(2, 3), (2, 3)], (2, 3)),
    LayerCase("maximum", lambda: L.Maximum(), [(2, 3), (2, 3)], (2, 3)),
    LayerCase("minimum", lambda: L.Minimum(), [(2, 3), (2, 3)], (2, 3)),
    LayerCase("simple_rnn", lambda: L.SimpleRNN(4), (2, 5, 3), (2, 4),
              _w("simple_rnn/simple_rnn_cell", "kernel", "recurrent_kernel", "bias")),
    LayerCase("simple_rnn_sequences", lambda: L.SimpleRNN(4, return_sequences=True),
              (2, 5, 3), (2, 5, 4),
              _w("simple_rnn/simple_rnn_cell", "kernel", "recurrent_kernel", "bias")),
    LayerCase("lstm_state", lambda: L.LSTM(4, return_state=True), (2, 5, 3),
              [(2, 4), (2, 4), (2, 4)],
              _w("lstm/lstm_cell", "kernel", "recurrent_kernel", "bias")),
    LayerCase("lstm_sequences_backwards",
              lambda: L.LSTM(2, return_sequences=True, go_backwards=True), (2, 4, 3), (2, 4, 2),
              _w("lstm/lstm_cell", "kernel", "recurrent_kernel", "bias")),
    LayerCase("gru", lambda: L.GRU(4), (2, 5, 3), (2, 4),
              _w("gru/gru_cell", "kernel", "recurrent_kernel", "bias")),
    LayerCase("gru_reset_before_state",
              lambda: L.GRU(3, reset_after=False, return_state=True, return_sequences=True),
              (2, 4, 3), [(2, 4, 3), (2, 3)],
              _w("gru/gru_cell", "kernel", "recurrent_kernel", "bias")),
    LayerCase("rnn_cell_wrapper", lambda: L.RNN(L.LSTMCell(3)), (2, 4, 2), (2, 3),
              _w("rnn/lstm_cell", "kernel", "recurrent_kernel", "bias")),
]  # fmt: skip

"""Recurrent layers: SimpleRNN, LSTM and GRU, unrolled over time steps in eager mode.

A cell maps `(inputs_t, states) -> (output_t, new_states)`; `RNN` loops a cell over the time
axis of `(batch, time, features)` inputs. Gate layouts follow Keras (LSTM: i, f, c, o; GRU:
z, r, h with `reset_after=True`), so weights transfer from Keras models.
"""

from __future__ import annotations

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

_WEIGHTS = ("kernel", "recurrent", "bias")


class _Cell(Layer):
    """Shared weights, dropout masks and config of the three cells."""

    _gates = 1

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if units <= 0:
            raise ValueError(
                f"Received an invalid value for argument `units`, expected a positive integer, "
                f"got {units}."
            )
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        weight_args(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        weight_args(
            self, "recurrent", recurrent_initializer, recurrent_regularizer, recurrent_constraint
        )
        weight_args(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        self._masks: dict = {}

    @property
    def state_size(self) -> Any:
        return self.units

    @property
    def output_size(self) -> int:
        return self.units

    def _bias_initializer(self) -> Any:
        return self.bias_initializer

    def _bias_shape(self) -> list:
        return [self._gates * self.units]

    def build(self, input_shape: Any) -> None:
        features = tf.TensorShape(input_shape)[-1]
        self.kernel = add_configured_weight(self, "kernel", [features, self._gates * self.units])
        self.recurrent_kernel = add_configured_weight(
            self, "recurrent_kernel", [self.units, self._gates * self.units], prefix="recurrent"
        )
        self.bias = (
            self.add_weight(
                "bias",
                self._bias_shape(),
                initializer=self._bias_initializer(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
            if self.use_bias
            else None
        )
        self.built = True

    def reset_dropout_masks(self) -> None:
        """Forgets the masks, so the next sequence draws new ones (one mask per sequence)."""
        self._masks = {}

    def _dropped(self, x: Any, rate: float, key: str, training: Any) -> Any:
        if not training or rate == 0.0:
            return x
        mask = self._masks.get(key)
        if mask is None:
            mask = tf.nn.dropout(tf.ones_like(x), rate=rate)
            self._masks[key] = mask
        return x * mask

    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "units": self.units,
            "activation": activation_config(self),
            "use_bias": self.use_bias,
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
        }
        config.update(weight_config(self, *_WEIGHTS))
        return config


class SimpleRNNCell(_Cell):
    """`h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)`."""

    def call(self, inputs: Any, states: Any, training: Any = None) -> tuple:
        h = states[0] if isinstance(states, (list, tuple)) else states
        x = self._dropped(inputs, self.dropout, "x", training)
        h_in = self._dropped(h, self.recurrent_dropout, "h", training)
        z = tf.matmul(x, self.kernel) + tf.matmul(h_in, self.recurrent_kernel)
        if self.use_bias:
            z = tf.nn.bias_add(z, self.bias)
        output = self.activation(z)
        return output, [output]


class LSTMCell(_Cell):
    """Long short-term memory cell (Hochreiter & Schmidhuber, 1997), Keras gate order i, f, c, o.

    `unit_forget_bias=True` starts the forget-gate bias at 1, as Keras does.
    """

    _gates = 4

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        unit_forget_bias: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias

    @property
    def state_size(self) -> Any:
        return [self.units, self.units]

    def _bias_initializer(self) -> Any:
        if not self.unit_forget_bias:
            return self.bias_initializer
        base = self.bias_initializer
        units = self.units

        def initializer(shape: Any, dtype: Any = None, **kwargs: Any) -> Any:
            return tf.concat(
                [
                    base((units,), dtype=dtype),
                    tf.ones((units,), dtype=dtype),
                    base((units * 2,), dtype=dtype),
                ],
                axis=0,
            )

        return initializer

    def call(self, inputs: Any, states: Any, training: Any = None) -> tuple:
        h, c = states[0], states[1]
        x = self._dropped(inputs, self.dropout, "x", training)
        h_in = self._dropped(h, self.recurrent_dropout, "h", training)
        z = tf.matmul(x, self.kernel) + tf.matmul(h_in, self.recurrent_kernel)
        if self.use_bias:
            z = tf.nn.bias_add(z, self.bias)
        zi, zf, zc, zo = tf.split(z, 4, axis=1)
        i = self.recurrent_activation(zi)
        f = self.recurrent_activation(zf)
        c = f * c + i * self.activation(zc)
        o = self.recurrent_activation(zo)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        }


class GRUCell(_Cell):
    """Gated recurrent unit (Cho et al., 2014), Keras gate order z, r, h, `reset_after=True`."""

    _gates = 3

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        reset_after: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after

    def _bias_shape(self) -> list:
        return [2, 3 * self.units] if self.reset_after else [3 * self.units]

    def call(self, inputs: Any, states: Any, training: Any = None) -> tuple:
        h = states[0] if isinstance(states, (list, tuple)) else states
        x = self._dropped(inputs, self.dropout, "x", training)
        h_in = self._dropped(h, self.recurrent_dropout, "h", training)
        x_part = tf.matmul(x, self.kernel)
        if self.reset_after:
            h_part = tf.matmul(h_in, self.recurrent_kernel)
            if self.use_bias:
                x_part = tf.nn.bias_add(x_part, self.bias[0])
                h_part = tf.nn.bias_add(h_part, self.bias[1])
            xz, xr, xh = tf.split(x_part, 3, axis=1)
            hz, hr, hh = tf.split(h_part, 3, axis=1)
            z = self.recurrent_activation(xz + hz)
            r = self.recurrent_activation(xr + hr)
            candidate = self.activation(xh + r * hh)
        else:
            if self.use_bias:
                x_part = tf.nn.bias_add(x_part, self.bias)
            xz, xr, xh = tf.split(x_part, 3, axis=1)
            rk_zr = self.recurrent_kernel[:, : 2 * self.units]
            rk_h = self.recurrent_kernel[:, 2 * self.units :]
            hz, hr = tf.split(tf.matmul(h_in, rk_zr), 2, axis=1)
            z = self.recurrent_activation(xz + hz)
            r = self.recurrent_activation(xr + hr)
            candidate = self.activation(xh + tf.matmul(r * h_in, rk_h))
        h = z * h + (1.0 - z) * candidate
        return h, [h]

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "reset_after": self.reset_after,
        }


class RNN(Layer):
    """Runs `cell` over the time axis of `(batch, time, features)` inputs.

    Returns the last output, or all outputs with `return_sequences=True`; with
    `return_state=True` it returns `[output, *final_states]`.

    Example:
        >>> layer = tf.keras.layers.RNN(tf.keras.layers.SimpleRNNCell(4))
        >>> layer(tf.ones([2, 5, 3])).shape
        TensorShape([2, 4])
    """

    def __init__(
        self,
        cell: Any,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        time_major: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if stateful:
            raise ValueError(f"{type(self).__name__}: stateful=True is not supported.")
        if not isinstance(cell, Layer) or not hasattr(cell, "state_size"):
            raise ValueError(
                f"Argument `cell` should have a `call` method and a `state_size` attribute. "
                f"Received: cell={cell!r}"
            )
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.time_major = time_major
        self.input_spec = InputSpec(ndim=3)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        shape = tf.TensorShape(input_shape)
        step_shape = tf.TensorShape([shape[1 if self.time_major else 0], shape[-1]])
        if not self.cell.built:
            with tf.name_scope(self.cell.name):
                self.cell.build(step_shape)
            self.cell.built = True
        self.built = True

    def _initial_state(self, inputs: Any) -> list:
        batch = inputs.shape[1 if self.time_major else 0]
        return [tf.zeros([batch, size], dtype=inputs.dtype) for size in self._state_sizes()]

    def call(
        self, inputs: Any, mask: Any = None, training: Any = None, initial_state: Any = None
    ) -> Any:
        states = list(initial_state) if initial_state is not None else self._initial_state(inputs)
        time_axis = 0 if self.time_major else 1
        steps = tf.unstack(inputs, axis=time_axis)
        step_masks = None
        if mask is not None:
            mask = tf.cast(mask, inputs.dtype)
            step_masks = tf.unstack(mask, axis=time_axis if mask.ndim == 2 else 0)
        if self.go_backwards:
            steps = steps[::-1]
            step_masks = step_masks[::-1] if step_masks is not None else None
        if hasattr(self.cell, "reset_dropout_masks"):
            self.cell.reset_dropout_masks()
        outputs = []
        output = None
        for t, x_t in enumerate(steps):
            new_output, new_states = self.cell(x_t, states, training=training)
            new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
            if step_masks is not None:
                # A masked step keeps the previous states and repeats the previous output.
                keep = tf.expand_dims(step_masks[t], -1)
                previous = output if output is not None else tf.zeros_like(new_output)
                new_output = keep * new_output + (1.0 - keep) * previous
                new_states = [keep * n + (1.0 - keep) * o for n, o in zip(new_states, states)]
            output, states = new_output, new_states
            if self.return_sequences:
                outputs.append(output)
        result = tf.stack(outputs, axis=time_axis) if self.return_sequences else output
        if self.return_state:
            return [result, *states]
        return result

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None or not self.return_sequences:
            return [None] * (1 + len(self._state_sizes())) if self.return_state else None
        output_mask = mask[:, ::-1] if self.go_backwards else mask
        if self.return_state:
            return [output_mask] + [None] * len(self._state_sizes())
        return output_mask

    def _state_sizes(self) -> list:
        sizes = self.cell.state_size
        return list(sizes) if isinstance(sizes, (list, tuple)) else [sizes]

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "cell": {"class_name": type(self.cell).__name__, "config": self.cell.get_config()},
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "time_major": self.time_major,
        }

    @classmethod
    def from_config(cls, config: dict) -> RNN:
        config = dict(config)
        cell = config.pop("cell")
        cell_cls = {"SimpleRNNCell": SimpleRNNCell, "LSTMCell": LSTMCell, "GRUCell": GRUCell}
        return cls(cell_cls[cell["class_name"]].from_config(cell["config"]), **config)


_RNN_ARGS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
             "time_major", "name", "trainable", "dtype", "input_shape", "batch_input_shape",
             "batch_size", "input_dim")  # fmt: skip


class _CellRNN(RNN):
    """An RNN that builds its own cell from the constructor's cell arguments."""

    _cell_class: type = SimpleRNNCell

    def __init__(self, units: int, **kwargs: Any) -> None:
        rnn_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in _RNN_ARGS}
        cell = self._cell_class(
            units, dtype=rnn_kwargs.get("dtype"), trainable=rnn_kwargs.get("trainable", True),
            **kwargs,
        )  # fmt: skip
        super().__init__(cell, **rnn_kwargs)

    @property
    def units(self) -> int:
        return self.cell.units

    def get_config(self) -> dict:
        config = RNN.get_config(self)
        cell_config = config.pop("cell")["config"]
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config: dict) -> RNN:
        return cls(**config)


class SimpleRNN(_CellRNN):
    """Fully connected RNN whose output is fed back as the next step's state.

    Example:
        >>> tf.keras.layers.SimpleRNN(4, return_sequences=True)(tf.ones([2, 5, 3])).shape
        TensorShape([2, 5, 4])
    """

    _cell_class = SimpleRNNCell


class LSTM(_CellRNN):
    """Long short-term memory layer.

    Example:
        >>> out, h, c = tf.keras.layers.LSTM(4, return_state=True)(tf.ones([2, 5, 3]))
        >>> out.shape, c.shape
        (TensorShape([2, 4]), TensorShape([2, 4]))
    """

    _cell_class = LSTMCell


class GRU(_CellRNN):
    """Gated recurrent unit layer (`reset_after=True`, TF2's default).

    Example:
        >>> tf.keras.layers.GRU(4)(tf.ones([2, 5, 3])).shape
        TensorShape([2, 4])
    """

    _cell_class = GRUCell

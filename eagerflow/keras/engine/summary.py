"""`Model.summary()`: the Keras table of layers, output shapes and parameter counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import eagerflow as tf


def _count(weights: list) -> int:
    return int(sum(np.prod(w.shape.as_list(), dtype=np.int64) for w in weights))


def _shape_text(layer: Any) -> str:
    shape = layer._output_shape_seen
    if shape is None:
        return "multiple"
    flat = tf.nest.flatten(shape)
    texts = [str(tuple(s.as_list())) if s.rank is not None else "?" for s in flat]
    text = (
        texts[0]
        if len(texts) == 1 and isinstance(shape, tf.TensorShape)
        else ("[" + ", ".join(texts) + "]")
    )
    return text.replace(",)", ")")


def _row(fields: list, positions: list) -> str:
    line = ""
    for col, field in enumerate(fields):
        if col > 0:
            line = line[: positions[col - 1]]
        line += str(field)
        # Keep one space between columns when a field is cut.
        line = line[: positions[col] - 1] if col < len(fields) - 1 else line[: positions[col]]
        line += " " * (positions[col] - len(line))
    return line


def _connections(layer: Any, model: Any) -> list[str]:
    texts = []
    for node in layer._inbound_nodes:
        if node not in model._nodes_in_order:
            continue
        for tensor in node.input_tensors:
            source, node_index, tensor_index = tensor._keras_history
            texts.append(f"{source.name}[{node_index}][{tensor_index}]")
    return texts


def print_summary(
    model: Any,
    line_length: int | None = None,
    positions: list | None = None,
    print_fn: Callable[[str], Any] | None = None,
) -> None:
    """Prints `model`'s layers as a table, then total / trainable / non-trainable counts."""
    print_fn = print_fn or print
    functional = getattr(model, "_is_graph_network", False) and not getattr(
        model, "_is_sequential", False
    )
    if functional:
        line_length = line_length or 98
        positions = positions or [0.33, 0.55, 0.67, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    else:
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    lines = [f'Model: "{model.name}"', "_" * line_length, _row(header, positions)]
    lines.append("=" * line_length)
    layers = model.layers
    for i, layer in enumerate(layers):
        params = layer.count_params() if layer.built else 0
        params_text = str(params) if layer.built else "0 (unused)"
        name = f"{layer.name} ({type(layer).__name__})"
        if functional:
            connected = _connections(layer, model)
            lines.append(
                _row(
                    [name, _shape_text(layer), params_text, connected[0] if connected else ""],
                    positions,
                )  # fmt: skip
            )
            for extra in connected[1:]:
                lines.append(_row(["", "", "", extra], positions))
        else:
            lines.append(_row([name, _shape_text(layer), params_text], positions))
        lines.append(("=" if i == len(layers) - 1 else "_") * line_length)
    if not layers:
        lines.append("=" * line_length)
    trainable = _count(model.trainable_weights)
    total = _count(model.weights)
    lines.append(f"Total params: {total:,}")
    lines.append(f"Trainable params: {trainable:,}")
    lines.append(f"Non-trainable params: {total - trainable:,}")
    lines.append("_" * line_length)
    for line in lines:
        print_fn(line)

"""`tf.keras.layers.InputSpec`: what rank, dtype and axis sizes a layer accepts."""

from __future__ import annotations

from typing import Any

import eagerflow as tf


class InputSpec:
    """Constraints on one input of a layer, checked on every call.

    Example:
        >>> spec = tf.keras.layers.InputSpec(min_ndim=2, axes={-1: 784})
    """

    def __init__(
        self,
        dtype: Any = None,
        shape: Any = None,
        ndim: int | None = None,
        max_ndim: int | None = None,
        min_ndim: int | None = None,
        axes: dict | None = None,
        allow_last_axis_squeeze: bool = False,
        name: str | None = None,
    ) -> None:
        self.dtype = tf.as_dtype(dtype).name if dtype is not None else None
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})
        self.name = name

    def get_config(self) -> dict:
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    def __repr__(self) -> str:
        parts = [f"{k}={v}" for k, v in self.get_config().items() if v]
        return f"InputSpec({', '.join(parts)})"


def assert_input_compatibility(specs: Any, inputs: Any, layer_name: str) -> None:
    """Raises ValueError naming the layer when `inputs` break the layer's input spec(s)."""
    if specs is None:
        return
    if isinstance(specs, InputSpec):
        specs = [specs]
    flat = tf.nest.flatten(inputs)
    if len(flat) != len(specs):
        raise ValueError(
            f"Layer {layer_name!r} expects {len(specs)} input(s), but it received "
            f"{len(flat)} input tensors."
        )
    for index, (spec, x) in enumerate(zip(specs, flat)):
        if spec is None:
            continue
        shape = x.shape
        rank = shape.rank
        if spec.ndim is not None and rank != spec.ndim:
            raise ValueError(
                f"Input {index} of layer {layer_name!r} is incompatible with the layer: "
                f"expected ndim={spec.ndim}, found ndim={rank}. Full shape received: "
                f"{tuple(shape.as_list())}"
            )
        if spec.min_ndim is not None and rank < spec.min_ndim:
            raise ValueError(
                f"Input {index} of layer {layer_name!r} is incompatible with the layer: "
                f"expected min_ndim={spec.min_ndim}, found ndim={rank}. Full shape received: "
                f"{tuple(shape.as_list())}"
            )
        if spec.max_ndim is not None and rank > spec.max_ndim:
            raise ValueError(
                f"Input {index} of layer {layer_name!r} is incompatible with the layer: "
                f"expected max_ndim={spec.max_ndim}, found ndim={rank}."
            )
        for axis, size in spec.axes.items():
            actual = shape[axis] if -rank <= axis < rank else None
            if size is not None and actual is not None and actual != size:
                raise ValueError(
                    f"Input {index} of layer {layer_name!r} is incompatible with the layer: "
                    f"expected axis {axis} of input shape to have value {size}, but received "
                    f"input with shape {tuple(shape.as_list())}"
                )

"""Shared argument handling of layers: serialized initializers/regularizers/constraints."""

from __future__ import annotations

from typing import Any

from eagerflow.keras import activations, constraints, initializers, regularizers


def weight_args(layer: Any, prefix: str, initializer: Any, regularizer: Any, constraint: Any):
    """Stores `<prefix>_initializer`, `_regularizer` and `_constraint` on `layer`, resolved."""
    setattr(layer, f"{prefix}_initializer", initializers.get(initializer))
    setattr(layer, f"{prefix}_regularizer", regularizers.get(regularizer))
    setattr(layer, f"{prefix}_constraint", constraints.get(constraint))


def add_configured_weight(layer: Any, name: str, shape: Any, prefix: str | None = None) -> Any:
    """`layer.add_weight(name, shape)` with the `weight_args` stored under `prefix` (`name`)."""
    prefix = prefix or name
    return layer.add_weight(
        name,
        shape,
        initializer=getattr(layer, f"{prefix}_initializer"),
        regularizer=getattr(layer, f"{prefix}_regularizer"),
        constraint=getattr(layer, f"{prefix}_constraint"),
    )


def weight_config(layer: Any, *prefixes: str) -> dict:
    """The serialized `<prefix>_initializer/_regularizer/_constraint` entries of a config."""
    config = {}
    for prefix in prefixes:
        config[f"{prefix}_initializer"] = initializers.serialize(
            getattr(layer, f"{prefix}_initializer")
        )
        config[f"{prefix}_regularizer"] = regularizers.serialize(
            getattr(layer, f"{prefix}_regularizer")
        )
        config[f"{prefix}_constraint"] = constraints.serialize(
            getattr(layer, f"{prefix}_constraint")
        )
    return config


def activation_config(layer: Any) -> Any:
    return activations.serialize(layer.activation)


def normalize_tuple(value: Any, n: int, name: str) -> tuple:
    """An int or n ints as a tuple of n ints; ValueError naming `name` otherwise."""
    if isinstance(value, int):
        return (value,) * n
    try:
        values = tuple(int(v) for v in value)
    except TypeError:
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. Received: {value!r}"
        ) from None
    if len(values) != n:
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. Received: {value!r}"
        )
    return values


def normalize_padding(value: str, allow_causal: bool = False) -> str:
    padding = str(value).lower()
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    if padding not in allowed:
        raise ValueError(f"The `padding` argument must be one of {allowed}. Received: {value!r}")
    return padding


def normalize_data_format(value: Any) -> str:
    from eagerflow.keras import backend  # noqa: PLC0415  (tiny module, avoids a cycle)

    data_format = value or backend.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "The `data_format` argument must be one of 'channels_first', 'channels_last'. "
            f"Received: {value!r}"
        )
    return data_format

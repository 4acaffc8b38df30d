"""Hashable keys for node attributes and constants (shared by CSE and constant folding)."""

from __future__ import annotations

from typing import Any

import numpy as np

# Constants larger than this are compared by identity, not by value.
MAX_CONST_KEY_SIZE = 4096


def freeze(value: Any) -> Any:
    """A hashable stand-in for an attribute value; unhashable objects compare by identity."""
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(freeze(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), freeze(v)) for k, v in value.items())))
    if isinstance(value, np.ndarray):
        return array_key(value)
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    if callable(value) and not isinstance(value, type):
        return ("id", id(value))
    return (type(value).__name__, value)


def array_key(array: Any) -> Any:
    if not isinstance(array, np.ndarray) or array.size > MAX_CONST_KEY_SIZE:
        return ("id", id(array))
    return ("array", array.dtype.str, array.shape, array.tobytes())


def attrs_key(attrs: dict) -> Any:
    return tuple(sorted((k, freeze(v)) for k, v in attrs.items() if k != "source"))

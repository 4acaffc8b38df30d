"""`tf.keras.backend`: process-wide Keras settings and the per-class layer name counters."""

from __future__ import annotations

import collections

from eagerflow.module import camel_to_snake

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
# Layer names are unique per snake_case prefix ("dense", "dense_1", ...) until clear_session().
_NAME_COUNTS: collections.Counter = collections.Counter()


def floatx() -> str:
    """The default float type of layer weights and inputs ("float32")."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Sets the default float type: "float16", "float32" or "float64"."""
    global _FLOATX
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"set_floatx: unknown floatx type {value!r}.")
    _FLOATX = value


def epsilon() -> float:
    """The fuzz factor used in numeric expressions (1e-7)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """The default image layout of convolution and pooling layers ("channels_last")."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"set_image_data_format: unknown data_format {data_format!r}.")
    _IMAGE_DATA_FORMAT = data_format


def unique_object_name(class_name: str, zero_based: bool = True) -> str:
    """`Dense` -> "dense", then "dense_1", "dense_2", ... (Keras's default layer names).

    With `zero_based=False` the first name is numbered too ("input_1"), as Keras names inputs.
    """
    prefix = camel_to_snake(class_name)
    count = _NAME_COUNTS[prefix]
    _NAME_COUNTS[prefix] += 1
    if not zero_based:
        return f"{prefix}_{count + 1}"
    return prefix if count == 0 else f"{prefix}_{count}"


def reserve_name(name: str) -> None:
    """Marks an explicit layer name as used, so later default names do not collide."""
    _NAME_COUNTS[name] = max(_NAME_COUNTS[name], 1)


def clear_session() -> None:
    """Resets the layer name counters (the next Dense is "dense" again)."""
    _NAME_COUNTS.clear()

"""Nested structures of tensors (`tf.nest`): lists, tuples, namedtuples and dicts.

Dicts flatten in sorted key order, as in TensorFlow; everything else is a leaf.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def is_nested(structure: Any) -> bool:
    return isinstance(structure, (list, tuple, dict))


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(x, "_fields")


def _children(structure: Any) -> list:
    if isinstance(structure, dict):
        return [structure[k] for k in _sorted_keys(structure)]
    return list(structure)


def _sorted_keys(d: dict) -> list:
    try:
        return sorted(d)
    except TypeError:
        return list(d)


def flatten(structure: Any, expand_composites: bool = False) -> list:
    """The leaves of `structure`, depth first (dict values in sorted key order)."""
    if not is_nested(structure):
        return [structure]
    out: list = []
    for child in _children(structure):
        out.extend(flatten(child))
    return out


def _rebuild(template: Any, children: list) -> Any:
    if isinstance(template, dict):
        keys = _sorted_keys(template)
        mapping = dict(zip(keys, children))
        return type(template)((k, mapping[k]) for k in template)
    if _is_namedtuple(template):
        return type(template)(*children)
    if isinstance(template, tuple):
        return tuple(children)
    return type(template)(children) if type(template) is not list else list(children)


def _pack(template: Any, leaves: list, index: int) -> tuple[Any, int]:
    if not is_nested(template):
        return leaves[index], index + 1
    children = []
    for child in _children(template):
        packed, index = _pack(child, leaves, index)
        children.append(packed)
    return _rebuild(template, children), index


def pack_sequence_as(structure: Any, flat_sequence: Any, expand_composites: bool = False) -> Any:
    """Rebuilds `structure`'s nesting around the leaves in `flat_sequence`."""
    flat_sequence = list(flat_sequence)
    count = len(flatten(structure))
    if count != len(flat_sequence):
        raise ValueError(
            f"Could not pack sequence. Structure had {count} atoms, but flat_sequence had "
            f"{len(flat_sequence)} items."
        )
    return _pack(structure, flat_sequence, 0)[0]


def assert_same_structure(nest1: Any, nest2: Any, check_types: bool = True) -> None:
    """Raises ValueError (or TypeError for differing sequence types) naming both structures."""
    if is_nested(nest1) != is_nested(nest2):
        raise ValueError(
            f"The two structures don't have the same nested structure: {nest1!r} vs {nest2!r}"
        )
    if not is_nested(nest1):
        return
    if check_types and type(nest1) is not type(nest2):
        raise TypeError(
            f"The two structures don't have the same sequence type: {type(nest1)} vs {type(nest2)}"
        )
    if isinstance(nest1, dict) and set(nest1) != set(nest2):
        raise ValueError(
            f"The two dicts don't have the same keys: {sorted(nest1)} vs {sorted(nest2)}"
        )
    c1, c2 = _children(nest1), _children(nest2)
    if len(c1) != len(c2):
        raise ValueError(
            f"The two structures don't have the same number of elements: {len(c1)} vs {len(c2)}"
        )
    for a, b in zip(c1, c2):
        assert_same_structure(a, b, check_types)


def map_structure(func: Callable, *structures: Any, **kwargs: Any) -> Any:
    """Applies `func` to corresponding leaves of `structures` and rebuilds the first's nesting."""
    if not structures:
        raise ValueError("Must provide at least one structure")
    for other in structures[1:]:
        assert_same_structure(structures[0], other, kwargs.get("check_types", True))
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [func(*leaves) for leaves in zip(*flats)])

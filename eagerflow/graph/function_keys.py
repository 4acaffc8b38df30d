"""Trace keys: how a `tf.function` call is canonicalized, keyed and explained.

Tensors key by (shape, dtype), variables by identity, other Python values by value (by
identity when unhashable), plus the nesting of the arguments. Each flat leaf has a readable
path (`x`, `x[0]`, `x['a']`) so that retrace messages name the argument that changed.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from eagerflow.core import dtypes, nest
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec


def _is_variable(x: Any) -> bool:
    return hasattr(x, "_as_tensor") and hasattr(x, "assign")


def is_tensor_leaf(x: Any) -> bool:
    return isinstance(x, (Tensor, np.ndarray))


# -- trace keys ----------------------------------------------------------------------------
def leaf_key(x: Any) -> Any:
    if isinstance(x, Tensor):
        a = x._value
        if a is not None:
            return ("T", tuple(a.shape), a.dtype)
        return ("T", tuple(x.shape.as_list()), x.dtype._np)
    if isinstance(x, np.ndarray):
        return ("T", x.shape, x.dtype)
    if _is_variable(x):
        return ("V", id(x))
    try:
        hash(x)
    except TypeError:
        return ("P", type(x), id(x))
    return ("P", type(x), x)


def encode(value: Any, leaves: list, keys: list) -> Any:
    """One pass over a call's arguments: appends the flat leaves (in `nest.flatten` order)
    and their keys; returns the nesting (leaves as None)."""
    t = type(value)
    if t is Tensor:
        leaves.append(value)
        a = value._value
        keys.append(("T", a.shape, a.dtype))
        return None
    if t is tuple or t is list:
        return (t, tuple([encode(c, leaves, keys) for c in value]))
    if isinstance(value, dict):
        items = [(k, encode(value[k], leaves, keys)) for k in nest._sorted_keys(value)]
        return ("dict", tuple(items))
    if isinstance(value, (list, tuple)):  # namedtuples and other subclasses
        return (t, tuple([encode(c, leaves, keys) for c in value]))
    leaves.append(value)
    keys.append(leaf_key(value))
    return None


def _paths(name: str, x: Any, out: list) -> None:
    """Human-readable paths of the flat leaves of one argument (`x`, `x[0]`, `x['a']`)."""
    if isinstance(x, dict):
        for k in nest._sorted_keys(x):
            _paths(f"{name}[{k!r}]", x[k], out)
    elif isinstance(x, (list, tuple)):
        for i, c in enumerate(x):
            _paths(f"{name}[{i}]", c, out)
    else:
        out.append(name)


def _describe(key: Any) -> str:
    kind = key[0]
    if kind == "T":
        return f"shape {tuple(key[1])} dtype {key[2].name}"
    if kind == "V":
        return "a tf.Variable"
    return f"{key[1].__name__} {key[2]!r}" if len(key) == 3 else repr(key)


def leaf_change(path: str, old: Any, new: Any) -> str:
    if old[0] == "T" and new[0] == "T":
        parts = []
        if tuple(old[1]) != tuple(new[1]):
            parts.append(f"shape {_shape_text(old[1])} -> {_shape_text(new[1])}")
        if old[2] != new[2]:
            parts.append(f"dtype {old[2].name} -> {new[2].name}")
        return f"{path}: {', '.join(parts)}"
    if old[0] == "V" and new[0] == "V":
        return f"{path}: a different tf.Variable"
    if old[0] == "P" and new[0] == "P":
        return f"{path}: Python value {old[2]!r} -> {new[2]!r}"
    return f"{path}: {_describe(old)} -> {_describe(new)}"


def _shape_text(dims: Any) -> str:
    dims = tuple(dims)
    return "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"


class Call:
    """One call, canonicalized: bound arguments, flat leaves, trace key.

    The readable leaf paths are computed only when asked for (retrace messages, errors).
    """

    __slots__ = ("args", "kwargs", "flat", "key", "leaf_keys", "_named", "_sig", "_paths")

    def __init__(self, fn: Any, args: tuple, kwargs: dict) -> None:
        sig = fn._signature
        if sig is not None and (kwargs or fn._needs_binding or len(args) != fn._num_params):
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            args, kwargs = bound.args, bound.kwargs
            named = list(bound.arguments.items())
        elif sig is not None:
            named = list(zip(fn._param_names, args))
        else:
            named = [(f"args[{i}]", a) for i, a in enumerate(args)] + list(kwargs.items())
        self.args, self.kwargs = args, kwargs
        self._named, self._sig, self._paths = named, sig, None
        self.flat: list = []
        keys: list = []
        structure = encode((args, kwargs), self.flat, keys)
        self.leaf_keys = tuple(keys)
        self.key = (structure, self.leaf_keys)

    @property
    def paths(self) -> list:
        if self._paths is None:
            paths: list = []
            sig = self._sig
            for name, value in self._named:
                kind = sig.parameters[name].kind if sig is not None else None
                if kind is inspect.Parameter.VAR_KEYWORD:
                    for k in nest._sorted_keys(value):
                        _paths(k, value[k], paths)
                elif kind is inspect.Parameter.VAR_POSITIONAL:
                    for i, v in enumerate(value):
                        _paths(f"{name}[{i}]", v, paths)
                else:
                    _paths(name, value, paths)
            if len(paths) != len(self.flat):  # unusual binding: fall back to indices
                paths = [f"input {i}" for i in range(len(self.flat))]
            self._paths = paths
        return self._paths


def flatten_to(signature: Any, value: Any) -> list | None:
    """The values at the signature's TensorSpec leaves (a list where a spec is, is one value)."""
    if isinstance(signature, TensorSpec):
        return [value]
    if isinstance(signature, dict):
        if not isinstance(value, dict) or set(value) != set(signature):
            return None
        keys = nest._sorted_keys(signature)
        signature, value = [signature[k] for k in keys], [value[k] for k in keys]
    if not isinstance(value, (list, tuple)) or len(value) != len(signature):
        return None
    out: list = []
    for s, v in zip(signature, value):
        part = flatten_to(s, v)
        if part is None:
            return None
        out.extend(part)
    return out


def dtype_of(leaf: Any) -> Any:
    if isinstance(leaf, Tensor):
        return leaf.dtype
    return dtypes.from_numpy(leaf.dtype)


def spec_key(spec: TensorSpec) -> tuple:
    dims = spec.shape.dims
    return (None if dims is None else tuple(dims), spec.dtype)

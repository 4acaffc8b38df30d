"""Element structures of tf.data: nested tuples, namedtuples and dicts of raw arrays.

Inside the pipeline an element is a nested structure whose leaves are host NumPy arrays (or
nested `Dataset` objects, for `window`). Tensors appear only at the boundary: when an element
is handed to a user function or to the consumer. As in TensorFlow's `tf.data`, tuples and
dicts are structure while a Python list is a value (converted to one tensor).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.core import dtypes
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.tensor import Tensor, wrap
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec

_ndarray = np.ndarray


def is_structure(x: Any) -> bool:
    return isinstance(x, (tuple, dict))


def _keys(d: dict) -> list:
    try:
        return sorted(d)
    except TypeError:
        return list(d)


def flatten(x: Any) -> list:
    """The leaves of `x`, depth first; dict values in sorted key order (as TensorFlow)."""
    if type(x) is tuple:
        if all(type(v) is _ndarray for v in x):
            return list(x)
    elif not isinstance(x, (tuple, dict)):
        return [x]
    out: list = []
    children = [x[k] for k in _keys(x)] if isinstance(x, dict) else x
    for child in children:
        out.extend(flatten(child))
    return out


def _pack(template: Any, leaves: list, i: int) -> tuple[Any, int]:
    if isinstance(template, dict):
        keys = _keys(template)
        values = {}
        for k in keys:
            values[k], i = _pack(template[k], leaves, i)
        return type(template)((k, values[k]) for k in template), i
    if isinstance(template, tuple):
        children = []
        for child in template:
            packed, i = _pack(child, leaves, i)
            children.append(packed)
        if hasattr(template, "_fields"):
            return type(template)(*children), i
        return tuple(children), i
    return leaves[i], i + 1


def pack_as(template: Any, leaves: list) -> Any:
    """Rebuilds `template`'s nesting around `leaves` (the inverse of `flatten`)."""
    if type(template) is tuple and len(template) == len(leaves):
        if all(not isinstance(v, (tuple, dict)) for v in template):
            return tuple(leaves)
    return _pack(template, list(leaves), 0)[0]


def map_leaves(fn: Callable, x: Any) -> Any:
    """Applies `fn` to every leaf of `x`, keeping the nesting."""
    if isinstance(x, dict):
        return type(x)((k, map_leaves(fn, v)) for k, v in x.items())
    if isinstance(x, tuple):
        children = [map_leaves(fn, v) for v in x]
        return type(x)(*children) if hasattr(x, "_fields") else tuple(children)
    return fn(x)


def assert_same_structure(a: Any, b: Any, what: str) -> None:
    """Raises TypeError naming `what` when `a` and `b` nest differently."""
    if is_structure(a) != is_structure(b):
        raise TypeError(f"{what}: incompatible structures {a!r} and {b!r}.")
    if isinstance(a, dict):
        if not isinstance(b, dict) or set(a) != set(b):
            raise TypeError(f"{what}: incompatible dict keys {sorted(a)} and {list(b)}.")
        for k in a:
            assert_same_structure(a[k], b[k], what)
    elif isinstance(a, tuple):
        if not isinstance(b, tuple) or len(a) != len(b):
            raise TypeError(f"{what}: incompatible structures {a!r} and {b!r}.")
        for u, v in zip(a, b):
            assert_same_structure(u, v, what)


# -- leaves: user values <-> raw arrays <-> Tensors -------------------------------------------
def to_array(value: Any, dtype: Any = None) -> Any:
    """A user value (Tensor, array, Python value) as a host NumPy array; Datasets pass through."""
    if type(value) is Tensor:
        v = value._value
        if type(v) is not _ndarray:
            v = v.get()
        if dtype is not None and v.dtype != dtype.as_numpy_dtype:
            v = v.astype(dtype.as_numpy_dtype)
        return v
    if hasattr(value, "_stage"):  # a nested Dataset (window elements, flat_map results)
        return value
    if type(value) is _ndarray and dtype is None and value.dtype.kind not in "SU":
        return value
    t = convert_to_tensor(value, dtype=dtype)
    v = t._value
    return v if type(v) is _ndarray else v.get()


def to_arrays(value: Any, list_as_tuple: bool = True) -> Any:
    """Normalizes a user structure to the internal form.

    A top-level list returned by a user function becomes a tuple (as TensorFlow does); with
    `list_as_tuple=False` (dataset sources) a list is one value, converted to a tensor.
    """
    if type(value) is list and list_as_tuple:
        value = tuple(value)
    if type(value) is tuple and all(type(v) is Tensor for v in value):
        return tuple(to_array(v) for v in value)
    return map_leaves(to_array, value)


def _to_tensor(leaf: Any) -> Any:
    if type(leaf) is _ndarray:
        return wrap(leaf)
    if isinstance(leaf, np.generic):
        return wrap(np.asarray(leaf))
    return leaf


_new_object = object.__new__


def to_tensors(element: Any) -> Any:
    """The consumer-facing form of an internal element: leaves wrapped as Tensors (no copy)."""
    if type(element) is tuple:
        if len(element) == 2:
            a, b = element
            if type(a) is _ndarray and type(b) is _ndarray:  # (features, labels): inline wraps
                ta = _new_object(Tensor)
                ta._value = a
                tb = _new_object(Tensor)
                tb._value = b
                return (ta, tb)
        return tuple(to_tensors(v) if is_structure(v) else _to_tensor(v) for v in element)
    if type(element) is _ndarray:
        return wrap(element)
    return map_leaves(_to_tensor, element)


def to_numpy(element: Any) -> Any:
    """The `as_numpy_iterator` form: arrays, with rank-0 values as NumPy scalars."""

    def leaf(a: Any) -> Any:
        if type(a) is _ndarray:
            return a[()] if a.ndim == 0 else a
        return a

    return map_leaves(leaf, element)


def call(fn: Callable, element: Any) -> Any:
    """Calls a user function on an element (a plain tuple is unpacked into arguments)."""
    args = to_tensors(element)
    if type(args) is tuple:
        return fn(*args)
    return fn(args)


def call_and_normalize(fn: Callable, element: Any) -> Any:
    ret = call(fn, element)
    if type(ret) is Tensor:
        v = ret._value
        return v if type(v) is _ndarray else v.get()
    return to_arrays(ret)


# -- specs ------------------------------------------------------------------------------------
class DatasetSpec:
    """The type of a Dataset-valued element (`tf.data.DatasetSpec`), e.g. from `window`."""

    def __init__(self, element_spec: Any, dataset_shape: Any = ()) -> None:
        self._element_spec = element_spec
        self._dataset_shape = TensorShape(dataset_shape)

    @property
    def element_spec(self) -> Any:
        return self._element_spec

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DatasetSpec) and other._element_spec == self._element_spec

    def __hash__(self) -> int:
        return hash(repr(self))

    def __repr__(self) -> str:
        return f"DatasetSpec({self._element_spec!r}, TensorShape({self._dataset_shape}))"


def spec_of_leaf(leaf: Any) -> Any:
    if hasattr(leaf, "_stage"):
        return DatasetSpec(leaf.element_spec)
    arr = np.asarray(leaf)
    return TensorSpec(arr.shape, dtypes.from_numpy(arr.dtype))


def spec_of(element: Any) -> Any:
    return map_leaves(spec_of_leaf, element)


def relax_spec(spec: Any, dim: int | None = 0) -> Any:
    """Sets dimension `dim` of every TensorSpec in `spec` to None (or every dim if None)."""

    def leaf(s: Any) -> Any:
        if not isinstance(s, TensorSpec) or s.shape.rank is None:
            return s
        dims = s.shape.as_list()
        if dim is None:
            dims = [None] * len(dims)
        elif dims:
            dims[dim] = None
        return TensorSpec(dims, s.dtype)

    return map_leaves(leaf, spec)


def merge_specs(a: Any, b: Any) -> Any:
    """The most specific spec compatible with both (differing dims become None)."""
    fa, fb = flatten(a), flatten(b)
    out = []
    for x, y in zip(fa, fb):
        if isinstance(x, TensorSpec) and isinstance(y, TensorSpec):
            if x.dtype != y.dtype:
                raise TypeError(f"Incompatible dataset elements: {x} and {y} differ in dtype.")
            out.append(TensorSpec(x.shape.most_specific_compatible_shape(y.shape), x.dtype))
        else:
            out.append(x)
    return pack_as(a, out)


def prepend_dim(spec: Any, size: int | None) -> Any:
    def leaf(s: Any) -> Any:
        return TensorSpec(TensorShape([size]).concatenate(s.shape), s.dtype)

    return map_leaves(leaf, spec)


def drop_dim(spec: Any, what: str) -> Any:
    def leaf(s: Any) -> Any:
        if s.shape.rank == 0:
            raise ValueError(f"{what}: cannot unbatch an element with a scalar component {s}.")
        return TensorSpec(s.shape.as_list()[1:] if s.shape.rank else None, s.dtype)

    return map_leaves(leaf, spec)


def format_spec(spec: Any) -> str:
    return repr(spec)

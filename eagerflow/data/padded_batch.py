"""`Dataset.padded_batch`: batches of elements padded to a common (or given) shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from eagerflow.core import errors
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.data import _structure
from eagerflow.data._stage import Stage
from eagerflow.data.batch import batched_cardinality, map_batches


def _as_dims(shape: Any) -> list | None:
    if shape is None:
        return None
    if hasattr(shape, "numpy"):
        shape = shape.numpy().tolist()
    dims = TensorShape([None if d is not None and int(d) == -1 else d for d in shape])
    return dims.as_list()


def normalize_padded_shapes(padded_shapes: Any, spec: Any) -> list:
    """One dims list (None: pad to the batch's longest) per component of `spec`."""
    flat_spec = _structure.flatten(spec)
    if padded_shapes is None:
        return [None] * len(flat_spec)
    if isinstance(padded_shapes, list) and not _structure.is_structure(spec):
        padded_shapes = TensorShape(padded_shapes)
    flat = _structure.flatten(_shapes_as_leaves(padded_shapes))
    if len(flat) != len(flat_spec):
        raise ValueError(
            f"padded_batch: `padded_shapes` {padded_shapes!r} does not match the structure of "
            f"the dataset's elements {spec!r}."
        )
    out = []
    for shape, s in zip(flat, flat_spec):
        dims = _as_dims(shape)
        if s.shape.rank is not None and len(dims) != s.shape.rank:
            raise ValueError(
                f"padded_batch: the padded shape {TensorShape(dims)} is not compatible with "
                f"the corresponding input component shape {s.shape}."
            )
        out.append(dims)
    return out


def _shapes_as_leaves(value: Any) -> Any:
    # Inside the structure, a list or TensorShape is one shape, not a nesting level.
    if isinstance(value, dict):
        return type(value)((k, _shapes_as_leaves(v)) for k, v in value.items())
    if isinstance(value, tuple) and not all(d is None or isinstance(d, int) for d in value):
        children = [_shapes_as_leaves(v) for v in value]
        return type(value)(*children) if hasattr(value, "_fields") else tuple(children)
    return TensorShape(value) if isinstance(value, (list, tuple)) else value


def normalize_padding_values(padding_values: Any, spec: Any) -> list:
    """One scalar padding value per component (0, or b'' for strings, by default)."""
    flat_spec = _structure.flatten(spec)
    if padding_values is None:
        flat = [None] * len(flat_spec)
    elif not _structure.is_structure(padding_values):
        flat = [padding_values] * len(flat_spec)
    else:
        flat = _structure.flatten(padding_values)
        if len(flat) != len(flat_spec):
            raise ValueError(
                f"padded_batch: `padding_values` {padding_values!r} does not match the structure "
                f"of the dataset's elements {spec!r}."
            )
    out = []
    for value, s in zip(flat, flat_spec):
        np_dtype = s.dtype.as_numpy_dtype
        if value is None:
            out.append(b"" if s.dtype.name == "string" else np.zeros((), np_dtype))
        else:
            out.append(np.asarray(value).astype(np_dtype))
    return out


def pad_and_stack(column: list, dims: list | None, value: Any) -> np.ndarray:
    shapes = [np.shape(c) for c in column]
    rank = len(shapes[0])
    if any(len(s) != rank for s in shapes):
        raise errors.InvalidArgumentError(
            None, None, f"padded_batch: elements have different ranks: {shapes}."
        )
    longest = [max(s[d] for s in shapes) for d in range(rank)]
    target = [lo if dims is None or dims[d] is None else dims[d] for d, lo in enumerate(longest)]
    if any(lo > t for lo, t in zip(longest, target)):
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Attempted to pad to a smaller size than the input element: padded shape "
            f"{target}, element shape {longest}.",
        )
    first = np.asarray(column[0])
    out = np.empty([len(column)] + target, dtype=first.dtype)
    out[...] = value
    for i, c in enumerate(column):
        out[(i,) + tuple(slice(0, n) for n in np.shape(c))] = c
    return out


class PaddedBatchStage(Stage):
    name = "PaddedBatchDataset"

    def __init__(
        self,
        input_stage: Stage,
        batch_size: int,
        padded_shapes: Any,
        padding_values: Any,
        drop_remainder: bool,
    ) -> None:
        super().__init__(input_stage)
        spec = input_stage.element_spec
        self.batch_size = batch_size
        self.shapes = normalize_padded_shapes(padded_shapes, spec)
        self.values = normalize_padding_values(padding_values, spec)
        self.drop_remainder = drop_remainder

    def iterate(self) -> Iterator:
        return map_batches(self.input, self.batch_size, self.drop_remainder, self._pad)

    def _pad(self, elements: list) -> Any:
        columns = zip(*[_structure.flatten(e) for e in elements])
        out = [
            pad_and_stack(list(col), dims, value)
            for col, dims, value in zip(columns, self.shapes, self.values)
        ]
        return _structure.pack_as(elements[0], out)

    def cardinality(self) -> int:
        return batched_cardinality(self.input.cardinality(), self.batch_size, self.drop_remainder)

    def compute_spec(self) -> Any:
        spec = self.input.element_spec
        size = self.batch_size if self.drop_remainder else None
        out = []
        for s, dims in zip(_structure.flatten(spec), self.shapes):
            if dims is None:
                dims = s.shape.as_list() if s.shape.rank is not None else None
            out.append(TensorSpec(TensorShape([size]).concatenate(TensorShape(dims)), s.dtype))
        return _structure.pack_as(spec, out)

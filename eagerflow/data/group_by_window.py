"""`Dataset.group_by_window` and `Dataset.bucket_by_sequence_length`: elements grouped by a
key into windows, each window reduced to a dataset (typically a batch)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from eagerflow.core.tensor import wrap
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.data import _structure
from eagerflow.data._stage import UNKNOWN, Stage, close_iterator, make_dataset
from eagerflow.data.map import probe
from eagerflow.data.window import ElementsStage


def _int_scalar(value: Any, what: str) -> int:
    arr = np.asarray(value)
    if arr.shape != () or arr.dtype.kind not in "iu":
        raise TypeError(f"{what} must return an integer scalar; got {value!r}.")
    return int(arr)


def _keep_input_dims(out: Any, inp: Any) -> Any:
    if not isinstance(out, TensorSpec) or out.shape.rank is None:
        return out
    dims = out.shape.as_list()
    known = inp.shape.as_list() if isinstance(inp, TensorSpec) and inp.shape.rank else []
    kept = [None] * len(dims)
    for k in range(1, min(len(dims), len(known)) + 1):
        if known[-k] is not None and known[-k] == dims[-k]:
            kept[-k] = dims[-k]
    return TensorSpec(kept, out.dtype)


class GroupByWindowStage(Stage):
    """Windows of up to `window_size_func(key)` elements with equal `key_func(element)`;
    a window is emitted when full, and the partial ones when the input ends."""

    name = "GroupByWindowDataset"

    def __init__(
        self,
        input_stage: Stage,
        key_func: Callable,
        reduce_func: Callable,
        window_size_func: Callable,
    ) -> None:
        super().__init__(input_stage)
        self.key_func = key_func
        self.reduce_func = reduce_func
        self.window_size_func = window_size_func

    def _reduced(self, key: int, group: list) -> Stage:
        """The stage of `reduce_func(key, window)`, the window being a Dataset of `group`."""
        window = make_dataset(ElementsStage(group, self.input.element_spec))
        result = self.reduce_func(wrap(np.array(key, dtype=np.int64)), window)
        stage = getattr(result, "_stage", None)
        if stage is None:
            raise TypeError(
                f"group_by_window: `reduce_func` must return a Dataset; got {result!r}."
            )
        return stage

    def iterate(self) -> Iterator:
        groups: dict[int, list] = {}
        sizes: dict[int, int] = {}
        source = self.input.iterate()
        try:
            for element in source:
                key = _int_scalar(_structure.call(self.key_func, element), "key_func")
                if key not in sizes:
                    size = self.window_size_func(wrap(np.array(key, dtype=np.int64)))
                    sizes[key] = _int_scalar(size, "window_size_func")
                    if sizes[key] < 1:
                        raise ValueError(
                            f"group_by_window: window size must be positive; got {sizes[key]} "
                            f"for key {key}."
                        )
                group = groups.setdefault(key, [])
                group.append(element)
                if len(group) >= sizes[key]:
                    del groups[key]
                    yield from self._reduced(key, group).iterate()
            for key, group in groups.items():
                yield from self._reduced(key, group).iterate()
        finally:
            close_iterator(source)

    def cardinality(self) -> int:
        return UNKNOWN

    def compute_spec(self) -> Any:
        # reduce_func may shape each key's windows differently; from one sample window, keep
        # only the trailing dims that the input spec itself fixes.
        element, _ = probe(self.input)
        key = _int_scalar(_structure.call(self.key_func, element), "key_func")
        out = self._reduced(key, [element]).element_spec
        flat_in = _structure.flatten(self.input.element_spec)
        flat_out = _structure.flatten(out)
        if len(flat_in) != len(flat_out):
            return _structure.relax_spec(out, None)
        return _structure.pack_as(out, [_keep_input_dims(o, i) for o, i in zip(flat_out, flat_in)])


def bucketing(
    element_length_func: Callable,
    boundaries: list[int],
    batch_sizes: list[int],
    padded_shapes: Any,
    padding_values: Any,
    pad_to_bucket_boundary: bool,
    no_padding: bool,
    drop_remainder: bool,
) -> tuple[Callable, Callable, Callable]:
    """`bucket_by_sequence_length` as (key_func, reduce_func, window_size_func) for
    `group_by_window`: bucket `i` holds lengths in `[boundaries[i-1], boundaries[i])`."""
    if len(batch_sizes) != len(boundaries) + 1:
        raise ValueError(
            "bucket_by_sequence_length: len(bucket_batch_sizes) must equal "
            f"len(bucket_boundaries) + 1; got {len(batch_sizes)} and {len(boundaries)}."
        )
    if list(boundaries) != sorted(boundaries):
        raise ValueError(
            f"bucket_by_sequence_length: bucket_boundaries must be sorted; got {boundaries}."
        )

    def key_func(*element: Any) -> int:
        length = _int_scalar(element_length_func(*element), "element_length_func")
        return np.int64(np.searchsorted(boundaries, length, side="right"))

    def window_size_func(bucket: Any) -> int:
        return np.int64(batch_sizes[int(bucket)])

    def reduce_func(bucket: Any, window: Any) -> Any:
        size = batch_sizes[int(bucket)]
        if no_padding:
            return window.batch(size, drop_remainder=drop_remainder)
        shapes = padded_shapes
        if pad_to_bucket_boundary:
            if int(bucket) == len(boundaries):
                raise ValueError(
                    "bucket_by_sequence_length: when pad_to_bucket_boundary=True, elements must "
                    f"have length < max(bucket_boundaries) = {boundaries[-1]}."
                )
            fill = boundaries[int(bucket)] - 1
            spec = shapes if shapes is not None else window.element_spec

            def leaf(s: Any) -> Any:
                dims = s.shape.as_list() if hasattr(s, "shape") else list(s)
                return [fill if d is None or d == -1 else d for d in dims]

            shapes = _structure.map_leaves(leaf, spec)
        return window.padded_batch(size, shapes, padding_values, drop_remainder)

    return key_func, reduce_func, window_size_func

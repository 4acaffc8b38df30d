"""The iterator stage: the node every `Dataset` wraps.

A stage describes one source or transformation. `iterate()` returns a fresh Python iterator
over internal elements (nested structures of host NumPy arrays, see `_structure`); every
call starts over, which is what makes datasets re-iterable. Stages that only reorder or select
rows of in-memory arrays (slices, shuffle, take, skip, shard, repeat) also offer an
`IndexPlan`: a stream of row indices into the source arrays, so that `batch` can gather a
whole batch with one fancy index instead of stacking element by element.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from eagerflow.data import _structure

AUTOTUNE = -1
INFINITE = -1
UNKNOWN = -2

# Index chunks are this long; long enough to vectorize, short enough to start quickly.
CHUNK = 4096

# `Dataset` wraps stages; stages that build datasets (window, nested datasets) reach the class
# through this hook, which dataset_ops installs at import (core's `set_identity_op` pattern).
_dataset_factory: Callable | None = None


def set_dataset_factory(fn: Callable) -> None:
    global _dataset_factory
    _dataset_factory = fn


def make_dataset(stage: Stage) -> Any:
    return _dataset_factory(stage)


class IndexPlan:
    """Rows of in-memory arrays, selected and ordered by a stream of index chunks."""

    __slots__ = ("template", "arrays", "indices")

    def __init__(self, template: Any, arrays: list, indices: Callable[[], Iterator]) -> None:
        self.template = template  # the element structure (leaves unused)
        self.arrays = arrays  # flat list of source arrays, rows along axis 0
        self.indices = indices  # () -> iterator of int64 index arrays (a fresh stream)

    def with_indices(self, indices: Callable[[], Iterator]) -> IndexPlan:
        return IndexPlan(self.template, self.arrays, indices)

    def gather(self, idx: np.ndarray) -> Any:
        return _structure.pack_as(self.template, [a[idx] for a in self.arrays])

    def gatherer(self) -> Callable[[np.ndarray], Any]:
        """`gather`, specialized once for the common element shapes (the batch hot path)."""
        arrays, template = self.arrays, self.template
        if not _structure.is_structure(template):
            (a,) = arrays
            return a.__getitem__
        flat_tuple = type(template) is tuple and not any(map(_structure.is_structure, template))
        if flat_tuple:
            if len(arrays) == 2:
                a, b = arrays
                return lambda idx: (a[idx], b[idx])
            return lambda idx: tuple([a[idx] for a in arrays])
        return self.gather

    def elements(self) -> Iterator:
        arrays, template = self.arrays, self.template
        single = not _structure.is_structure(template)
        for chunk in self.indices():
            for i in chunk.tolist():
                if single:
                    yield arrays[0][i, ...]
                else:
                    yield _structure.pack_as(template, [a[i, ...] for a in arrays])


class Stage:
    """One source or transformation in a pipeline. Subclasses set `name` and override
    `iterate` (or `index_plan`, with `iterate_elements` for inputs that have no plan),
    `cardinality` and `compute_spec`."""

    name = "Dataset"
    # True for stages whose elements are (a selection of) their input's elements unchanged:
    # spec inference then samples the input instead of running this stage (no reshuffle).
    passes_elements = False

    def __init__(self, *inputs: Stage) -> None:
        self.inputs = inputs
        self._spec: Any = None
        self._spec_lock = threading.RLock()

    @property
    def input(self) -> Stage:
        return self.inputs[0]

    def iterate(self) -> Iterator:
        plan = self.index_plan()
        if plan is not None:
            return plan.elements()
        return self.iterate_elements()

    def iterate_elements(self) -> Iterator:
        """`iterate` element by element, for when `index_plan` is None."""
        raise NotImplementedError(f"{type(self).__name__} must implement iterate().")

    def index_plan(self) -> IndexPlan | None:
        return None

    def cardinality(self) -> int:
        return self.input.cardinality() if self.inputs else UNKNOWN

    @property
    def element_spec(self) -> Any:
        with self._spec_lock:
            if self._spec is None:
                self._spec = self.compute_spec()
            return self._spec

    def compute_spec(self) -> Any:
        return self.input.element_spec

    def sample_element(self) -> tuple[bool, Any]:
        """(True, an element of this stage's type) or (False, None); used to infer specs."""
        if self.passes_elements:
            return self.input.sample_element()
        it = self.iterate()
        try:
            return True, next(it)
        except StopIteration:
            return False, None
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()


def close_iterator(it: Any) -> None:
    close = getattr(it, "close", None)
    if close is not None:
        close()


def check_count(value: Any, what: str, minimum: int = 0, allow_minus_one: bool = False) -> int:
    """An int argument (Python int, NumPy or scalar Tensor), range-checked, naming `what`."""
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be an integer; got {value!r}.") from None
    if count < minimum and not (allow_minus_one and count == -1):
        raise ValueError(f"{what} must be at least {minimum}; got {count}.")
    return count

"""`Dataset.batch`: consecutive elements stacked along a new first dimension."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from eagerflow.core import errors
from eagerflow.data import _structure
from eagerflow.data._stage import INFINITE, UNKNOWN, IndexPlan, Stage, close_iterator


def batched_cardinality(n: int, batch_size: int, drop_remainder: bool) -> int:
    if n in (INFINITE, UNKNOWN):
        return n
    return n // batch_size if drop_remainder else -(-n // batch_size)


def stack(elements: list, what: str = "batch") -> Any:
    """Stacks a list of elements component-wise (the generic, element-by-element path)."""
    first = elements[0]
    columns = zip(*[_structure.flatten(e) for e in elements])
    out = []
    for component, column in enumerate(columns):
        try:
            out.append(np.stack(column))
        except ValueError:
            shapes = [np.shape(c) for c in column]
            j = next((j for j, s in enumerate(shapes) if s != shapes[0]), 0)
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Cannot {what} tensors with different shapes in component {component}. First "
                f"element had shape {list(shapes[0])} and element {j} had shape "
                f"{list(shapes[j])}.",
            ) from None
        except TypeError:
            raise TypeError(f"Cannot {what} elements of type {type(column[0]).__name__}.") from None
    return _structure.pack_as(first, out)


def gather_batches(plan: IndexPlan, batch_size: int, drop_remainder: bool) -> Iterator:
    """Batches as one fancy index per batch into the plan's source arrays."""
    gather = plan.gatherer()
    leftover = None
    for chunk in plan.indices():
        if leftover is not None and len(leftover):
            chunk = np.concatenate([leftover, chunk])
        full = len(chunk) // batch_size * batch_size
        for start in range(0, full, batch_size):
            yield gather(chunk[start : start + batch_size])
        leftover = chunk[full:]
    if leftover is not None and len(leftover) and not drop_remainder:
        yield gather(leftover)


def map_batches(
    stage: Stage, batch_size: int, drop_remainder: bool, combine: Callable[[list], Any]
) -> Iterator:
    """`combine(elements)` for each run of `batch_size` elements of `stage` (the last run
    shorter, unless `drop_remainder`), element by element."""
    source = stage.iterate()
    try:
        while True:
            elements = list(itertools.islice(source, batch_size))
            if not elements or (drop_remainder and len(elements) < batch_size):
                return
            yield combine(elements)
    finally:
        close_iterator(source)


class BatchStage(Stage):
    name = "BatchDataset"

    def __init__(self, input_stage: Stage, batch_size: int, drop_remainder: bool) -> None:
        super().__init__(input_stage)
        self.batch_size = batch_size
        self.drop_remainder = drop_remainder

    def iterate(self) -> Iterator:
        plan = self.input.index_plan()
        if plan is not None:
            return gather_batches(plan, self.batch_size, self.drop_remainder)
        return map_batches(self.input, self.batch_size, self.drop_remainder, stack)

    def cardinality(self) -> int:
        return batched_cardinality(self.input.cardinality(), self.batch_size, self.drop_remainder)

    def compute_spec(self) -> Any:
        size = self.batch_size if self.drop_remainder else None
        return _structure.prepend_dim(self.input.element_spec, size)

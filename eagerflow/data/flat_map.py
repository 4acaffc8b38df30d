"""`Dataset.flat_map`: each element mapped to a dataset, and those datasets chained."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from eagerflow.data import _structure
from eagerflow.data._stage import UNKNOWN, Stage, close_iterator
from eagerflow.data.map import probe, relaxed


def dataset_stage(fn: Callable, element: Any, what: str) -> Stage:
    """Calls `fn` on an element; it must return a Dataset, whose stage is returned."""
    result = _structure.call(fn, element)
    stage = getattr(result, "_stage", None)
    if stage is None:
        raise TypeError(f"{what}: `map_func` must return a Dataset object; got {result!r}.")
    return stage


class FlatMapStage(Stage):
    name = "FlatMapDataset"

    def __init__(self, input_stage: Stage, fn: Callable) -> None:
        super().__init__(input_stage)
        self.fn = fn

    def iterate(self) -> Iterator:
        source = self.input.iterate()
        try:
            for element in source:
                yield from dataset_stage(self.fn, element, "flat_map").iterate()
        finally:
            close_iterator(source)

    def cardinality(self) -> int:
        return UNKNOWN

    def compute_spec(self) -> Any:
        element, hints = probe(self.input)
        return relaxed(dataset_stage(self.fn, element, "flat_map").element_spec, hints)

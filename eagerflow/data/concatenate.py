"""`Dataset.concatenate`: the elements of one dataset followed by those of another."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eagerflow.data import _structure
from eagerflow.data._stage import INFINITE, UNKNOWN, Stage


class ConcatenateStage(Stage):
    name = "ConcatenateDataset"

    def __init__(self, first: Stage, second: Stage) -> None:
        super().__init__(first, second)
        _structure.assert_same_structure(
            first.element_spec, second.element_spec, "concatenate: the two datasets have"
        )

    def iterate(self) -> Iterator:
        for stage in self.inputs:
            yield from stage.iterate()

    def cardinality(self) -> int:
        counts = [s.cardinality() for s in self.inputs]
        if INFINITE in counts:
            return INFINITE
        if UNKNOWN in counts:
            return UNKNOWN
        return sum(counts)

    def compute_spec(self) -> Any:
        return _structure.merge_specs(self.inputs[0].element_spec, self.inputs[1].element_spec)

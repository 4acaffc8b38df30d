"""`Dataset.zip`: tuples (or any nesting) of elements taken in lockstep from several datasets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eagerflow.data import _structure
from eagerflow.data._stage import INFINITE, UNKNOWN, Stage, close_iterator


def combined_cardinality(counts: list[int]) -> int:
    """Lockstep length: the shortest finite input, unknown if any is unknown."""
    if any(c == UNKNOWN for c in counts):
        return UNKNOWN
    finite = [c for c in counts if c != INFINITE]
    return min(finite) if finite else INFINITE


class ZipStage(Stage):
    name = "ZipDataset"

    def __init__(self, structure: Any, stages: list[Stage]) -> None:
        super().__init__(*stages)
        self.structure = structure  # nesting of the datasets; leaves are replaced by elements

    def iterate(self) -> Iterator:
        iterators = [s.iterate() for s in self.inputs]
        try:
            while True:
                parts = []
                for it in iterators:
                    try:
                        parts.append(next(it))
                    except StopIteration:
                        return
                yield _structure.pack_as(self.structure, parts)
        finally:
            for it in iterators:
                close_iterator(it)

    def cardinality(self) -> int:
        return combined_cardinality([s.cardinality() for s in self.inputs])

    def compute_spec(self) -> Any:
        return _structure.pack_as(self.structure, [s.element_spec for s in self.inputs])

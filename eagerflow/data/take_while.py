"""`Dataset.take_while`: elements up to (not including) the first for which a predicate fails."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from eagerflow.data._stage import UNKNOWN, Stage, close_iterator
from eagerflow.data.filter import predicate_value


class TakeWhileStage(Stage):
    name = "TakeWhileDataset"
    passes_elements = True

    def __init__(self, input_stage: Stage, predicate: Callable) -> None:
        super().__init__(input_stage)
        self.predicate = predicate

    def iterate(self) -> Iterator:
        source = self.input.iterate()
        try:
            for element in source:
                if not predicate_value(self.predicate, element, "take_while"):
                    return
                yield element
        finally:
            close_iterator(source)

    def cardinality(self) -> int:
        return UNKNOWN

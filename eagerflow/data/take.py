"""`Dataset.take`: the first `count` elements (all of them when `count` is -1)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from eagerflow.data._stage import INFINITE, UNKNOWN, IndexPlan, Stage, close_iterator


class TakeStage(Stage):
    name = "TakeDataset"
    passes_elements = True

    def __init__(self, input_stage: Stage, count: int) -> None:
        super().__init__(input_stage)
        self.count = count

    def index_plan(self) -> IndexPlan | None:
        plan = self.input.index_plan()
        if plan is None or self.count < 0:
            return plan

        def indices() -> Iterator:
            left = self.count
            if left == 0:
                return
            for chunk in plan.indices():
                if len(chunk) >= left:
                    yield chunk[:left]
                    return
                left -= len(chunk)
                yield chunk

        return plan.with_indices(indices)

    def iterate_elements(self) -> Iterator:
        if self.count < 0:
            return self.input.iterate()
        return self._taken()

    def _taken(self) -> Iterator:
        if self.count == 0:
            return
        source = self.input.iterate()
        try:
            yield from itertools.islice(source, self.count)
        finally:
            close_iterator(source)

    def cardinality(self) -> int:
        n = self.input.cardinality()
        if n == UNKNOWN:
            return UNKNOWN
        if self.count < 0:
            return n
        if n == INFINITE:
            return self.count
        return min(n, self.count)

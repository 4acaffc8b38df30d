"""`Dataset.repeat`: the input, `count` times over (forever when `count` is None or -1)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from eagerflow.data._stage import INFINITE, UNKNOWN, IndexPlan, Stage


class RepeatStage(Stage):
    name = "RepeatDataset"
    passes_elements = True

    def __init__(self, input_stage: Stage, count: int) -> None:
        super().__init__(input_stage)
        self.count = count

    def _epochs(self) -> Iterator[int]:
        return itertools.count() if self.count < 0 else iter(range(self.count))

    def index_plan(self) -> IndexPlan | None:
        plan = self.input.index_plan()
        if plan is None:
            return None

        def indices() -> Iterator:
            for _ in self._epochs():
                empty = True
                for chunk in plan.indices():
                    empty = empty and not len(chunk)
                    yield chunk
                if empty:  # repeating an empty dataset forever would never end
                    return

        return plan.with_indices(indices)

    def iterate_elements(self) -> Iterator:
        for _ in self._epochs():
            empty = True
            for element in self.input.iterate():
                empty = False
                yield element
            if empty:
                return

    def cardinality(self) -> int:
        n = self.input.cardinality()
        if self.count < 0:
            return 0 if n == 0 else INFINITE
        if self.count == 0:
            return 0
        if n in (INFINITE, UNKNOWN):
            return n
        return self.count * n

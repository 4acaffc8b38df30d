"""`Dataset.skip`: all but the first `count` elements (none when `count` is -1)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from eagerflow.data._stage import INFINITE, UNKNOWN, IndexPlan, Stage, close_iterator


class SkipStage(Stage):
    name = "SkipDataset"
    passes_elements = True

    def __init__(self, input_stage: Stage, count: int) -> None:
        super().__init__(input_stage)
        self.count = count

    def index_plan(self) -> IndexPlan | None:
        plan = self.input.index_plan()
        if plan is None:
            return None

        def indices() -> Iterator:
            left = self.count
            if left < 0:
                return
            for chunk in plan.indices():
                if left >= len(chunk):
                    left -= len(chunk)
                    continue
                yield chunk[left:]
                left = 0

        return plan.with_indices(indices)

    def iterate_elements(self) -> Iterator:
        source = self.input.iterate()
        try:
            if self.count < 0:
                for _ in source:
                    pass
                return
            yield from itertools.islice(source, self.count, None)
        finally:
            close_iterator(source)

    def cardinality(self) -> int:
        n = self.input.cardinality()
        if n in (INFINITE, UNKNOWN):
            return n
        if self.count < 0:
            return 0
        return max(0, n - self.count)

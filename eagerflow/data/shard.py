"""`Dataset.shard`: every `num_shards`-th element, starting at `index`."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from eagerflow.data._stage import INFINITE, UNKNOWN, IndexPlan, Stage, close_iterator


class ShardStage(Stage):
    name = "ShardDataset"
    passes_elements = True

    def __init__(self, input_stage: Stage, num_shards: int, index: int) -> None:
        super().__init__(input_stage)
        self.num_shards = num_shards
        self.index = index

    def index_plan(self) -> IndexPlan | None:
        plan = self.input.index_plan()
        if plan is None:
            return None

        def indices() -> Iterator:
            offset = 0  # input position of the chunk's first element
            for chunk in plan.indices():
                first = (self.index - offset) % self.num_shards
                yield chunk[first :: self.num_shards]
                offset += len(chunk)

        return plan.with_indices(indices)

    def iterate_elements(self) -> Iterator:
        source = self.input.iterate()
        try:
            yield from itertools.islice(source, self.index, None, self.num_shards)
        finally:
            close_iterator(source)

    def cardinality(self) -> int:
        n = self.input.cardinality()
        if n in (INFINITE, UNKNOWN):
            return n
        return n // self.num_shards + (1 if self.index < n % self.num_shards else 0)

"""`Dataset.interleave`: datasets made from input elements, read round-robin in blocks.

The order is TensorFlow's: `cycle_length` input elements are open at once; `block_length`
consecutive elements are taken from each in turn; an exhausted one is replaced, in its slot
of the cycle, by the dataset of the next input element. With `num_parallel_calls`, each open
dataset is read ahead on its own thread; the order stays the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from eagerflow.data import _threads
from eagerflow.data._stage import UNKNOWN, Stage, close_iterator
from eagerflow.data.flat_map import dataset_stage
from eagerflow.data.map import probe, relaxed

_READ_AHEAD = 8


class InterleaveStage(Stage):
    name = "InterleaveDataset"

    def __init__(
        self,
        input_stage: Stage,
        fn: Callable,
        cycle_length: int,
        block_length: int,
        workers: int | None,
    ) -> None:
        super().__init__(input_stage)
        self.fn = fn
        self.cycle_length = cycle_length
        self.block_length = block_length
        self.workers = workers
        if workers is not None:
            self.name = "ParallelInterleaveDataset"

    def _open(self, element: Any, slot: int) -> Iterator:
        it = dataset_stage(self.fn, element, "interleave").iterate()
        if self.workers is None:
            return it
        return _threads.background(it, _READ_AHEAD, f"eagerflow.data.interleave_{slot}")

    def iterate(self) -> Iterator:
        cycle: list = [None] * self.cycle_length
        source = self.input.iterate()
        index = block = 0
        open_count = 0
        end_of_input = False
        try:
            while not end_of_input or open_count:
                current = cycle[index]
                if current is not None:
                    try:
                        element = next(current)
                    except StopIteration:
                        cycle[index] = None
                        open_count -= 1
                        index, block = (index + 1) % self.cycle_length, 0
                        continue
                    block += 1
                    if block == self.block_length:
                        index, block = (index + 1) % self.cycle_length, 0
                    yield element
                elif not end_of_input:
                    try:
                        element = next(source)
                    except StopIteration:
                        end_of_input = True
                        continue
                    cycle[index] = self._open(element, index)
                    open_count += 1
                else:
                    index, block = (index + 1) % self.cycle_length, 0
        finally:
            for it in cycle:
                if it is not None:
                    close_iterator(it)
            close_iterator(source)

    def cardinality(self) -> int:
        return UNKNOWN

    def compute_spec(self) -> Any:
        element, hints = probe(self.input)
        return relaxed(dataset_stage(self.fn, element, "interleave").element_spec, hints)

"""`Dataset.prefetch`: a background thread that produces elements ahead of the consumer."""

from __future__ import annotations

from collections.abc import Iterator

from eagerflow.data import _threads
from eagerflow.data._stage import AUTOTUNE, Stage

# What AUTOTUNE means for the buffer: enough to hide jitter, small enough for big batches.
AUTOTUNE_BUFFER = 4


class PrefetchStage(Stage):
    name = "PrefetchDataset"
    passes_elements = True

    def __init__(self, input_stage: Stage, buffer_size: int) -> None:
        super().__init__(input_stage)
        self.buffer_size = AUTOTUNE_BUFFER if buffer_size == AUTOTUNE else buffer_size

    def iterate(self) -> Iterator:
        if self.buffer_size == 0:
            return self.input.iterate()
        return _threads.background(
            self.input.iterate(), self.buffer_size, "eagerflow.data.prefetch"
        )

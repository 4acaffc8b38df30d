"""`Dataset.shuffle`: TensorFlow's buffer shuffle.

The first `buffer_size` elements fill a buffer; each output is a uniformly random element of
the buffer, whose place is then taken by the next input element; once the input ends the
buffer is drained in random order. So the element at output position `t` always comes from
the first `t + buffer_size` input elements, and `buffer_size=1` keeps the order.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

from eagerflow.data import _seed
from eagerflow.data._stage import CHUNK, IndexPlan, Stage, close_iterator


def shuffle_chunks(chunks: Iterator, buffer_size: int, rng: np.random.Generator) -> Iterator:
    """Buffer-shuffles a stream given as lists of items; yields lists of items."""
    buf: list = []
    for items in chunks:
        start = 0
        if len(buf) < buffer_size:
            start = min(buffer_size - len(buf), len(items))
            buf.extend(items[:start])
            if start == len(items):
                continue
        rest = items[start:]
        picks = rng.integers(0, len(buf), size=len(rest)).tolist()
        out = [None] * len(rest)
        for k, item in enumerate(rest):
            i = picks[k]
            out[k] = buf[i]
            buf[i] = item
        yield out
    n = len(buf)
    if n:
        picks = rng.integers(0, np.arange(n, 0, -1)).tolist()
        out = []
        for i in picks:
            out.append(buf[i])
            buf[i] = buf[-1]
            buf.pop()
        yield out


def _lists(iterator: Iterator) -> Iterator:
    while True:
        items = list(itertools.islice(iterator, CHUNK))
        if not items:
            return
        yield items


class ShuffleStage(Stage):
    name = "ShuffleDataset"
    passes_elements = True

    def __init__(
        self, input_stage: Stage, buffer_size: int, seed: Any, reshuffle_each_iteration: bool
    ) -> None:
        super().__init__(input_stage)
        self.buffer_size = buffer_size
        self.seeds = _seed.op_seeds(seed)
        self.reshuffle = reshuffle_each_iteration
        self._iteration = 0
        self._lock = threading.Lock()

    def _next_rng(self) -> np.random.Generator:
        with self._lock:
            iteration = self._iteration
            if self.reshuffle:
                self._iteration += 1
        return _seed.generator(self.seeds, iteration)

    def index_plan(self) -> IndexPlan | None:
        plan = self.input.index_plan()
        if plan is None:
            return None

        def indices() -> Iterator:
            chunks = (c.tolist() for c in plan.indices())
            for out in shuffle_chunks(chunks, self.buffer_size, self._next_rng()):
                yield np.array(out, dtype=np.int64)

        return plan.with_indices(indices)

    def iterate(self) -> Iterator:
        plan = self.index_plan()
        if plan is not None:
            return plan.elements()
        return self._shuffled()

    def _shuffled(self) -> Iterator:
        source = self.input.iterate()
        try:
            for out in shuffle_chunks(_lists(source), self.buffer_size, self._next_rng()):
                yield from out
        finally:
            close_iterator(source)

"""`Dataset.shuffle`: TensorFlow's buffer shuffle.

The first `buffer_size` elements fill a buffer; each output is a uniformly random element of
the buffer, whose place is then taken by the next input element; once the input ends the
buffer is drained in random order. So the element at output position `t` always comes from
the first `t + buffer_size` input elements, and `buffer_size=1` keeps the order.

The shuffle runs on int64 ids, vectorized per chunk: row indices when the input is an
`IndexPlan` (in-memory slices), otherwise ids of elements waiting in a dict. Both paths give
the same order for the same seed.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

from eagerflow.data import _seed
from eagerflow.data._stage import CHUNK, IndexPlan, Stage, close_iterator


def _steady_state(buf: np.ndarray, items: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """Outputs of `for k: out[k] = buf[picks[k]]; buf[picks[k]] = items[k]`, vectorized.

    Output `k` is whatever slot `picks[k]` last received before step `k`: the item of the
    previous step that picked the same slot, else the slot's content before the chunk.
    """
    n = len(items)
    order = _group_by_slot(picks, n)
    slots = picks[order]
    same_as_previous = np.zeros(n, dtype=bool)
    same_as_previous[1:] = slots[1:] == slots[:-1]
    previous_step = np.zeros(n, dtype=np.int64)
    previous_step[1:] = order[:-1]
    out = np.empty_like(items)
    out[order] = np.where(same_as_previous, items[previous_step], buf[slots])
    last_of_slot = np.ones(n, dtype=bool)
    last_of_slot[:-1] = ~same_as_previous[1:]
    buf[slots[last_of_slot]] = items[order[last_of_slot]]
    return out


def _group_by_slot(picks: np.ndarray, n: int) -> np.ndarray:
    """Step numbers sorted by slot, ties in time order (a stable argsort, made fast)."""
    if picks.max(initial=0) < 2**16:
        return np.argsort(picks.astype(np.uint16), kind="stable")  # radix sort
    return np.argsort(picks * n + np.arange(n, dtype=np.int64))  # unique keys


def shuffle_indices(chunks: Iterator, buffer_size: int, rng: np.random.Generator) -> Iterator:
    """Buffer-shuffles a stream of int64 chunks; yields int64 chunks."""
    filling: list = []
    filled = 0
    buf = None
    for chunk in chunks:
        if buf is None:
            need = buffer_size - filled
            if len(chunk) < need:
                filling.append(chunk)
                filled += len(chunk)
                continue
            filling.append(chunk[:need])
            buf = np.concatenate(filling)
            chunk = chunk[need:]
            if not len(chunk):
                continue
        picks = rng.integers(0, buffer_size, size=len(chunk))
        yield _steady_state(buf, chunk, picks)
    if buf is None:
        buf = np.concatenate(filling) if filling else np.empty(0, np.int64)
    if len(buf):  # draining by uniform picks among the rest is a uniform permutation
        yield buf[rng.permutation(len(buf))]


def _numbered(source: Iterator, store: dict) -> Iterator:
    """Chunks of ids for the elements of `source`; the elements wait in `store` by id."""
    first = 0
    while True:
        elements = list(itertools.islice(source, CHUNK))
        if not elements:
            return
        chunk = np.arange(first, first + len(elements), dtype=np.int64)
        store.update(zip(chunk.tolist(), elements))
        first += len(elements)
        yield chunk


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
            return shuffle_indices(plan.indices(), self.buffer_size, self._next_rng())

        return plan.with_indices(indices)

    def iterate_elements(self) -> Iterator:
        store: dict = {}
        source = self.input.iterate()
        try:
            ids = _numbered(source, store)
            for chunk in shuffle_indices(ids, self.buffer_size, self._next_rng()):
                pop = store.pop
                for i in chunk.tolist():
                    yield pop(i)
        finally:
            close_iterator(source)

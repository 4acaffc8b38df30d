"""`Dataset.rebatch`: the rows of a batched dataset regrouped into batches of new sizes."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np

from eagerflow.data import _structure
from eagerflow.data._stage import UNKNOWN, Stage, close_iterator


class RebatchStage(Stage):
    """Batches of `sizes[0]`, `sizes[1]`, ... rows (cycling), as `unbatch().batch(...)`."""

    name = "RebatchDataset"

    def __init__(self, input_stage: Stage, sizes: list[int], drop_remainder: bool) -> None:
        super().__init__(input_stage)
        self.sizes = sizes
        self.drop_remainder = drop_remainder

    def iterate(self) -> Iterator:
        sizes = itertools.cycle(self.sizes)
        target = next(sizes)
        pending: list = []  # input batches (flat component lists) not yet emitted
        rows = 0
        template = None
        source = self.input.iterate()
        try:
            for element in source:
                flat = _structure.flatten(element)
                template = element
                pending.append(flat)
                rows += flat[0].shape[0]
                while rows >= target:
                    out, pending = _split(pending, target)
                    rows -= target
                    yield _structure.pack_as(template, out)
                    target = next(sizes)
            if rows and not self.drop_remainder:
                out, _ = _split(pending, rows)
                yield _structure.pack_as(template, out)
        finally:
            close_iterator(source)

    def cardinality(self) -> int:
        return UNKNOWN

    def compute_spec(self) -> Any:
        static = len(set(self.sizes)) == 1 and self.drop_remainder
        spec = _structure.drop_dim(self.input.element_spec, "rebatch")
        return _structure.prepend_dim(spec, self.sizes[0] if static else None)


def _split(pending: list, n: int) -> tuple[list, list]:
    """The first `n` rows of the pending batches, and the batches left over."""
    columns = [np.concatenate(col) if len(col) > 1 else col[0] for col in zip(*pending)]
    head = [c[:n] for c in columns]
    tail = [c[n:] for c in columns]
    return head, ([tail] if tail[0].shape[0] else [])

"""`Dataset.window`: overlapping or strided windows of elements, each a small dataset."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eagerflow.data import _structure
from eagerflow.data._stage import INFINITE, UNKNOWN, Stage, close_iterator, make_dataset


class ElementsStage(Stage):
    """A finite dataset over a list of elements already in memory (one window component)."""

    name = "WindowDataset"

    def __init__(self, elements: list, spec: Any) -> None:
        super().__init__()
        self.elements = elements
        self._spec = spec

    def iterate(self) -> Iterator:
        return iter(self.elements)

    def cardinality(self) -> int:
        return len(self.elements)


def window_cardinality(n: int, size: int, shift: int, stride: int, drop: bool) -> int:
    if n in (INFINITE, UNKNOWN):
        return n
    if drop:
        rest = n - ((size - 1) * stride + 1)
        return 0 if rest < 0 else rest // shift + 1
    return n // shift + (0 if n % shift == 0 else 1)


class WindowStage(Stage):
    name = "WindowDataset"

    def __init__(
        self, input_stage: Stage, size: int, shift: int, stride: int, drop_remainder: bool
    ) -> None:
        super().__init__(input_stage)
        self.size, self.shift, self.stride = size, shift, stride
        self.drop_remainder = drop_remainder

    def iterate(self) -> Iterator:
        size, shift, stride = self.size, self.shift, self.stride
        span = (size - 1) * stride + 1
        specs = _structure.flatten(self.input.element_spec)
        buf: list = []
        base = start = 0  # input positions of buf[0] and of the window's first element
        exhausted = False
        source = self.input.iterate()
        try:
            while True:
                while not exhausted and base + len(buf) < start + span:
                    try:
                        buf.append(next(source))
                    except StopIteration:
                        exhausted = True
                positions = range(start - base, min(start - base + span, len(buf)), stride)
                rows = [buf[p] for p in positions]
                if not rows or (self.drop_remainder and len(rows) < size):
                    return
                columns = zip(*[_structure.flatten(r) for r in rows])
                datasets = [
                    make_dataset(ElementsStage(list(col), spec))
                    for col, spec in zip(columns, specs)
                ]
                yield _structure.pack_as(rows[0], datasets)
                start += shift
                drop = min(start - base, len(buf))
                del buf[:drop]
                base += drop
                while base < start and not exhausted:  # shift beyond the buffered elements
                    try:
                        next(source)
                        base += 1
                    except StopIteration:
                        exhausted = True
        finally:
            close_iterator(source)

    def cardinality(self) -> int:
        return window_cardinality(
            self.input.cardinality(), self.size, self.shift, self.stride, self.drop_remainder
        )

    def compute_spec(self) -> Any:
        return _structure.map_leaves(_structure.DatasetSpec, self.input.element_spec)

"""`Dataset.range` and `tf.data.experimental.Counter`: arithmetic sequences of scalars."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.data._stage import CHUNK, INFINITE, Stage


class RangeStage(Stage):
    """`start, start + step, ...` up to `stop` (exclusive), or forever when `stop` is None."""

    name = "RangeDataset"

    def __init__(self, start: int, stop: int | None, step: int, dtype: Any) -> None:
        super().__init__()
        if step == 0:
            raise ValueError("Dataset.range: step must not be 0.")
        self.start, self.stop, self.step, self.dtype = start, stop, step, dtype

    def iterate(self) -> Iterator:
        np_dtype = self.dtype.as_numpy_dtype
        start, stop, step = self.start, self.stop, self.step
        while stop is None or (start < stop if step > 0 else start > stop):
            end = start + CHUNK * step
            if stop is not None:
                end = min(end, stop) if step > 0 else max(end, stop)
            chunk = np.arange(start, end, step).astype(np_dtype)
            for i in range(len(chunk)):
                yield chunk[i, ...]
            start = end

    def cardinality(self) -> int:
        if self.stop is None:
            return INFINITE
        return max(0, len(range(self.start, self.stop, self.step)))

    def compute_spec(self) -> Any:
        return TensorSpec([], self.dtype)

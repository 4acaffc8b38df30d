"""`Dataset.from_tensors`: a dataset of exactly one element."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eagerflow.data import _structure
from eagerflow.data._stage import Stage


class TensorStage(Stage):
    name = "TensorDataset"

    def __init__(self, element: Any) -> None:
        super().__init__()
        self.element = element

    def iterate(self) -> Iterator:
        return iter((self.element,))

    def cardinality(self) -> int:
        return 1

    def compute_spec(self) -> Any:
        return _structure.spec_of(self.element)

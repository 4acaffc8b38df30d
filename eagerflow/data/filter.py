"""`Dataset.filter`: the elements for which a predicate is true."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from eagerflow.data import _structure
from eagerflow.data._stage import UNKNOWN, Stage, close_iterator


def predicate_value(fn: Callable, element: Any, what: str) -> bool:
    """Calls a predicate and checks that it returned a scalar boolean."""
    result = _structure.call(fn, element)
    value = np.asarray(result)
    if value.shape != () or value.dtype != np.bool_:
        raise TypeError(
            f"{what}: the predicate must return a scalar boolean tensor; got {result!r}."
        )
    return bool(value)


class FilterStage(Stage):
    name = "FilterDataset"
    passes_elements = True

    def __init__(self, input_stage: Stage, predicate: Callable) -> None:
        super().__init__(input_stage)
        self.predicate = predicate

    def iterate(self) -> Iterator:
        source = self.input.iterate()
        predicate = self.predicate
        try:
            for element in source:
                if predicate_value(predicate, element, "filter"):
                    yield element
        finally:
            close_iterator(source)

    def cardinality(self) -> int:
        return UNKNOWN

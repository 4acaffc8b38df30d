"""`Dataset.unique`: each distinct element once, in order of first appearance."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eagerflow.data._stage import UNKNOWN, Stage, close_iterator

_SUPPORTED = "iuSUO"  # integers and strings, as TensorFlow


class UniqueStage(Stage):
    name = "UniqueDataset"
    passes_elements = True

    def __init__(self, input_stage: Stage) -> None:
        super().__init__(input_stage)
        spec = input_stage.element_spec
        dtype = getattr(spec, "dtype", None)
        if dtype is None or dtype.as_numpy_dtype(0).dtype.kind not in _SUPPORTED:
            raise TypeError(
                "unique: only datasets of single int32, int64 or string tensors are supported; "
                f"got elements of spec {spec!r}."
            )

    def iterate(self) -> Iterator:
        seen: set[Any] = set()
        source = self.input.iterate()
        try:
            for element in source:
                key = (
                    (element.shape, element.tobytes())
                    if element.dtype.kind != "O"
                    else (
                        element.shape,
                        tuple(element.ravel().tolist()),
                    )
                )
                if key not in seen:
                    seen.add(key)
                    yield element
        finally:
            close_iterator(source)

    def cardinality(self) -> int:
        return UNKNOWN

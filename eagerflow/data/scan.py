"""`Dataset.scan`: a running state threaded through the elements, emitting one output each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from eagerflow.data import _structure
from eagerflow.data._stage import Stage, close_iterator
from eagerflow.data.map import probe, relaxed


def step(fn: Callable, state: Any, element: Any, what: str) -> tuple[Any, Any]:
    """Calls `fn(state, element)`, which must return `(new_state, output)`."""
    result = fn(_structure.to_tensors(state), _structure.to_tensors(element))
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise TypeError(
            f"{what}: `scan_func` must return a pair (new_state, output_element); got {result!r}."
        )
    new_state = _structure.to_arrays(result[0])
    _structure.assert_same_structure(state, new_state, f"{what}: the new state")
    return new_state, _structure.to_arrays(result[1])


class ScanStage(Stage):
    name = "ScanDataset"

    def __init__(self, input_stage: Stage, initial_state: Any, fn: Callable) -> None:
        super().__init__(input_stage)
        self.initial_state = _structure.to_arrays(initial_state)
        self.fn = fn

    def iterate(self) -> Iterator:
        state = self.initial_state
        source = self.input.iterate()
        try:
            for element in source:
                state, out = step(self.fn, state, element, "scan")
                yield out
        finally:
            close_iterator(source)

    def compute_spec(self) -> Any:
        element, hints = probe(self.input)
        out = step(self.fn, self.initial_state, element, "scan")[1]
        return relaxed(_structure.spec_of(out), hints)

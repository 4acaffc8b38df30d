"""`Dataset.unbatch`: splits each element along its first dimension."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eagerflow.core import errors
from eagerflow.data import _structure
from eagerflow.data._stage import INFINITE, UNKNOWN, Stage, close_iterator


class UnbatchStage(Stage):
    name = "UnbatchDataset"

    def iterate(self) -> Iterator:
        source = self.input.iterate()
        try:
            for element in source:
                flat = _structure.flatten(element)
                sizes = {a.shape[0] if a.ndim else None for a in flat}
                if None in sizes:
                    raise errors.InvalidArgumentError(
                        None, None, "unbatch: input element has a scalar component."
                    )
                if len(sizes) != 1:
                    raise errors.InvalidArgumentError(
                        None,
                        None,
                        f"unbatch: input element components have different first dimensions "
                        f"{sorted(sizes)}.",
                    )
                if len(flat) == 1 and not _structure.is_structure(element):
                    a = element
                    for i in range(a.shape[0]):
                        yield a[i, ...]
                    continue
                for i in range(sizes.pop()):
                    yield _structure.pack_as(element, [a[i, ...] for a in flat])
        finally:
            close_iterator(source)

    def cardinality(self) -> int:
        n = self.input.cardinality()
        if n in (INFINITE, UNKNOWN, 0):
            return n
        dims = {s.shape[0] if s.shape.rank else None for s in _flat_specs(self.input)}
        if len(dims) == 1 and None not in dims:
            return n * dims.pop()
        return UNKNOWN

    def compute_spec(self) -> Any:
        return _structure.drop_dim(self.input.element_spec, "unbatch")


def _flat_specs(stage: Stage) -> list:
    return _structure.flatten(stage.element_spec)

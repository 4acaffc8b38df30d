"""`Dataset.map`: a function applied to every element, sequentially or on worker threads."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import Any

import numpy as np

from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.data import _structure
from eagerflow.data._stage import Stage, close_iterator


class ShapeHints:
    """What a sample element says about its spec's unknown (None) dims.

    Spec inference runs a user function once on a sample element. An output with exactly the
    concrete shape of an input component that has unknown dims takes that component's shape
    (elementwise functions keep `(None, 3)`); otherwise output dims whose size equals one an
    unknown input dim took are reported as None (e.g. the batch dimension after a reduction).
    """

    def __init__(self) -> None:
        self.sizes: set = set()
        self.shapes: dict = {}

    def add(self, spec: Any, leaf: Any) -> None:
        if not isinstance(spec, TensorSpec) or spec.shape.rank is None:
            return
        dims = spec.shape.as_list()
        if None not in dims:
            return
        shape = tuple(np.shape(leaf))
        self.shapes.setdefault(shape, dims)
        self.sizes.update(size for dim, size in zip(dims, shape) if dim is None)

    def relax(self, spec: Any) -> TensorSpec:
        if not isinstance(spec, TensorSpec) or not self.sizes or spec.shape.rank is None:
            return spec
        dims = spec.shape.as_list()
        known = self.shapes.get(tuple(dims))
        if known is None:
            known = [None if d in self.sizes else d for d in dims]
        return TensorSpec(known, spec.dtype)


def probe(stage: Stage) -> tuple[Any, ShapeHints]:
    """A sample element of `stage` to run a user function on, and its `ShapeHints`."""
    in_spec = stage.element_spec
    found, element = stage.sample_element()
    if not found:
        element = _structure.map_leaves(_zeros_like_spec, in_spec)
    hints = ShapeHints()
    for spec, leaf in zip(_structure.flatten(in_spec), _structure.flatten(element)):
        hints.add(spec, leaf)
    return element, hints


def relaxed(spec: Any, hints: ShapeHints) -> Any:
    """`spec` (found on a sample element) with the input's unknown dims put back as None."""
    return _structure.map_leaves(hints.relax, spec)


def infer_output_spec(stage: Stage, fn: Callable) -> Any:
    """The spec of `fn`'s results on `stage`'s elements (see `probe`)."""
    element, hints = probe(stage)
    return relaxed(_structure.spec_of(fn(element)), hints)


def _zeros_like_spec(spec: Any) -> Any:
    dims = [1 if d is None else d for d in (spec.shape.as_list() if spec.shape.rank else [])]
    return np.zeros(dims, dtype=spec.dtype.as_numpy_dtype)


class MapStage(Stage):
    name = "MapDataset"

    def __init__(
        self, input_stage: Stage, fn: Callable, workers: int | None, deterministic: Any
    ) -> None:
        super().__init__(input_stage)
        self.fn = fn
        self.workers = workers
        self.deterministic = deterministic is not False
        if workers is not None:
            self.name = "ParallelMapDataset"

    def apply(self, element: Any) -> Any:
        return _structure.call_and_normalize(self.fn, element)

    def iterate(self) -> Iterator:
        if self.workers is None:
            return map(self.apply, self.input.iterate())
        return self._parallel()

    def _parallel(self) -> Iterator:
        workers = self.workers
        pool = ThreadPoolExecutor(workers, thread_name_prefix="eagerflow.data.map")
        pending: deque = deque()
        source = self.input.iterate()
        apply = self.apply
        try:
            for element in source:
                pending.append(pool.submit(apply, element))
                if len(pending) >= 2 * workers:
                    yield from self._ready(pending)
            while pending:
                yield from self._ready(pending)
        finally:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True)
            close_iterator(source)

    def _ready(self, pending: deque) -> Iterator:
        """One result in input order, or (non-deterministic) whichever finished first."""
        if self.deterministic or pending[0].done():
            yield pending.popleft().result()
            return
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        future = next(f for f in pending if f in done)
        pending.remove(future)
        yield future.result()

    def compute_spec(self) -> Any:
        return infer_output_spec(self.input, self.apply)

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


def probe(stage: Stage) -> tuple[Any, set]:
    """An element of `stage`'s type to run a user function on, and the sizes its unknown
    (None) dims take in that element.

    Spec inference runs the user function once on this element; output dims whose size is
    one of these sizes are reported as None (e.g. the batch dimension of a batched input).
    """
    in_spec = stage.element_spec
    found, element = stage.sample_element()
    if not found:
        element = _structure.map_leaves(_zeros_like_spec, in_spec)
    unknown_sizes = set()
    for spec, leaf in zip(_structure.flatten(in_spec), _structure.flatten(element)):
        if isinstance(spec, TensorSpec) and spec.shape.rank is not None:
            for dim, size in zip(spec.shape.as_list(), np.shape(leaf)):
                if dim is None:
                    unknown_sizes.add(size)
    return element, unknown_sizes


def relaxed(spec: Any, unknown_sizes: set) -> Any:
    """`spec` with dims whose size is in `unknown_sizes` set to None."""

    def leaf(s: Any) -> Any:
        if not isinstance(s, TensorSpec) or not unknown_sizes or s.shape.rank is None:
            return s
        dims = [None if d in unknown_sizes else d for d in s.shape.as_list()]
        return TensorSpec(dims, s.dtype)

    return _structure.map_leaves(leaf, spec)


def infer_output_spec(stage: Stage, fn: Callable) -> Any:
    """The spec of `fn`'s results on `stage`'s elements (see `probe`)."""
    element, unknown_sizes = probe(stage)
    return relaxed(_structure.spec_of(fn(element)), unknown_sizes)


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

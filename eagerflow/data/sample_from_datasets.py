"""`Dataset.sample_from_datasets` and `Dataset.choose_from_datasets`: elements drawn from
several datasets, at random by weight or as a choice dataset directs."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np

from eagerflow.core import errors
from eagerflow.data import _seed, _structure
from eagerflow.data._stage import UNKNOWN, Stage, close_iterator


def _merged_spec(stages: tuple) -> Any:
    spec = stages[0].element_spec
    for s in stages[1:]:
        _structure.assert_same_structure(spec, s.element_spec, "sample_from_datasets")
        spec = _structure.merge_specs(spec, s.element_spec)
    return spec


class SampleStage(Stage):
    name = "DirectedInterleaveDataset"

    def __init__(
        self, stages: list[Stage], weights: np.ndarray, seed: Any, stop: bool, rerandomize: bool
    ) -> None:
        super().__init__(*stages)
        self.weights = weights
        self.seeds = _seed.op_seeds(seed)
        self.stop_on_empty = stop
        self.rerandomize = rerandomize
        self._iteration = itertools.count()

    def iterate(self) -> Iterator:
        iteration = next(self._iteration) if self.rerandomize else 0
        rng = _seed.generator(self.seeds, iteration)
        iterators = [s.iterate() for s in self.inputs]
        weights = self.weights.astype(np.float64).copy()
        try:
            while weights.sum() > 0:
                i = int(rng.choice(len(weights), p=weights / weights.sum()))
                try:
                    yield next(iterators[i])
                except StopIteration:
                    if self.stop_on_empty:
                        return
                    weights[i] = 0.0
        finally:
            for it in iterators:
                close_iterator(it)

    def cardinality(self) -> int:
        return UNKNOWN

    def compute_spec(self) -> Any:
        return _merged_spec(self.inputs)


class ChooseStage(Stage):
    name = "DirectedInterleaveDataset"

    def __init__(self, stages: list[Stage], choices: Stage, stop: bool) -> None:
        super().__init__(choices, *stages)
        self.stop_on_empty = stop

    def iterate(self) -> Iterator:
        choices = self.inputs[0].iterate()
        iterators = [s.iterate() for s in self.inputs[1:]]
        exhausted = [False] * len(iterators)
        try:
            for choice in choices:
                i = int(choice)
                if not 0 <= i < len(iterators):
                    raise errors.InvalidArgumentError(
                        None,
                        None,
                        f"choose_from_datasets: selector index {i} is out of range for "
                        f"{len(iterators)} datasets.",
                    )
                if exhausted[i]:
                    continue
                try:
                    yield next(iterators[i])
                except StopIteration:
                    if self.stop_on_empty:
                        return
                    exhausted[i] = True
                    if all(exhausted):
                        return
        finally:
            close_iterator(choices)
            for it in iterators:
                close_iterator(it)

    def cardinality(self) -> int:
        return UNKNOWN

    def compute_spec(self) -> Any:
        return _merged_spec(self.inputs[1:])

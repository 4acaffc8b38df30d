"""`tf.data.experimental`: the names that moved into `Dataset` later, kept for older code."""

from __future__ import annotations

from typing import Any

from eagerflow.core import dtypes
from eagerflow.core.convert import constant
from eagerflow.data._stage import AUTOTUNE, INFINITE, UNKNOWN
from eagerflow.data.dataset_ops import Dataset

INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN

__all__ = [
    "AUTOTUNE",
    "Counter",
    "INFINITE_CARDINALITY",
    "UNKNOWN_CARDINALITY",
    "cardinality",
    "choose_from_datasets",
    "enumerate_dataset",
    "get_single_element",
    "sample_from_datasets",
]


def cardinality(dataset: Dataset) -> Any:
    """`dataset.cardinality()`: an int64 scalar, or INFINITE (-1) / UNKNOWN (-2)."""
    return constant(dataset._stage.cardinality(), dtype=dtypes.int64)


def Counter(start: int = 0, step: int = 1, dtype: Any = dtypes.int64) -> Dataset:  # noqa: N802
    """The infinite dataset `start, start + step, ...`."""
    return Dataset.counter(start, step, dtype)


def enumerate_dataset(start: int = 0) -> Any:
    """A transformation for `Dataset.apply`: `dataset.enumerate(start)`."""
    return lambda dataset: dataset.enumerate(start)


def get_single_element(dataset: Dataset) -> Any:
    return dataset.get_single_element()


sample_from_datasets = Dataset.sample_from_datasets
choose_from_datasets = Dataset.choose_from_datasets

"""The static constructors of `Dataset` (`from_tensor_slices`, `range`, `zip`, ...).

They live here, as a base class of `Dataset`, to keep each file about one thing; every one
returns a `Dataset` built around a source stage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.core import dtypes
from eagerflow.data import _structure
from eagerflow.data._stage import make_dataset
from eagerflow.data.from_generator import GeneratorStage, signature_from
from eagerflow.data.from_tensor_slices import TensorSliceStage
from eagerflow.data.from_tensors import TensorStage
from eagerflow.data.list_files import matching_files, patterns_of
from eagerflow.data.range import RangeStage
from eagerflow.data.sample_from_datasets import ChooseStage, SampleStage
from eagerflow.data.zip import ZipStage


def _owned_arrays(tensors: Any) -> Any:
    """The internal form of a source's value; NumPy inputs are copied (tensors are immutable)."""

    def leaf(value: Any) -> Any:
        if isinstance(value, np.ndarray) and value.dtype.kind not in "SUO":
            return value.copy()
        return _structure.to_array(value)

    return _structure.map_leaves(leaf, tensors)


def _stage_of(dataset: Any, what: str) -> Any:
    stage = getattr(dataset, "_stage", None)
    if stage is None:
        raise TypeError(f"{what}: expected a Dataset; got {dataset!r}.")
    return stage


class DatasetSources:
    """Constructors shared by every Dataset (mixed into `Dataset`)."""

    @staticmethod
    def from_tensors(tensors: Any, name: str | None = None) -> Any:
        """A dataset with one element, `tensors` (a nested structure of tensors).

        Example:
            >>> list(Dataset.from_tensors([1, 2]).as_numpy_iterator())
            [array([1, 2], dtype=int32)]
        """
        return make_dataset(TensorStage(_owned_arrays(tensors)))

    @staticmethod
    def from_tensor_slices(tensors: Any, name: str | None = None) -> Any:
        """A dataset whose elements are the slices of `tensors` along their first dimension.

        `tensors` may be a tensor, a NumPy array, a Python list, or a tuple / dict /
        namedtuple of them; all components must have the same first dimension.

        Example:
            >>> ds = Dataset.from_tensor_slices(([1, 2, 3], [4.0, 5.0, 6.0]))
            >>> [int(a) for a, b in ds]
            [1, 2, 3]
        """
        return make_dataset(TensorSliceStage(_owned_arrays(tensors)))

    @staticmethod
    def range(*args: Any, dtype: Any = dtypes.int64, name: str | None = None) -> Any:
        """`range(stop)`, `range(start, stop)` or `range(start, stop, step)` as a dataset.

        Example:
            >>> list(Dataset.range(1, 8, 3).as_numpy_iterator())
            [1, 4, 7]
        """
        if not 1 <= len(args) <= 3:
            raise ValueError(f"Dataset.range takes 1 to 3 arguments; got {len(args)}.")
        values = [int(a) for a in args]
        start, stop, step = (0, values[0], 1) if len(values) == 1 else (values + [1])[:3]
        return make_dataset(RangeStage(start, stop, step, dtypes.as_dtype(dtype)))

    @staticmethod
    def counter(start: int = 0, step: int = 1, dtype: Any = dtypes.int64, name: Any = None) -> Any:
        """The infinite dataset `start, start + step, ...`."""
        return make_dataset(RangeStage(int(start), None, int(step), dtypes.as_dtype(dtype)))

    @staticmethod
    def from_generator(
        generator: Callable,
        output_types: Any = None,
        output_shapes: Any = None,
        args: Any = None,
        output_signature: Any = None,
        name: str | None = None,
    ) -> Any:
        """A dataset of the values yielded by `generator(*args)`, called anew for each pass.

        Every value is converted to the dtypes of `output_signature` (a structure of
        `tf.TensorSpec`) and checked against its shapes; a mismatch raises at the consumer.

        Example:
            >>> def gen():
            ...     yield from range(3)
            >>> ds = Dataset.from_generator(gen, output_signature=tf.TensorSpec([], tf.int64))
            >>> list(ds.as_numpy_iterator())
            [0, 1, 2]
        """
        signature = signature_from(output_types, output_shapes, output_signature)
        if args is None:
            args = ()
        elif not isinstance(args, (tuple, list)):
            args = (args,)
        # The generator receives NumPy values, as TensorFlow passes them.
        call_args = tuple(_structure.to_numpy(_structure.to_array(a)) for a in args)
        return make_dataset(GeneratorStage(generator, call_args, signature))

    @staticmethod
    def zip(*args: Any, datasets: Any = None, name: str | None = None) -> Any:
        """Elements taken in lockstep from a (nested) structure of datasets.

        `Dataset.zip((a, b))` and `Dataset.zip(a, b)` both give tuples `(x, y)`; the result
        ends with the shortest input.
        """
        if datasets is None:
            datasets = args[0] if len(args) == 1 else tuple(args)
        elif args:
            raise TypeError("Dataset.zip: pass the datasets either positionally or as datasets=.")
        stages = [_stage_of(d, "Dataset.zip") for d in _structure.flatten(datasets)]
        return make_dataset(ZipStage(datasets, stages))

    @staticmethod
    def list_files(
        file_pattern: Any, shuffle: bool | None = None, seed: Any = None, name: Any = None
    ) -> Any:
        """The file names (string scalars) matching glob pattern(s), shuffled unless
        `shuffle=False`; raises InvalidArgumentError when nothing matches."""
        names = matching_files(patterns_of(file_pattern))
        dataset = make_dataset(TensorSliceStage(names))
        if shuffle is None or shuffle:
            dataset = dataset.shuffle(len(names), seed=seed)
        return dataset

    @staticmethod
    def sample_from_datasets(
        datasets: Any,
        weights: Any = None,
        seed: Any = None,
        stop_on_empty_dataset: bool = False,
        rerandomize_each_iteration: Any = None,
    ) -> Any:
        """Elements drawn at random from `datasets`, dataset `i` with probability
        `weights[i]` (uniform by default). An exhausted dataset drops out (or ends the
        result with `stop_on_empty_dataset=True`); with a seed, every iteration draws the
        same sequence unless `rerandomize_each_iteration=True`."""
        stages = [_stage_of(d, "sample_from_datasets") for d in datasets]
        if not stages:
            raise ValueError("sample_from_datasets: `datasets` must not be empty.")
        if weights is None:
            w = np.ones(len(stages))
        else:
            w = np.asarray(weights, dtype=np.float64).ravel()
            if w.shape != (len(stages),) or np.any(w < 0):
                raise ValueError(
                    f"sample_from_datasets: `weights` must be {len(stages)} non-negative "
                    f"values; got {weights!r}."
                )
        stop, rerandomize = bool(stop_on_empty_dataset), bool(rerandomize_each_iteration)
        return make_dataset(SampleStage(stages, w, seed, stop, rerandomize))

    @staticmethod
    def choose_from_datasets(
        datasets: Any, choice_dataset: Any, stop_on_empty_dataset: bool = True
    ) -> Any:
        """Elements from `datasets[i]` for each `i` (an int64 scalar) of `choice_dataset`."""
        stages = [_stage_of(d, "choose_from_datasets") for d in datasets]
        if not stages:
            raise ValueError("choose_from_datasets: `datasets` must not be empty.")
        choices = _stage_of(choice_dataset, "choose_from_datasets")
        spec = choices.element_spec
        if getattr(spec, "dtype", None) != dtypes.int64 or spec.shape.rank != 0:
            raise TypeError(
                "choose_from_datasets: `choice_dataset` must be a dataset of scalar tf.int64 "
                f"tensors; got elements of spec {spec!r}."
            )
        return make_dataset(ChooseStage(stages, choices, bool(stop_on_empty_dataset)))

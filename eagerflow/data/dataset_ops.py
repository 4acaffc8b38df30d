"""`tf.data.Dataset`: an input pipeline as a chain of iterator stages.

Each method returns a new `Dataset` wrapping one more stage (see `_stage.py` and the file of
each transformation). Iterating a dataset starts a fresh pass through the chain, so a dataset
can be iterated any number of times; elements arrive as (nested structures of) Tensors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from eagerflow.core import dtypes, errors
from eagerflow.core.convert import constant
from eagerflow.data import _stage, _structure
from eagerflow.data._stage import AUTOTUNE, Stage, check_count
from eagerflow.data._threads import parallelism
from eagerflow.data.batch import BatchStage
from eagerflow.data.cache import CacheStage
from eagerflow.data.concatenate import ConcatenateStage
from eagerflow.data.filter import FilterStage
from eagerflow.data.flat_map import FlatMapStage
from eagerflow.data.group_by_window import GroupByWindowStage, bucketing
from eagerflow.data.interleave import InterleaveStage
from eagerflow.data.iterator_ops import NumpyIterator, OwnedIterator
from eagerflow.data.map import MapStage
from eagerflow.data.padded_batch import PaddedBatchStage
from eagerflow.data.prefetch import PrefetchStage
from eagerflow.data.range import RangeStage
from eagerflow.data.rebatch import RebatchStage
from eagerflow.data.repeat import RepeatStage
from eagerflow.data.scan import ScanStage, step
from eagerflow.data.shard import ShardStage
from eagerflow.data.shuffle import ShuffleStage
from eagerflow.data.skip import SkipStage
from eagerflow.data.sources import DatasetSources, _stage_of
from eagerflow.data.take import TakeStage
from eagerflow.data.take_while import TakeWhileStage
from eagerflow.data.unbatch import UnbatchStage
from eagerflow.data.unique import UniqueStage
from eagerflow.data.window import WindowStage
from eagerflow.data.zip import ZipStage


class Options:
    """`tf.data.Options`: accepted and kept for compatibility; the pipeline needs none."""

    def __init__(self) -> None:
        self.deterministic: bool | None = None
        self.experimental_deterministic: bool | None = None

    def merge(self, other: Options) -> Options:
        merged = Options()
        merged.__dict__.update(self.__dict__)
        merged.__dict__.update({k: v for k, v in other.__dict__.items() if v is not None})
        return merged


def _callable(fn: Any, what: str) -> Callable:
    if not callable(fn):
        raise TypeError(f"{what}: expected a callable; got {fn!r}.")
    return fn


class Dataset(DatasetSources):
    """A re-iterable sequence of elements, each a (nested structure of) Tensors.

    Build one with a source (`from_tensor_slices`, `range`, `from_generator`, ...), chain
    transformations, and iterate with a plain `for` loop:

    Example:
        >>> ds = tf.data.Dataset.range(10).map(lambda x: x * 2).batch(4)
        >>> for batch in ds:
        ...     print(batch.numpy())
        [0 2 4 6]
        [ 8 10 12 14]
        [16 18]
    """

    def __init__(self, stage: Stage) -> None:
        self._stage = stage
        self._options = Options()

    # -- iteration ------------------------------------------------------------------------
    def __iter__(self) -> OwnedIterator:
        """A fresh iterator over the elements (each `for` loop starts over)."""
        return OwnedIterator(self)

    def make_one_shot_iterator(self) -> Any:
        """TF1: an iterator whose `get_next()` feeds a graph (eagerly: `iter(self)`)."""
        from eagerflow.graph.tf1.data_ops import make_one_shot_iterator  # noqa: PLC0415

        return make_one_shot_iterator(self)

    def make_initializable_iterator(self, shared_name: Any = None) -> Any:
        """TF1: a graph iterator restarted by running its `initializer` op."""
        from eagerflow.graph.tf1.data_ops import make_initializable_iterator  # noqa: PLC0415

        return make_initializable_iterator(self)

    def as_numpy_iterator(self) -> NumpyIterator:
        """An iterator of NumPy values (arrays, NumPy scalars, bytes for strings).

        Example:
            >>> list(Dataset.range(3).as_numpy_iterator())
            [0, 1, 2]
        """
        return NumpyIterator(self)

    def __bool__(self) -> bool:
        return True  # even when empty or infinite, as TensorFlow (len() may raise)

    def __len__(self) -> int:
        n = self._stage.cardinality()
        if n == _stage.INFINITE:
            raise TypeError("The dataset is infinite.")
        if n == _stage.UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return n

    # -- introspection --------------------------------------------------------------------
    @property
    def element_spec(self) -> Any:
        """The type of one element: a (nested structure of) `tf.TensorSpec`."""
        return self._stage.element_spec

    def cardinality(self) -> Any:
        """The number of elements as an int64 scalar tensor, or `tf.data.INFINITE_CARDINALITY`
        (-1) or `tf.data.UNKNOWN_CARDINALITY` (-2)."""
        return constant(self._stage.cardinality(), dtype=dtypes.int64)

    def __repr__(self) -> str:
        name = "_" + self._stage.name if type(self) is Dataset else type(self).__name__
        return f"<{name} element_spec={self.element_spec!r}>"

    def options(self) -> Options:
        return self._options

    def with_options(self, options: Options, name: str | None = None) -> Dataset:
        out = Dataset(self._stage)
        out._options = self._options.merge(options)
        return out

    def _then(self, stage: Stage) -> Dataset:
        return Dataset(stage)

    # -- element-wise transformations -------------------------------------------------------
    def map(
        self,
        map_func: Callable,
        num_parallel_calls: Any = None,
        deterministic: bool | None = None,
        name: str | None = None,
    ) -> Dataset:
        """Applies `map_func` to each element (a tuple element is unpacked into arguments).

        With `num_parallel_calls` (e.g. `tf.data.AUTOTUNE`) the function runs on worker
        threads; results keep the input order unless `deterministic=False`. An exception in
        `map_func` is raised at the consumer, with its traceback.

        Example:
            >>> ds = Dataset.from_tensor_slices(([1, 2], [3, 4])).map(lambda a, b: a + b)
            >>> list(ds.as_numpy_iterator())
            [4, 6]
        """
        workers = parallelism(num_parallel_calls, "map")
        return self._then(MapStage(self._stage, _callable(map_func, "map"), workers, deterministic))

    def filter(self, predicate: Callable, name: str | None = None) -> Dataset:
        """The elements for which `predicate` returns a true scalar boolean."""
        return self._then(FilterStage(self._stage, _callable(predicate, "filter")))

    def flat_map(self, map_func: Callable, name: str | None = None) -> Dataset:
        """Maps each element to a dataset and chains those datasets."""
        return self._then(FlatMapStage(self._stage, _callable(map_func, "flat_map")))

    def interleave(
        self,
        map_func: Callable,
        cycle_length: Any = None,
        block_length: Any = None,
        num_parallel_calls: Any = None,
        deterministic: bool | None = None,
        name: str | None = None,
    ) -> Dataset:
        """Maps elements to datasets and reads `cycle_length` of them round-robin,
        `block_length` elements at a time.

        Example:
            >>> ds = Dataset.range(1, 4).interleave(
            ...     lambda x: Dataset.from_tensors(x).repeat(2), cycle_length=2)
            >>> list(ds.as_numpy_iterator())
            [1, 2, 1, 2, 3, 3]
        """
        workers = parallelism(num_parallel_calls, "interleave")
        if cycle_length is None or int(cycle_length) == AUTOTUNE:
            cycle = parallelism(AUTOTUNE, "interleave")
        else:
            cycle = check_count(cycle_length, "interleave: cycle_length", 1)
        block = (
            1 if block_length is None else check_count(block_length, "interleave: block_length", 1)
        )
        fn = _callable(map_func, "interleave")
        return self._then(InterleaveStage(self._stage, fn, cycle, block, workers))

    def scan(self, initial_state: Any, scan_func: Callable, name: str | None = None) -> Dataset:
        """Threads a state through the elements: `scan_func(state, element)` returns
        `(new_state, output_element)`."""
        return self._then(ScanStage(self._stage, initial_state, _callable(scan_func, "scan")))

    def take_while(self, predicate: Callable, name: str | None = None) -> Dataset:
        """The elements before the first one for which `predicate` is false."""
        return self._then(TakeWhileStage(self._stage, _callable(predicate, "take_while")))

    def unique(self, name: str | None = None) -> Dataset:
        """Each distinct element once (int32, int64 or string scalars)."""
        return self._then(UniqueStage(self._stage))

    def enumerate(self, start: Any = 0, name: str | None = None) -> Dataset:
        """Pairs `(index, element)` with int64 indices counting from `start`."""
        counter = RangeStage(int(start), None, 1, dtypes.int64)
        return self._then(ZipStage((None, None), [counter, self._stage]))

    def apply(self, transformation_func: Callable) -> Dataset:
        """`transformation_func(self)`, which must return a Dataset."""
        out = _callable(transformation_func, "apply")(self)
        if not isinstance(out, Dataset):
            raise TypeError(f"apply: `transformation_func` must return a Dataset; got {out!r}.")
        return out

    # -- order and selection --------------------------------------------------------------
    def shuffle(
        self,
        buffer_size: Any,
        seed: Any = None,
        reshuffle_each_iteration: bool | None = None,
        name: str | None = None,
    ) -> Dataset:
        """Randomly shuffles with a buffer of `buffer_size` elements (TensorFlow's semantics:
        a buffer as large as the dataset gives a uniform shuffle). Each iteration reshuffles
        unless `reshuffle_each_iteration=False`; `seed` (or `tf.random.set_seed`) makes the
        orders repeat from run to run."""
        size = check_count(buffer_size, "shuffle: buffer_size", 1, allow_minus_one=True)
        if size == -1:
            size = 2**62  # TensorFlow: -1 means a buffer as large as the dataset
        reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        return self._then(ShuffleStage(self._stage, size, seed, reshuffle))

    def repeat(self, count: Any = None, name: str | None = None) -> Dataset:
        """The elements `count` times over; forever when `count` is None or -1."""
        n = -1 if count is None else check_count(count, "repeat: count", 0, allow_minus_one=True)
        return self._then(RepeatStage(self._stage, n))

    def take(self, count: Any, name: str | None = None) -> Dataset:
        """The first `count` elements (all when `count` is -1)."""
        return self._then(TakeStage(self._stage, check_count(count, "take: count", -1)))

    def skip(self, count: Any, name: str | None = None) -> Dataset:
        """All but the first `count` elements (none when `count` is -1)."""
        return self._then(SkipStage(self._stage, check_count(count, "skip: count", -1)))

    def shard(self, num_shards: Any, index: Any, name: str | None = None) -> Dataset:
        """Every `num_shards`-th element starting with element `index`."""
        n = check_count(num_shards, "shard: num_shards", 1)
        i = check_count(index, "shard: index", 0)
        if i >= n:
            raise errors.InvalidArgumentError(
                None, None, f"shard: index must be less than num_shards ({n}); got {i}."
            )
        return self._then(ShardStage(self._stage, n, i))

    def concatenate(self, dataset: Dataset, name: str | None = None) -> Dataset:
        """This dataset's elements followed by `dataset`'s (same structure and dtypes)."""
        return self._then(ConcatenateStage(self._stage, _stage_of(dataset, "concatenate")))

    # -- grouping ---------------------------------------------------------------------------
    def batch(
        self,
        batch_size: Any,
        drop_remainder: bool = False,
        num_parallel_calls: Any = None,
        deterministic: bool | None = None,
        name: str | None = None,
    ) -> Dataset:
        """Stacks `batch_size` consecutive elements; the last batch may be smaller unless
        `drop_remainder=True`.

        Example:
            >>> [b.tolist() for b in Dataset.range(5).batch(2).as_numpy_iterator()]
            [[0, 1], [2, 3], [4]]
        """
        size = check_count(batch_size, "batch: batch_size", 1)
        return self._then(BatchStage(self._stage, size, bool(drop_remainder)))

    def padded_batch(
        self,
        batch_size: Any,
        padded_shapes: Any = None,
        padding_values: Any = None,
        drop_remainder: bool = False,
        name: str | None = None,
    ) -> Dataset:
        """Batches elements of differing shapes, padding each component to `padded_shapes`
        (None or -1 dims: the longest in the batch) with `padding_values` (default 0/b'')."""
        size = check_count(batch_size, "padded_batch: batch_size", 1)
        stage = PaddedBatchStage(
            self._stage, size, padded_shapes, padding_values, bool(drop_remainder)
        )
        return self._then(stage)

    def unbatch(self, name: str | None = None) -> Dataset:
        """Splits each element into its rows (the inverse of `batch`)."""
        return self._then(UnbatchStage(self._stage))

    def rebatch(self, batch_size: Any, drop_remainder: bool = False, name: Any = None) -> Dataset:
        """Regroups the rows of a batched dataset into batches of `batch_size` (or of the sizes
        in a list, cyclically)."""
        sizes = np.asarray(batch_size).ravel().tolist()
        sizes = [check_count(s, "rebatch: batch_size", 1) for s in sizes]
        if not sizes:
            raise ValueError("rebatch: batch_size must not be empty.")
        return self._then(RebatchStage(self._stage, sizes, bool(drop_remainder)))

    def window(
        self,
        size: Any,
        shift: Any = None,
        stride: Any = 1,
        drop_remainder: bool = False,
        name: str | None = None,
    ) -> Dataset:
        """Windows of `size` elements (each component a small Dataset), starting every
        `shift` elements and taking every `stride`-th element.

        Example:
            >>> ds = Dataset.range(5).window(3, shift=1, drop_remainder=True)
            >>> [list(w.as_numpy_iterator()) for w in ds]
            [[0, 1, 2], [1, 2, 3], [2, 3, 4]]
        """
        n = check_count(size, "window: size", 1)
        s = n if shift is None else check_count(shift, "window: shift", 1)
        st = check_count(stride, "window: stride", 1)
        return self._then(WindowStage(self._stage, n, s, st, bool(drop_remainder)))

    def group_by_window(
        self,
        key_func: Callable,
        reduce_func: Callable,
        window_size: Any = None,
        window_size_func: Callable | None = None,
        name: str | None = None,
    ) -> Dataset:
        """Groups elements by `key_func(element)` (an integer) into windows of
        `window_size` (or `window_size_func(key)`) and maps each window, a Dataset, through
        `reduce_func(key, window)`; the partial windows follow when the input ends.

        Example:
            >>> ds = Dataset.range(10).group_by_window(
            ...     lambda x: x % 2, lambda k, w: w.batch(3), window_size=3)
            >>> [b.tolist() for b in ds.as_numpy_iterator()]
            [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]
        """
        if (window_size is None) == (window_size_func is None):
            raise ValueError(
                "group_by_window: pass exactly one of `window_size` and `window_size_func`."
            )
        if window_size_func is None:
            size = check_count(window_size, "group_by_window: window_size", 1)

            def window_size_func(key: Any) -> int:
                return np.int64(size)

        key_func = _callable(key_func, "group_by_window")
        reduce_func = _callable(reduce_func, "group_by_window")
        window_size_func = _callable(window_size_func, "group_by_window")
        return self._then(GroupByWindowStage(self._stage, key_func, reduce_func, window_size_func))

    def bucket_by_sequence_length(
        self,
        element_length_func: Callable,
        bucket_boundaries: list,
        bucket_batch_sizes: list,
        padded_shapes: Any = None,
        padding_values: Any = None,
        pad_to_bucket_boundary: bool = False,
        no_padding: bool = False,
        drop_remainder: bool = False,
        name: str | None = None,
    ) -> Dataset:
        """Batches elements of similar length together: bucket `i` takes lengths in
        `[bucket_boundaries[i-1], bucket_boundaries[i])` and batches `bucket_batch_sizes[i]`
        of them, padded (to the longest, or to the bucket boundary) unless `no_padding`."""
        boundaries = [int(b) for b in bucket_boundaries]
        what = "bucket_by_sequence_length: batch size"
        sizes = [check_count(b, what, 1) for b in bucket_batch_sizes]
        key_func, reduce_func, size_func = bucketing(
            _callable(element_length_func, "bucket_by_sequence_length"),
            boundaries,
            sizes,
            padded_shapes,
            padding_values,
            bool(pad_to_bucket_boundary),
            bool(no_padding),
            bool(drop_remainder),
        )
        return self.group_by_window(key_func, reduce_func, window_size_func=size_func)

    # -- performance ------------------------------------------------------------------------
    def prefetch(self, buffer_size: Any, name: str | None = None) -> Dataset:
        """Produces up to `buffer_size` elements ahead on a background thread."""
        size = check_count(buffer_size, "prefetch: buffer_size", 0, allow_minus_one=True)
        return self._then(PrefetchStage(self._stage, size))

    def cache(self, filename: str = "", name: str | None = None) -> Dataset:
        """Keeps the elements of the first complete pass, in memory (default) or in files
        named after `filename`, and replays them afterwards."""
        if hasattr(filename, "numpy"):
            filename = filename.numpy()
        if isinstance(filename, bytes):
            filename = filename.decode()
        return self._then(CacheStage(self._stage, str(filename)))

    # -- consuming --------------------------------------------------------------------------
    def reduce(self, initial_state: Any, reduce_func: Callable, name: str | None = None) -> Any:
        """Folds the elements into a state: `reduce_func(state, element)` returns the new
        state.

        Example:
            >>> int(Dataset.range(5).reduce(np.int64(0), lambda s, x: s + x))
            10
        """
        fn = _callable(reduce_func, "reduce")
        state = _structure.to_arrays(initial_state)
        for element in self._stage.iterate():
            state, _ = step(lambda s, e: (fn(s, e), ()), state, element, "reduce")
        return _structure.to_tensors(state)

    def get_single_element(self, name: str | None = None) -> Any:
        """The only element of a one-element dataset (InvalidArgumentError otherwise)."""
        it = iter(self)
        try:
            element = next(it)
        except StopIteration:
            raise errors.InvalidArgumentError(None, None, "Dataset was empty.") from None
        try:
            next(it)
        except StopIteration:
            return element
        raise errors.InvalidArgumentError(None, None, "Dataset had more than one element.")


_stage.set_dataset_factory(Dataset)

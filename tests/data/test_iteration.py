"""Iteration, introspection and determinism of datasets."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf
from tests.data._lists import values


def test_for_loops_start_over_and_reshuffle():
    ds = tf.data.Dataset.range(20).shuffle(20, seed=7)
    first, second = values(ds), values(ds)
    assert sorted(first) == sorted(second) == list(range(20))
    assert first != second
    fixed = tf.data.Dataset.range(20).shuffle(20, seed=7, reshuffle_each_iteration=False)
    assert values(fixed) == values(fixed)
    repeated = values(tf.data.Dataset.range(20).shuffle(20, seed=7).repeat(2))
    assert repeated[:20] != repeated[20:]


def test_seed_argument_repeats_exactly():
    def orders(seed):
        ds = tf.data.Dataset.range(50).shuffle(10, seed=seed)
        return values(ds), values(ds)

    assert orders(3) == orders(3)
    assert orders(3) != orders(4)


def test_global_seed_repeats_exactly():
    def orders():
        tf.random.set_seed(1234)
        a = tf.data.Dataset.range(30).shuffle(30)
        b = tf.data.Dataset.range(30).shuffle(30)
        return values(a), values(b), values(a)

    first, again = orders(), orders()
    assert first == again
    assert first[0] != first[1]  # two shuffles created in a row get different op seeds
    tf.random.set_seed(None)


def test_iter_next_and_get_next():
    ds = tf.data.Dataset.range(2)
    it = iter(ds)
    assert isinstance(it, tf.data.Iterator)
    assert it.element_spec == tf.TensorSpec([], tf.int64)
    assert int(it.get_next()) == 0
    assert int(next(it)) == 1
    with pytest.raises(tf.errors.OutOfRangeError):
        it.get_next()
    with pytest.raises(StopIteration):
        next(it)


def test_elements_are_tensors_and_numpy_iterator_gives_numpy():
    ds = tf.data.Dataset.from_tensor_slices(({"a": [1, 2]}, ["x", "y"]))
    d, s = next(iter(ds))
    assert isinstance(d["a"], tf.Tensor) and d["a"].dtype == tf.int32
    a, _ = next(ds.as_numpy_iterator())
    assert isinstance(a["a"], np.integer)


def test_element_spec_cardinality_len_and_repr():
    ds = tf.data.Dataset.from_tensor_slices((np.zeros((10, 3), np.float32), np.arange(10)))
    batched = ds.batch(4)
    assert batched.element_spec == (
        tf.TensorSpec([None, 3], tf.float32),
        tf.TensorSpec([None], tf.int64),
    )
    assert ds.batch(4, drop_remainder=True).element_spec[0].shape.as_list() == [4, 3]
    assert len(batched) == 3 and int(batched.cardinality()) == 3
    assert batched.cardinality().dtype == tf.int64
    assert repr(batched) == (
        "<_BatchDataset element_spec=(TensorSpec(shape=(None, 3), dtype=tf.float32, name=None), "
        "TensorSpec(shape=(None,), dtype=tf.int64, name=None))>"
    )
    assert tf.data.INFINITE_CARDINALITY == -1 and tf.data.UNKNOWN_CARDINALITY == -2
    with pytest.raises(TypeError, match="infinite"):
        len(ds.repeat())
    with pytest.raises(TypeError, match="unknown"):
        len(ds.filter(lambda x, y: True))
    assert bool(ds.take(0))


def test_map_spec_marks_the_batch_dimension_unknown():
    ds = tf.data.Dataset.from_tensor_slices(np.zeros((10, 3), np.float32)).batch(4)
    mapped = ds.map(lambda x: (tf.reduce_sum(x, axis=1), x[:, :2]))
    assert mapped.element_spec == (
        tf.TensorSpec([None], tf.float32),
        tf.TensorSpec([None, 2], tf.float32),
    )
    assert ds.map(lambda x: x * 2).element_spec == tf.TensorSpec([None, 3], tf.float32)
    # inferring the spec must not consume an epoch of a shuffle above it
    shuffled = tf.data.Dataset.range(10).shuffle(10, seed=5)
    expected = values(tf.data.Dataset.range(10).shuffle(10, seed=5))
    mapped = shuffled.map(lambda x: x)
    assert mapped.element_spec == tf.TensorSpec([], tf.int64)
    assert values(mapped) == expected


def test_map_unpacks_tuples_and_converts_outputs():
    ds = tf.data.Dataset.from_tensor_slices(([1, 2], [10, 20]))
    assert values(ds.map(lambda a, b: a + b)) == [11, 22]
    assert values(ds.map(lambda a, b: [a, b])) == [(1, 10), (2, 20)]  # a list is a tuple
    assert values(ds.map(lambda a, b: {"s": 1.5})) == [{"s": 1.5}, {"s": 1.5}]
    assert ds.map(lambda a, b: 1.5).element_spec == tf.TensorSpec([], tf.float32)


def test_argument_errors():
    ds = tf.data.Dataset.range(3)
    with pytest.raises(ValueError, match="batch_size"):
        ds.batch(0)
    with pytest.raises(TypeError, match="callable"):
        ds.map(3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="index"):
        ds.shard(2, 2)
    with pytest.raises(TypeError, match="scalar boolean"):
        list(ds.filter(lambda x: x))
    with pytest.raises(TypeError, match="must return a Dataset"):
        list(ds.flat_map(lambda x: x))
    with pytest.raises(ValueError, match="num_parallel_calls"):
        ds.map(lambda x: x, num_parallel_calls=0)


def test_get_single_element_and_options():
    assert int(tf.data.Dataset.from_tensors(5).get_single_element()) == 5
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.data.Dataset.range(2).get_single_element()
    options = tf.data.Options()
    options.deterministic = False
    ds = tf.data.Dataset.range(3).with_options(options)
    assert ds.options().deterministic is False and values(ds) == [0, 1, 2]

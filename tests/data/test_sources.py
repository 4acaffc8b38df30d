"""Dataset sources: tensor slices, single tensors, range, generators, zip, files."""

from __future__ import annotations

import collections
import gzip

import numpy as np
import pytest

import eagerflow as tf
from tests.data._lists import values

Point = collections.namedtuple("Point", ["x", "y"])


def test_from_tensor_slices_of_tensors_arrays_and_lists():
    ds = tf.data.Dataset.from_tensor_slices(tf.constant([[1, 2], [3, 4]]))
    assert values(ds) == [[1, 2], [3, 4]]
    assert ds.element_spec == tf.TensorSpec([2], tf.int32)
    assert values(tf.data.Dataset.from_tensor_slices([1.5, 2.5])) == [1.5, 2.5]
    assert tf.data.Dataset.from_tensor_slices([1.5]).element_spec.dtype == tf.float32
    arr = np.arange(6, dtype=np.float64).reshape(3, 2)
    ds = tf.data.Dataset.from_tensor_slices(arr)
    arr[0, 0] = 99.0  # the dataset owns a copy, as TensorFlow's does
    assert values(ds)[0] == [0.0, 1.0]
    assert ds.element_spec == tf.TensorSpec([2], tf.float64)


def test_from_tensor_slices_of_nested_structures():
    ds = tf.data.Dataset.from_tensor_slices(
        {"a": np.arange(3), "b": (np.ones((3, 2)), Point(np.zeros(3), [7, 8, 9]))}
    )
    first = next(iter(ds))
    assert set(first) == {"a", "b"}
    assert isinstance(first["b"][1], Point)
    assert int(first["b"][1].y) == 7
    spec = ds.element_spec
    assert spec["b"][0] == tf.TensorSpec([2], tf.float64)
    assert spec["b"][1].y == tf.TensorSpec([], tf.int32)


def test_from_tensor_slices_errors_name_the_problem():
    with pytest.raises(ValueError, match="same size in their first dimension"):
        tf.data.Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))
    with pytest.raises(ValueError, match="rank >= 1"):
        tf.data.Dataset.from_tensor_slices(tf.constant(3))


def test_from_tensors():
    ds = tf.data.Dataset.from_tensors(([1, 2, 3], "x"))
    assert len(ds) == 1
    (a, s), = list(ds.as_numpy_iterator())  # fmt: skip
    assert a.tolist() == [1, 2, 3]
    assert ds.element_spec[0] == tf.TensorSpec([3], tf.int32)


def test_range():
    assert values(tf.data.Dataset.range(5)) == [0, 1, 2, 3, 4]
    assert values(tf.data.Dataset.range(2, 5)) == [2, 3, 4]
    assert values(tf.data.Dataset.range(1, 8, 3)) == [1, 4, 7]
    assert values(tf.data.Dataset.range(5, 1, -2)) == [5, 3]
    ds = tf.data.Dataset.range(3, dtype=tf.int32)
    assert ds.element_spec == tf.TensorSpec([], tf.int32)
    assert next(iter(ds)).dtype == tf.int32
    assert len(tf.data.Dataset.range(10, 0)) == 0


def test_from_generator_with_output_signature():
    def gen():
        for i in range(3):
            yield i, np.full([i], 0.5)

    ds = tf.data.Dataset.from_generator(
        gen, output_signature=(tf.TensorSpec([], tf.int64), tf.TensorSpec([None], tf.float32))
    )
    out = values(ds)
    assert out == [(0, []), (1, [0.5]), (2, [0.5, 0.5])]
    assert values(ds) == out  # the generator is called again on each pass
    assert ds.element_spec[1].shape.as_list() == [None]
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    x, y = next(iter(ds))
    assert x.dtype == tf.int64 and y.dtype == tf.float32


def test_from_generator_with_types_shapes_and_args():
    def gen(n, scale):
        for i in range(n):
            yield {"v": [i * scale] * 2}

    ds = tf.data.Dataset.from_generator(
        gen, output_types={"v": tf.float64}, output_shapes={"v": [2]}, args=(3, 0.5)
    )
    assert values(ds) == [{"v": [0.0, 0.0]}, {"v": [0.5, 0.5]}, {"v": [1.0, 1.0]}]
    assert ds.element_spec == {"v": tf.TensorSpec([2], tf.float64)}
    untyped = tf.data.Dataset.from_generator(lambda: iter([1, 2]), output_types=tf.int32)
    assert untyped.element_spec.shape.rank is None
    assert values(untyped) == [1, 2]


def test_from_generator_mismatch_raises_at_the_consumer():
    ds = tf.data.Dataset.from_generator(
        lambda: iter([[1, 2], [1, 2, 3]]), output_signature=tf.TensorSpec([2], tf.int32)
    )
    it = iter(ds)
    assert next(it).numpy().tolist() == [1, 2]
    with pytest.raises(tf.errors.InvalidArgumentError, match="shape"):
        next(it)
    bad_type = tf.data.Dataset.from_generator(
        lambda: iter([2.5]), output_signature=tf.TensorSpec([], tf.int32)
    )
    with pytest.raises(TypeError, match="expected type was int32"):
        list(bad_type)
    with pytest.raises(TypeError, match="output_signature"):
        tf.data.Dataset.from_generator(lambda: iter([]))


def test_zip():
    a, b = tf.data.Dataset.range(3), tf.data.Dataset.range(10, 15)
    assert values(tf.data.Dataset.zip((a, b))) == [(0, 10), (1, 11), (2, 12)]
    assert values(tf.data.Dataset.zip(a, b)) == [(0, 10), (1, 11), (2, 12)]
    nested = tf.data.Dataset.zip({"a": a, "pair": (b, a)})
    assert values(nested)[1] == {"a": 1, "pair": (11, 1)}
    assert len(nested) == 3
    assert int(tf.data.Dataset.zip((a, a.repeat())).cardinality()) == 3


def test_list_files_and_text_lines(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"alpha\nbeta\n")
    (tmp_path / "b.txt").write_bytes(b"gamma\r\ndelta")
    with gzip.open(tmp_path / "c.txt.gz", "wb") as f:
        f.write(b"one\ntwo\n")
    pattern = str(tmp_path / "*.txt")
    files = values(tf.data.Dataset.list_files(pattern, shuffle=False))
    assert files == [str(tmp_path / "a.txt").encode(), str(tmp_path / "b.txt").encode()]
    shuffled = values(tf.data.Dataset.list_files(pattern, seed=1))
    assert sorted(shuffled) == files
    lines = tf.data.TextLineDataset([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert values(lines) == [b"alpha", b"beta", b"gamma", b"delta"]
    assert lines.element_spec == tf.TensorSpec([], tf.string)
    assert repr(lines).startswith("<TextLineDataset element_spec=TensorSpec(shape=()")
    gz = tf.data.TextLineDataset(str(tmp_path / "c.txt.gz"), compression_type="GZIP")
    assert values(gz) == [b"one", b"two"]
    from_files = tf.data.Dataset.list_files(pattern, shuffle=False).interleave(
        tf.data.TextLineDataset, cycle_length=2
    )
    assert values(from_files) == [b"alpha", b"gamma", b"beta", b"delta"]
    parallel = tf.data.TextLineDataset(files, num_parallel_reads=2)
    assert values(parallel) == [b"alpha", b"gamma", b"beta", b"delta"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="No files matched"):
        tf.data.Dataset.list_files(str(tmp_path / "*.csv"))
    with pytest.raises(tf.errors.NotFoundError):
        list(tf.data.TextLineDataset(str(tmp_path / "missing.txt")))


def test_fixed_length_records(tmp_path):
    (tmp_path / "r.bin").write_bytes(b"HDR" + b"abcdef" + b"F")
    with gzip.open(tmp_path / "r.bin.gz", "wb") as f:
        f.write(b"HDR" + b"abcdef" + b"F")
    ds = tf.data.FixedLengthRecordDataset(
        str(tmp_path / "r.bin"), 2, header_bytes=3, footer_bytes=1
    )
    assert values(ds) == [b"ab", b"cd", b"ef"]
    assert ds.element_spec == tf.TensorSpec([], tf.string)
    gz = tf.data.FixedLengthRecordDataset(
        [str(tmp_path / "r.bin.gz")] * 2, 3, 3, 1, compression_type="GZIP"
    )
    assert values(gz) == [b"abc", b"def"] * 2
    with pytest.raises(tf.errors.DataLossError, match="record_bytes"):
        list(tf.data.FixedLengthRecordDataset(str(tmp_path / "r.bin"), 4, header_bytes=3))

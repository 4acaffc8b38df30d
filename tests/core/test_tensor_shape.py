"""TensorShape with unknown dimensions (needed by tracing)."""

import pytest

import eagerflow as tf


def test_known_and_unknown_dims() -> None:
    s = tf.TensorShape([None, 3])
    assert s.rank == 2 and s[0] is None and s[1] == 3
    assert not s.is_fully_defined() and s.num_elements() is None
    assert str(s) == "(None, 3)" and repr(s) == "TensorShape([None, 3])"
    assert tf.TensorShape(None).rank is None and str(tf.TensorShape(None)) == "<unknown>"


def test_compatibility_merge_and_relaxation() -> None:
    s = tf.TensorShape([None, 3])
    assert s.is_compatible_with([5, 3]) and not s.is_compatible_with([5, 4])
    assert s.merge_with([5, None]) == [5, 3]
    assert tf.TensorShape([32, 10]).most_specific_compatible_shape([17, 10]) == [None, 10]
    with pytest.raises(ValueError):
        s.merge_with([1, 2])


def test_equality_with_lists_and_concatenation() -> None:
    assert tf.TensorShape([2, 3]) == [2, 3] and tf.TensorShape([2]) != [3]
    assert tf.TensorShape([2]) + [3] == [2, 3]
    assert tf.TensorShape([1, 2, 3])[1:] == [2, 3]
    assert tf.TensorShape([4]).as_list() == [4] and len(tf.TensorShape([1, 2])) == 2


def test_tensor_spec() -> None:
    spec = tf.TensorSpec([None, 10], tf.float32)
    assert repr(spec) == "TensorSpec(shape=(None, 10), dtype=tf.float32, name=None)"
    assert spec.is_compatible_with(tf.zeros([4, 10]))
    assert not spec.is_compatible_with(tf.zeros([4, 9]))

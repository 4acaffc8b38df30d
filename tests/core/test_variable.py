"""tf.Variable: assignment, reading, naming, operators and lifetime."""

import gc
import weakref

import numpy as np
import pytest

import eagerflow as tf


def test_repr_and_name_as_tensorflow() -> None:
    x = tf.Variable(2.0)
    assert repr(x) == "<tf.Variable 'Variable:0' shape=() dtype=float32, numpy=2.0>"
    assert tf.Variable(5.0, name="weight").name == "weight:0"
    with tf.name_scope("layer"):
        assert tf.Variable(1.0, name="w").name == "layer/w:0"


def test_assign_family_returns_the_variable() -> None:
    v = tf.Variable([1.0, 2.0])
    assert v.assign([3.0, 4.0]) is v
    assert v.assign_add([1.0, 1.0]).numpy().tolist() == [4.0, 5.0]
    assert v.assign_sub([4.0, 5.0]).numpy().tolist() == [0.0, 0.0]


def test_reads_are_snapshots() -> None:
    v = tf.Variable(1.0)
    before = v.read_value()
    v.assign(5.0)
    assert before.numpy() == 1.0 and v.numpy() == 5.0


def test_assign_checks_shape_and_dtype() -> None:
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError, match=r"shape \(2,\).*shape \(3,\)"):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="float32.*float64"):
        v.assign(np.zeros(2))


def test_operators_read_the_current_value() -> None:
    w = tf.Variable([[1.0]])
    np.testing.assert_allclose((w * w).numpy(), [[1.0]])
    np.testing.assert_allclose((w + 1).numpy(), [[2.0]])
    np.testing.assert_allclose(tf.matmul(w, w).numpy(), [[1.0]])
    assert float(tf.Variable(2.5)) == 2.5


def test_initial_value_forms() -> None:
    assert tf.Variable(lambda: tf.ones([2])).shape == [2]
    assert tf.Variable(1, dtype=tf.float64).dtype == tf.float64
    assert tf.Variable(1).dtype == tf.int32
    assert not tf.Variable(1.0, trainable=False).trainable
    with pytest.raises(ValueError, match="initial_value"):
        tf.Variable()


def test_variables_are_unhashable_but_refs_are() -> None:
    v = tf.Variable(1.0)
    with pytest.raises(TypeError, match="ref()"):
        {v}  # noqa: B018
    assert {v.ref(): 1}[v.ref()] == 1


def test_variable_is_freed_with_its_last_reference() -> None:
    v = tf.Variable(tf.zeros([1000, 1000]))
    ref = weakref.ref(v)
    v = None
    gc.collect()
    assert ref() is None

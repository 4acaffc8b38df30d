"""TensorFlow's dtype rules: no silent promotion between tensors; scalars adopt the dtype."""

import numpy as np
import pytest

import eagerflow as tf


def test_mixing_tensor_dtypes_raises_naming_both() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.constant(1) + tf.constant(1.0)
    message = str(info.value)
    assert "AddV2" in message and "int32" in message and "float32" in message


def test_python_scalars_adopt_the_tensor_dtype() -> None:
    assert (tf.constant([1.0], tf.float64) * 2).dtype == tf.float64
    assert (tf.constant([1], tf.int64) + 1).dtype == tf.int64
    assert (3 - tf.constant([1.0], tf.float16)).dtype == tf.float16


def test_a_float_scalar_cannot_join_an_int_tensor() -> None:
    with pytest.raises(TypeError, match="int32"):
        tf.constant([1, 2]) + 2.5


def test_numpy_arrays_adopt_the_tensor_dtype_when_safe() -> None:
    out = tf.constant([1.0, 2.0]) + np.array([1.0, 1.0])
    assert out.dtype == tf.float32


def test_integer_division_gives_float64() -> None:
    assert (tf.constant(3) / tf.constant(2)).dtype == tf.float64
    assert (tf.constant(3) / 2).numpy() == 1.5


def test_dtype_objects() -> None:
    assert tf.float32.is_floating and not tf.int32.is_floating
    assert tf.as_dtype("float64") is tf.float64
    assert tf.as_dtype(np.int8) is tf.int8
    assert tf.float32.as_numpy_dtype is np.float32
    assert tf.float32 == "float32" and repr(tf.bool) == "tf.bool"
    assert tf.uint8.max == 255 and tf.int16.min == -32768
    with pytest.raises(TypeError):
        tf.as_dtype("not-a-dtype")


def test_cast_truncates_toward_zero() -> None:
    np.testing.assert_array_equal(tf.cast([1.8, -1.8], tf.int32).numpy(), [1, -1])
    assert tf.cast(tf.constant(1), tf.float32).dtype == tf.float32

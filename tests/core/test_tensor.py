"""Tensor printing, conversion, NumPy interop and the Python protocol, as TensorFlow 2."""

import numpy as np
import pytest

import eagerflow as tf


def test_print_matrix_matches_tensorflow() -> None:
    a = tf.constant([[1, 2], [3, 4]])
    assert str(a) == "tf.Tensor(\n[[1 2]\n [3 4]], shape=(2, 2), dtype=int32)"


def test_print_small_tensor_on_one_line() -> None:
    assert str(tf.constant([[2.0]])) == "tf.Tensor([[2.]], shape=(1, 1), dtype=float32)"
    assert str(tf.constant(5.0)) == "tf.Tensor(5.0, shape=(), dtype=float32)"


def test_repr_includes_numpy_value() -> None:
    assert repr(tf.constant(2.0)) == "<tf.Tensor: shape=(), dtype=float32, numpy=2.0>"
    assert repr(tf.constant([1, 2])) == (
        "<tf.Tensor: shape=(2,), dtype=int32, numpy=array([1, 2], dtype=int32)>"
    )


def test_format_gives_the_value() -> None:
    m = tf.matmul([[2.0]], [[2.0]])
    assert "hello, {}".format(m) == "hello, [[4.]]"  # noqa: UP032  (the guide's form)
    assert f"{tf.constant(0.12345):.3f}" == "0.123"


def test_python_values_get_tensorflow_dtypes() -> None:
    assert tf.constant(1.5).dtype == tf.float32
    assert tf.constant(3).dtype == tf.int32
    assert tf.constant(2**40).dtype == tf.int64
    assert tf.constant(True).dtype == tf.bool
    assert tf.constant([[1.0, 2.0]]).dtype == tf.float32


def test_numpy_arrays_keep_their_dtype() -> None:
    assert tf.constant(np.zeros(2)).dtype == tf.float64
    assert tf.convert_to_tensor(np.arange(3, dtype=np.int64)).dtype == tf.int64
    assert tf.constant(np.ones(2, np.float16)).dtype == tf.float16


def test_constant_with_dtype_and_shape() -> None:
    t = tf.constant(0, shape=[2, 3], dtype=tf.float64)
    assert t.shape == [2, 3] and t.dtype == tf.float64
    assert tf.constant([1, 2, 3, 4], shape=[2, 2]).numpy().tolist() == [[1, 2], [3, 4]]
    with pytest.raises(TypeError, match="has 3 elements"):
        tf.constant([1, 2, 3], shape=[2, 2])


def test_constant_of_a_tensor_is_that_tensor_as_in_tensorflow() -> None:
    # TensorFlow returns the same EagerTensor, so a tape still differentiates through it;
    # a reshape makes a new, unconnected tensor; another dtype is a TypeError.
    x = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * 2.0
        same = tf.constant(y, dtype=tf.float32, shape=[])
        squared = same * tf.constant(y)
        reshaped = tf.constant(y, shape=[1])
    assert same is y
    assert float(tape.gradient(squared, x)) == 24.0
    assert tape.gradient(reshaped, x, unconnected_gradients="zero").numpy() == 0.0
    assert reshaped.numpy().tolist() == [6.0]
    with pytest.raises(TypeError, match="expected a tensor of dtype int32, got a float32"):
        tf.constant(y, dtype=tf.int32)
    assert tf.constant(tf.Variable([1, 2]), dtype=tf.float32).numpy().tolist() == [1.0, 2.0]


def test_convert_to_tensor_refuses_a_float_for_an_int_dtype() -> None:
    with pytest.raises(TypeError, match="Cannot convert 2.5"):
        tf.convert_to_tensor(2.5, dtype=tf.int32)
    with pytest.raises(ValueError, match="requested dtype float32"):
        tf.convert_to_tensor(tf.constant(1), dtype=tf.float32)


def test_numpy_interop() -> None:
    a = tf.constant([[1, 2], [3, 4]])
    b = tf.add(a, 1)
    c = np.multiply(a, b)
    assert isinstance(c, np.ndarray)
    np.testing.assert_array_equal(c, [[2, 6], [12, 20]])
    np.testing.assert_array_equal(np.asarray(a), [[1, 2], [3, 4]])
    assert isinstance(a.numpy(), np.ndarray)
    assert isinstance(tf.constant(2.0).numpy(), np.float32)


def test_ndarray_operand_on_the_left_gives_a_tensor() -> None:
    result = np.array([1.0, 2.0], np.float32) * tf.constant([2.0, 2.0])
    assert isinstance(result, tf.Tensor)
    np.testing.assert_array_equal(result.numpy(), [2.0, 4.0])


def test_scalar_conversions_for_python_control_flow() -> None:
    n = tf.constant(15)
    assert list(range(n.numpy() + 1))[-1] == 15
    assert int(n % 3) == 0 and float(tf.constant(2.5)) == 2.5
    assert bool(tf.constant(1.0) > 0.0) is True
    assert [10, 20, 30][tf.constant(1)] == 20  # __index__
    with pytest.raises(TypeError, match="integer scalar"):
        [1, 2][tf.constant(1.0)]
    with pytest.raises(ValueError, match="ambiguous"):
        bool(tf.constant([1, 2]))


def test_len_and_iteration_over_the_first_axis() -> None:
    t = tf.constant([[1, 2], [3, 4], [5, 6]])
    assert len(t) == 3
    rows = [row.numpy().tolist() for row in t]
    assert rows == [[1, 2], [3, 4], [5, 6]]
    with pytest.raises(TypeError, match="len"):
        len(tf.constant(1))


def test_tensors_are_unhashable_but_refs_are() -> None:
    t = tf.constant(1.0)
    with pytest.raises(TypeError, match="ref()"):
        {t: 1}  # noqa: B018
    table = {t.ref(): "x"}
    assert table[t.ref()] == "x" and t.ref().deref() is t


def test_equality_is_elementwise_and_none_compares_false() -> None:
    t = tf.constant([1, 2, 3])
    np.testing.assert_array_equal((t == 2).numpy(), [False, True, False])
    assert (t == None) is False  # noqa: E711  (TF 2 semantics under test)
    assert (t != None) is True  # noqa: E711
    assert (t == tf.constant([1, 2])) is False  # shapes cannot broadcast


def test_operators_and_reflected_operators() -> None:
    a = tf.constant([6.0, 8.0])
    np.testing.assert_allclose((a + 1).numpy(), [7, 9])
    np.testing.assert_allclose((1 + a).numpy(), [7, 9])
    np.testing.assert_allclose((10 - a).numpy(), [4, 2])
    np.testing.assert_allclose((2 * a).numpy(), [12, 16])
    np.testing.assert_allclose((24 / a).numpy(), [4, 3])
    np.testing.assert_allclose((a // 4).numpy(), [1, 2])
    np.testing.assert_allclose((a % 5).numpy(), [1, 3])
    np.testing.assert_allclose((-a).numpy(), [-6, -8])
    np.testing.assert_array_equal((a < 7).numpy(), [True, False])
    np.testing.assert_array_equal((a >= 8).numpy(), [False, True])
    m = tf.constant([[1.0, 2.0]])
    np.testing.assert_allclose((m @ tf.constant([[1.0], [1.0]])).numpy(), [[3.0]])


def test_counter_increment_in_place_operator() -> None:
    counter = tf.constant(0)
    for _ in range(3):
        counter += 1
    assert counter.numpy() == 3 and counter.dtype == tf.int32


def test_tensor_metadata() -> None:
    with tf.device("/cpu:0"):
        t = tf.constant(np.zeros((2, 3), np.float32))
    assert t.shape == tf.TensorShape([2, 3]) and t.ndim == 2
    assert t.device == "/job:localhost/replica:0/task:0/device:CPU:0"
    assert t.cpu().device.endswith("CPU:0")
    with pytest.raises(AttributeError, match="eager"):
        t.name  # noqa: B018

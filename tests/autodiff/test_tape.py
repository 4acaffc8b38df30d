"""GradientTape semantics, as TensorFlow's."""

import warnings

import numpy as np
import pytest

import eagerflow as tf


def test_guide_variable_gradient() -> None:
    w = tf.Variable([[1.0]])
    with tf.GradientTape() as tape:
        loss = w * w
    grad = tape.gradient(loss, w)
    assert str(grad) == "tf.Tensor([[2.]], shape=(1, 1), dtype=float32)"


def test_non_persistent_tape_allows_one_gradient_and_releases_records() -> None:
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert tape.gradient(y, x).numpy() == 6.0
    assert tape._records == []
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.gradient(y, x)


def test_persistent_tape_allows_many_gradients() -> None:
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert tape.gradient(z, x).numpy() == 108.0
    assert tape.gradient(y, x).numpy() == 6.0


def test_constants_are_not_watched_unless_asked() -> None:
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None


def test_watch_accessed_variables_false() -> None:
    a, b = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * b
    ga, gb = tape.gradient(y, [a, b], unconnected_gradients="zero")
    assert ga.numpy() == 3.0 and gb.numpy() == 0.0
    assert tape.watched_variables() == (a,)


def test_non_trainable_variables_are_not_watched() -> None:
    v = tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape:
        y = v * v
    assert tape.gradient(y, v) is None


def test_stop_recording_and_reset() -> None:
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
        with tape.stop_recording():
            z = x * x * x
        assert tape.gradient(z, x, unconnected_gradients="zero").numpy() == 0.0
        tape.reset()
        w = x * 5.0
    assert tape.gradient(w, x).numpy() == 5.0
    assert tape.gradient(y, x, unconnected_gradients="zero").numpy() == 0.0


def test_nested_tapes_give_second_derivatives() -> None:
    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        dy = inner.gradient(y, x)
    assert dy.numpy() == 12.0
    assert outer.gradient(dy, x).numpy() == 12.0


def test_persistent_tape_differentiates_its_own_gradient() -> None:
    x = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * x * x
        dy = tape.gradient(y, x)
    assert tape.gradient(dy, x).numpy() == 18.0


def test_nested_sources_and_output_gradients() -> None:
    a, b = tf.constant(1.0), tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        y = a * b
    grads = tape.gradient(y, {"a": a, "pair": (b,)}, output_gradients=tf.constant(10.0))
    assert grads["a"].numpy() == 20.0 and grads["pair"][0].numpy() == 10.0


def test_integer_sources_get_none() -> None:
    i = tf.constant(3)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        with tf.GradientTape() as tape:
            tape.watch(i)
            y = i * i
    assert tape.gradient(y, i) is None


def test_multiple_targets_are_summed() -> None:
    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y1, y2 = x * 2.0, x * 3.0
    assert tape.gradient([y1, y2], x).numpy() == 5.0


def test_gradients_flow_through_python_control_flow() -> None:
    def f(x):
        result = x
        while result < 100.0:
            result = result * x
        return result

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)  # x**5 = 243
    assert tape.gradient(y, x).numpy() == pytest.approx(5 * 3.0**4)


def test_none_gradient_for_a_trainable_variable_warns_once_naming_it() -> None:
    used, unused = tf.Variable(1.0, name="used"), tf.Variable(1.0, name="forgotten")
    with tf.GradientTape(persistent=True) as tape:
        y = used * 2.0
    with pytest.warns(UserWarning, match="forgotten.*not used"):
        grads = tape.gradient(y, [used, unused])
    assert grads[1] is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tape.gradient(y, [used, unused])  # second time: silent


def test_none_gradient_through_numpy_is_reported_and_raise_mode() -> None:
    v = tf.Variable(2.0, name="detached")
    with tf.GradientTape(persistent=True) as tape:
        y = tf.constant(v.numpy()) * 3.0
    with pytest.raises(ValueError, match="detached"):
        tape.gradient(y, v, unconnected_gradients="raise")
    assert tape.gradient(y, v, unconnected_gradients=tf.UnconnectedGradients.NONE) is None


def test_jacobian_and_batch_jacobian() -> None:
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_allclose(tape.jacobian(y, x).numpy(), np.diag([2.0, 4.0, 6.0]))
    xb = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    w = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with tf.GradientTape() as tape:
        tape.watch(xb)
        yb = tf.matmul(xb, w)
    jac = tape.batch_jacobian(yb, xb)
    assert jac.shape == [2, 3, 2]
    np.testing.assert_allclose(jac.numpy()[0], w.numpy().T)


def test_watch_rejects_non_tensors() -> None:
    with tf.GradientTape() as tape:
        with pytest.raises(ValueError, match="Tensor or Variable"):
            tape.watch(3.0)

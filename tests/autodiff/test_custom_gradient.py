"""tf.custom_gradient, tf.stop_gradient, tfe.gradients_function and RegisterGradient."""

import numpy as np
import pytest

import eagerflow as tf

tfe = tf.contrib.eager


def test_guide_log1pexp_is_stable_with_a_custom_gradient() -> None:
    def naive(x):
        return tf.log(1 + tf.exp(x))

    grad_naive = tfe.gradients_function(naive)
    assert grad_naive(0.0).numpy() == 0.5
    assert np.isnan(grad_naive(100.0).numpy())

    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)

        def grad(dy):
            return dy * (1 - 1 / (1 + e))

        return tf.log(1 + e), grad

    grad_log1pexp = tfe.gradients_function(log1pexp)
    assert grad_log1pexp(0.0)[0].numpy() == 0.5
    assert grad_log1pexp(100.0)[0].numpy() == 1.0


def test_custom_gradient_with_two_inputs_and_none() -> None:
    @tf.custom_gradient
    def scaled_identity(x, scale):
        def grad_fn(dy):
            return [dy * 10.0, None]

        return tf.identity(x) * scale, grad_fn

    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = scaled_identity(x, 3.0)
    assert y.numpy() == 6.0
    assert tape.gradient(y, x).numpy() == 10.0


def test_custom_gradient_with_variables() -> None:
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def times_v(x):
        def grad_fn(dy, variables=None):
            return dy * 100.0, [dy * 7.0]

        return x * v, grad_fn

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = times_v(x)
    gx, gv = tape.gradient(y, [x, v])
    assert y.numpy() == 6.0 and gx.numpy() == 100.0 and gv.numpy() == 7.0


def test_custom_gradient_reading_variables_needs_a_variables_argument() -> None:
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def f(x):
        return x * v, lambda dy: dy

    with pytest.raises(TypeError, match="variables"):
        f(tf.constant(1.0))


def test_custom_gradient_is_differentiable_again() -> None:
    @tf.custom_gradient
    def cube(x):
        return x * x * x, lambda dy: dy * 3.0 * x * x

    x = tf.constant(2.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = cube(x)
        dy = inner.gradient(y, x)
    assert dy.numpy() == 12.0 and outer.gradient(dy, x).numpy() == 12.0


def test_stop_gradient() -> None:
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * tf.stop_gradient(x)
    assert tape.gradient(y, x).numpy() == 3.0


def test_gradients_function_orders_and_value() -> None:
    def square(x):
        return tf.multiply(x, x)

    grad = tfe.gradients_function(square)
    assert square(3.0).numpy() == 9.0 and grad(3.0)[0].numpy() == 6.0
    gradgrad = tfe.gradients_function(lambda x: grad(x)[0])
    assert gradgrad(3.0)[0].numpy() == 2.0
    gradgradgrad = tfe.gradients_function(lambda x: gradgrad(x)[0])
    assert gradgradgrad(3.0) == [None]
    value, grads = tfe.value_and_gradients_function(square)(4.0)
    assert value.numpy() == 16.0 and grads[0].numpy() == 8.0
    partial = tfe.gradients_function(lambda a, b: a * b, params=[1])
    assert [g.numpy() for g in partial(2.0, 5.0)] == [2.0]


def test_register_gradient_overrides_and_no_gradient() -> None:
    from eagerflow.core.dispatch import GRADIENTS, Primitive, execute
    from eagerflow.ops import _shape_rules as rules

    prim = Primitive("TestDouble", lambda xp, x: x * 2, rules.unary)

    @tf.RegisterGradient("TestDouble")
    def _grad(op, dy):
        return dy * 2.0

    x = tf.constant(1.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = execute(prim, (x,))
    assert tape.gradient(y, x).numpy() == 2.0
    tf.no_gradient("TestDouble")
    assert tape.gradient(y, x) is None
    assert "TestDouble" not in GRADIENTS

"""tf.cond, tf.switch_case, tf.while_loop: eager, traced, and their gradients."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf


def _grad(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return y, tape.gradient(y, x)


def _piecewise(x):
    return tf.cond(tf.reduce_sum(x) > 0.0, lambda: tf.tanh(x) * x, lambda: tf.square(x) - x)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_cond_traced_equals_eager_forward_and_gradient(sign) -> None:
    x = tf.constant([0.5, 1.5]) * sign
    y_eager, g_eager = _grad(_piecewise, x)
    y_graph, g_graph = tf.function(lambda x: _grad(_piecewise, x))(x)  # tape inside
    np.testing.assert_allclose(y_graph.numpy(), y_eager.numpy(), rtol=1e-6)
    np.testing.assert_allclose(g_graph.numpy(), g_eager.numpy(), rtol=1e-6)
    y_out, g_out = _grad(tf.function(_piecewise), x)  # tape around the call
    np.testing.assert_allclose(g_out.numpy(), g_eager.numpy(), rtol=1e-6)


def test_cond_is_one_node_with_two_branch_graphs() -> None:
    graph = tf.function(_piecewise).get_concrete_function(tf.constant([1.0, 2.0])).graph
    assert graph.op_counts()["If"] == 1
    text = str(graph)
    assert "graph cond_branch0" in text and "graph cond_branch1" in text


def test_cond_eagerly_runs_only_one_branch() -> None:
    ran = []
    out = tf.cond(tf.constant(True), lambda: ran.append("t") or 1, lambda: ran.append("f") or 2)
    assert out == 1 and ran == ["t"]


def test_cond_only_the_taken_branch_has_effects_at_run_time() -> None:
    v = tf.Variable(0.0)

    @tf.function
    def f(x):
        def yes():
            v.assign_add(1.0)
            return x + 1.0

        return tf.cond(x > 0.0, yes, lambda: x - 1.0)

    f(tf.constant(1.0))
    f(tf.constant(-1.0))
    f(tf.constant(2.0))
    assert v.numpy() == 2.0


def test_cond_branch_mismatch_errors() -> None:
    @tf.function
    def f(x):
        return tf.cond(x > 0, lambda: x, lambda: tf.cast(x, tf.float64))

    with pytest.raises(TypeError, match="dtype float32 in one branch and float64"):
        f(tf.constant(1.0))


def test_cond_with_python_bool_and_nested_outputs() -> None:
    @tf.function
    def f(x):
        out = tf.cond(x > 0, lambda: {"a": x, "b": (x * 2,)}, lambda: {"a": -x, "b": (x,)})
        return out["a"] + out["b"][0]

    assert f(tf.constant(2.0)).numpy() == 6.0
    assert f(tf.constant(-2.0)).numpy() == 0.0
    assert tf.cond(False, lambda: 1, lambda: 2) == 2


def _switch(i, x):
    return tf.switch_case(i, [lambda: x * 2.0, lambda: tf.exp(x), lambda: x * x * x])


@pytest.mark.parametrize("index", [0, 1, 2, 7])
def test_switch_case_traced_equals_eager(index) -> None:
    x = tf.constant([0.5, -1.0])
    i = tf.constant(index)
    y_eager, g_eager = _grad(lambda x: _switch(i, x), x)
    y_graph, g_graph = tf.function(lambda i, x: _grad(lambda x: _switch(i, x), x))(i, x)
    np.testing.assert_allclose(y_graph.numpy(), y_eager.numpy(), rtol=1e-6)
    np.testing.assert_allclose(g_graph.numpy(), g_eager.numpy(), rtol=1e-6)


def test_switch_case_default_and_dict_branches() -> None:
    fns = {0: lambda: tf.constant(10), 1: lambda: tf.constant(20)}
    f = tf.function(lambda i: tf.switch_case(i, fns, default=lambda: tf.constant(-1)))
    assert [f(tf.constant(i)).numpy() for i in (0, 1, 5, -1)] == [10, 20, -1, -1]


def _power_loop(x):
    i = tf.constant(0)
    _, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), (i, tf.ones_like(x)))
    return y


def test_while_loop_traced_equals_eager_forward_and_gradient() -> None:
    x = tf.constant([1.5, -2.0])
    y_eager, g_eager = _grad(_power_loop, x)
    np.testing.assert_allclose(y_eager.numpy(), x.numpy() ** 3, rtol=1e-6)
    y_graph, g_graph = tf.function(lambda x: _grad(_power_loop, x))(x)
    np.testing.assert_allclose(y_graph.numpy(), y_eager.numpy(), rtol=1e-6)
    np.testing.assert_allclose(g_graph.numpy(), 3 * x.numpy() ** 2, rtol=1e-6)
    _, g_out = _grad(tf.function(_power_loop), x)
    np.testing.assert_allclose(g_out.numpy(), 3 * x.numpy() ** 2, rtol=1e-6)


def test_while_loop_runs_a_data_dependent_number_of_times() -> None:
    @tf.function
    def collatz_steps(n):
        def body(n, steps):
            n = tf.cond(n % 2 == 0, lambda: n // 2, lambda: 3 * n + 1)
            return n, steps + 1

        return tf.while_loop(lambda n, steps: n > 1, body, (n, tf.constant(0)))[1]

    assert collatz_steps(tf.constant(6)).numpy() == 8
    assert collatz_steps(tf.constant(27)).numpy() == 111
    assert collatz_steps.experimental_get_tracing_count() == 1


def test_while_loop_maximum_iterations_and_shape_relaxation() -> None:
    @tf.function
    def grow(x):
        return tf.while_loop(
            lambda x: tf.reduce_sum(x) < 100.0,
            lambda x: tf.concat([x, x], axis=0),
            [x],
            maximum_iterations=3,
        )[0]

    out = grow(tf.ones([2]))
    assert out.shape == (16,)
    graph = grow.get_concrete_function(tf.ones([2])).graph
    assert graph.outputs[0].shape.as_list() == [None]


def test_while_loop_eager_structure_and_errors() -> None:
    out = tf.while_loop(lambda i: i < 5, lambda i: i + 2, [tf.constant(0)])
    assert isinstance(out, list) and out[0].numpy() == 6

    @tf.function
    def bad(x):
        return tf.while_loop(lambda x: x < 5, lambda x: (tf.cast(x, tf.float32),), (x,))

    with pytest.raises(TypeError, match="enters the loop as int32 but the body returns float32"):
        bad(tf.constant(0))


def test_while_loop_with_variable_updates_in_the_body() -> None:
    v = tf.Variable(0)

    @tf.function
    def count(n):
        def body(i):
            v.assign_add(i)
            return (i + 1,)

        tf.while_loop(lambda i: i < n, body, (tf.constant(0),))
        return v.read_value()

    assert count(tf.constant(4)).numpy() == 6
    assert count(tf.constant(3)).numpy() == 9

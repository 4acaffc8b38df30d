"""Graph gradients: a tape around a tf.function call, a tape inside one, higher order, and
train_step equivalence with eager training."""

from __future__ import annotations

import numpy as np

import eagerflow as tf


def _mlp_params(seed: int = 0) -> list:
    rng = np.random.default_rng(seed)
    return [
        tf.Variable(rng.normal(0, 0.5, (4, 8)).astype(np.float32), name="w1"),
        tf.Variable(np.zeros(8, np.float32), name="b1"),
        tf.Variable(rng.normal(0, 0.5, (8, 3)).astype(np.float32), name="w2"),
        tf.Variable(np.zeros(3, np.float32), name="b2"),
    ]


def _loss(params: list, x, y):
    w1, b1, w2, b2 = params
    h = tf.tanh(tf.matmul(x, w1) + b1)
    logits = tf.matmul(h, w2) + b2
    return tf.reduce_mean(tf.square(logits - y))


def _data(seed: int = 1) -> tuple:
    rng = np.random.default_rng(seed)
    x = tf.constant(rng.normal(size=(16, 4)).astype(np.float32))
    y = tf.constant(rng.normal(size=(16, 3)).astype(np.float32))
    return x, y


def test_tape_around_a_call_matches_eager_for_inputs_and_variables() -> None:
    params = _mlp_params()
    x, y = _data()
    traced = tf.function(_loss)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = traced(params, x, y)
    got = tape.gradient(loss, [x] + params)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss_eager = _loss(params, x, y)
    want = tape.gradient(loss_eager, [x] + params)
    np.testing.assert_allclose(loss.numpy(), loss_eager.numpy(), rtol=1e-6)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-5, atol=1e-7)


def test_the_call_is_one_recorded_op() -> None:
    x = tf.constant([1.0, 2.0])
    f = tf.function(lambda x: tf.tanh(x) * x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        f(x)
    assert [r.prim.name for r in tape._records] == ["StatefulPartitionedCall"]


def test_gradient_reaches_tensors_captured_from_the_closure() -> None:
    c = tf.constant([1.0, 3.0])
    f = tf.function(lambda x: x * c * c)
    x = tf.constant([2.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = f(x)
    np.testing.assert_allclose(tape.gradient(y, c).numpy(), [4.0, 12.0])


def test_second_and_third_order_through_calls() -> None:
    f = tf.function(lambda x: x * x * x)
    x = tf.constant(2.0)
    with tf.GradientTape() as t3:
        t3.watch(x)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = f(x)
            dy = t1.gradient(y, x)
        d2y = t2.gradient(dy, x)
    d3y = t3.gradient(d2y, x)
    assert (dy.numpy(), d2y.numpy(), d3y.numpy()) == (12.0, 12.0, 6.0)


def test_nested_tapes_inside_a_function() -> None:
    @tf.function
    def second_derivative(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.tanh(x)
            dy = inner.gradient(y, x)
        return outer.gradient(dy, x)

    x = tf.constant([0.3, -1.2])
    t = np.tanh(x.numpy())
    np.testing.assert_allclose(second_derivative(x).numpy(), -2 * t * (1 - t * t), rtol=1e-5)


def test_custom_gradient_inside_a_function() -> None:
    @tf.custom_gradient
    def clipped_identity(x):
        return tf.identity(x), lambda dy: tf.clip_by_value(dy, -0.5, 0.5)

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = clipped_identity(x) * 3.0
        return tape.gradient(y, x)

    np.testing.assert_allclose(f(tf.constant([1.0, 2.0])).numpy(), [0.5, 0.5])


def _sgd_step(params: list, x, y, lr: float = 0.1):
    with tf.GradientTape() as tape:
        loss = _loss(params, x, y)
    grads = tape.gradient(loss, params)
    for p, g in zip(params, grads):
        p.assign_sub(lr * g)
    return loss


def test_train_step_in_a_function_equals_eager_training_step_for_step() -> None:
    eager_params, graph_params = _mlp_params(), _mlp_params()
    x, y = _data()
    train_step = tf.function(_sgd_step)
    for _ in range(20):
        eager_loss = _sgd_step(eager_params, x, y)
        graph_loss = train_step(graph_params, x, y)
        np.testing.assert_allclose(graph_loss.numpy(), eager_loss.numpy(), rtol=1e-5)
        for a, b in zip(graph_params, eager_params):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
    assert train_step.experimental_get_tracing_count() == 1
    assert graph_loss.numpy() < _loss(_mlp_params(), x, y).numpy()


def test_train_step_graph_holds_forward_backward_and_updates() -> None:
    params = _mlp_params()
    x, y = _data()
    graph = tf.function(_sgd_step).get_concrete_function(params, x, y).graph
    counts = graph.op_counts()
    assert counts["AssignSubVariableOp"] == 4
    assert counts["ReadVariableOp"] >= 4
    assert counts["MatMul"] >= 5  # forward 2, backward 3+


def test_gradients_of_a_variable_updated_inside_the_function() -> None:
    v = tf.Variable(2.0)

    @tf.function
    def f(x):
        v.assign_add(1.0)
        return x * v

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert y.numpy() == 9.0
    assert tape.gradient(y, x).numpy() == 3.0
    assert v.numpy() == 3.0  # the gradient does not replay the update


def test_first_order_gradient_of_a_call_uses_saved_intermediates() -> None:
    f = tf.function(lambda x, w: tf.reduce_sum(tf.tanh(x * w) * x))
    x, w = tf.constant([0.5, -1.0]), tf.constant([2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch([x, w])
        y = f(x, w)
    (record,) = tape._records
    assert record.attrs["saved"]  # the forward part returned what the backward part needs
    gx, gw = tape.gradient(y, [x, w])
    t = np.tanh(x.numpy() * w.numpy())
    np.testing.assert_allclose(gx.numpy(), t + x.numpy() * w.numpy() * (1 - t * t), rtol=1e-6)
    np.testing.assert_allclose(gw.numpy(), x.numpy() ** 2 * (1 - t * t), rtol=1e-6)


def test_functions_with_updates_record_without_a_split() -> None:
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        v.assign_add(1.0)
        return x * x

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert "saved" not in tape._records[0].attrs
    assert tape.gradient(y, x).numpy() == 6.0 and v.numpy() == 2.0

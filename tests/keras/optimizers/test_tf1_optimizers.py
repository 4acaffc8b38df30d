"""TF1 optimizer names under tf.train, the global step, and the guide's linear regression."""

import numpy as np
import pytest

import eagerflow as tf
import eagerflow.train as tf_train
from eagerflow.keras.optimizers import global_step as global_step_module


@pytest.fixture(autouse=True)
def fresh_global_step():
    global_step_module._reset_for_tests()
    yield
    global_step_module._reset_for_tests()


def test_global_step_is_one_int64_variable():
    assert tf_train.get_global_step() is None
    step = tf_train.get_or_create_global_step()
    assert step.dtype == tf.int64 and step.name == "global_step:0" and not step.trainable
    assert tf_train.get_or_create_global_step() is step
    assert tf_train.get_global_step() is step
    with pytest.raises(ValueError, match="already exists"):
        tf_train.create_global_step()


def test_apply_gradients_increments_global_step():
    w = tf.Variable(1.0)
    opt = tf_train.GradientDescentOptimizer(learning_rate=0.5)
    for _ in range(3):
        opt.apply_gradients(
            [(tf.constant(1.0), w)], global_step=tf_train.get_or_create_global_step()
        )
    assert int(tf_train.get_global_step()) == 3
    assert float(w.numpy()) == -0.5


def test_momentum_optimizer_tf1_accumulator():
    # accum = 1, w = 1 - 0.1 = 0.9; accum = 1.9, w = 0.9 - 0.19 = 0.71
    w = tf.Variable(1.0)
    opt = tf_train.MomentumOptimizer(learning_rate=0.1, momentum=0.9)
    opt.apply_gradients([(tf.constant(1.0), w)])
    opt.apply_gradients([(tf.constant(1.0), w)])
    np.testing.assert_allclose(w.numpy(), 0.71, rtol=1e-6)
    np.testing.assert_allclose(opt.get_slot(w, "momentum").numpy(), 1.9, rtol=1e-6)


def test_momentum_optimizer_nesterov():
    # accum = 1, w = 1 - 0.1 * (1 + 0.9) = 0.81
    w = tf.Variable(1.0)
    tf_train.MomentumOptimizer(0.1, 0.9, use_nesterov=True).apply_gradients([(tf.constant(1.0), w)])
    np.testing.assert_allclose(w.numpy(), 0.81, rtol=1e-6)


def test_adam_optimizer_defaults_and_first_step():
    w = tf.Variable([1.0, 2.0])
    opt = tf_train.AdamOptimizer()
    assert opt.epsilon == 1e-8 and opt.beta_1 == 0.9 and opt.beta_2 == 0.999
    opt.apply_gradients([(tf.constant([1.0, -1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [0.999, 2.001], rtol=1e-6)
    assert opt.get_slot_names() == ["m", "v"]


def test_rmsprop_optimizer_starts_rms_at_one():
    # rms = 0.9 * 1 + 0.1 * 4 = 1.3; w = 1 - 0.1 * 2 / sqrt(1.3)
    w = tf.Variable(1.0)
    tf_train.RMSPropOptimizer(learning_rate=0.1).apply_gradients([(tf.constant(2.0), w)])
    np.testing.assert_allclose(w.numpy(), 1.0 - 0.2 / np.sqrt(1.3), rtol=1e-6)


def test_adagrad_optimizer_has_no_epsilon():
    # accum = 0.1 + 1 = 1.1; w = 1 - 0.1 / sqrt(1.1)
    w = tf.Variable(1.0)
    tf_train.AdagradOptimizer(learning_rate=0.1).apply_gradients([(tf.constant(1.0), w)])
    np.testing.assert_allclose(w.numpy(), 1.0 - 0.1 / np.sqrt(1.1), rtol=1e-6)
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        tf_train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)


def test_minimize_with_function_and_default_var_list():
    w = tf.Variable(3.0)
    frozen = tf.Variable(5.0, trainable=False)
    opt = tf_train.GradientDescentOptimizer(0.25)
    step = tf_train.get_or_create_global_step()
    opt.minimize(lambda: w * w + frozen, global_step=step)
    assert float(w.numpy()) == 1.5 and float(frozen.numpy()) == 5.0
    assert int(step) == 1
    pairs = opt.compute_gradients(lambda: w * w, var_list=[w])
    assert pairs[0][1] is w and float(pairs[0][0]) == 3.0
    with pytest.raises(RuntimeError, match="should be a function"):
        opt.minimize(w * w)


def test_guide_linear_regression_with_variables():
    # The guide's "Variables and optimizers" loop, with plain variables instead of a Model.
    tf.random.set_seed(0)
    num_examples = 2000
    training_inputs = tf.random_normal([num_examples])
    noise = tf.random_normal([num_examples])
    training_outputs = training_inputs * 3 + 2 + noise
    W = tf.Variable(5.0, name="weight")
    B = tf.Variable(10.0, name="bias")

    def loss(inputs, targets):
        error = inputs * W + B - targets
        return tf.reduce_mean(tf.square(error))

    def grad(inputs, targets):
        with tf.GradientTape() as tape:
            loss_value = loss(inputs, targets)
        return tape.gradient(loss_value, [W, B])

    optimizer = tf_train.GradientDescentOptimizer(learning_rate=0.01)
    initial = float(loss(training_inputs, training_outputs))
    for _ in range(300):
        grads = grad(training_inputs, training_outputs)
        optimizer.apply_gradients(
            zip(grads, [W, B]), global_step=tf_train.get_or_create_global_step()
        )
    final = float(loss(training_inputs, training_outputs))
    assert initial > 50.0 and final < 1.2
    assert abs(float(W.numpy()) - 3.0) < 0.1 and abs(float(B.numpy()) - 2.0) < 0.1
    assert int(tf_train.get_global_step()) == 300


def test_tf1_decay_functions_follow_the_global_step():
    step = tf_train.get_or_create_global_step()
    lr = tf_train.exponential_decay(0.5, step, decay_steps=1, decay_rate=0.5, staircase=True)
    assert callable(lr) and float(lr()) == 0.5
    w = tf.Variable(0.0)
    opt = tf_train.GradientDescentOptimizer(lr)
    for _ in range(3):  # learning rates 0.5, 0.25, 0.125
        opt.apply_gradients([(tf.constant(-1.0), w)], global_step=step)
    assert float(w.numpy()) == 0.875
    pieces = tf_train.piecewise_constant(step, [1, 2], [1.0, 0.5, 0.1])
    assert float(pieces()) == pytest.approx(0.1)  # step is 3
    assert float(tf_train.polynomial_decay(1.0, step, 6, end_learning_rate=0.0)()) == 0.5
    assert float(tf_train.inverse_time_decay(1.0, step, 1, 1.0)()) == 0.25
    assert float(tf_train.cosine_decay(1.0, step, 6)()) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="global_step is required"):
        tf_train.exponential_decay(0.1, None, 1, 0.5)


@pytest.mark.skipif(not hasattr(tf.compat.v1, "Session"), reason="TF1 sessions not available")
def test_decayed_learning_rate_in_a_tf1_graph():
    v1 = tf.compat.v1
    with v1.Graph().as_default():
        x = v1.placeholder(tf.float32, [None, 1])
        w = tf.Variable(np.zeros((1, 1), np.float32))
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 3 * x))
        step = v1.train.get_or_create_global_step()
        lr = v1.train.exponential_decay(0.5, step, 10, 0.5)
        train_op = v1.train.GradientDescentOptimizer(lr).minimize(loss, global_step=step)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            xs = np.linspace(-1, 1, 20, dtype=np.float32)[:, None]
            for _ in range(50):
                sess.run(train_op, feed_dict={x: xs})
            w_value, lr_value, step_value = sess.run([w, lr, step])
    assert step_value == 50 and lr_value == pytest.approx(0.5 * 0.5**5)
    assert w_value[0, 0] == pytest.approx(3.0, abs=0.05)

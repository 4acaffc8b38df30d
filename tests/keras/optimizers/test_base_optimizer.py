"""The Optimizer base class: None gradients, learning rates, constraints, clipping, slots."""

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.keras import optimizers
from eagerflow.keras.optimizers import schedules
from eagerflow.train import creation_hooks


def test_none_gradient_is_skipped_with_one_warning():
    a, b = tf.Variable(1.0, name="a"), tf.Variable(2.0, name="b")
    opt = optimizers.SGD(learning_rate=0.5)
    with pytest.warns(UserWarning, match=r"b:0"):
        opt.apply_gradients([(tf.constant(1.0), a), (None, b)])
    opt.apply_gradients([(tf.constant(1.0), a), (None, b)])  # no second warning
    assert float(a.numpy()) == 0.0 and float(b.numpy()) == 2.0


def test_all_none_gradients_raise_naming_variables():
    a = tf.Variable(1.0, name="lonely")
    with pytest.raises(ValueError, match="no gradients provided for any variable.*lonely"):
        optimizers.Adam().apply_gradients([(None, a)])


def test_apply_gradients_returns_iterations_and_counts():
    v = tf.Variable(1.0)
    opt = optimizers.SGD()
    result = opt.apply_gradients([(tf.constant(1.0), v)])
    assert result is opt.iterations
    assert opt.iterations.dtype == tf.int64 and int(opt.iterations) == 1


def test_learning_rate_variable_setter_and_alias():
    opt = optimizers.SGD(learning_rate=0.5)
    assert isinstance(opt.learning_rate, tf.Variable)
    opt.learning_rate = 0.25
    v = tf.Variable(1.0)
    opt.apply_gradients([(tf.constant(1.0), v)])
    assert float(v.numpy()) == 0.75
    assert float(opt.lr.numpy()) == 0.25


def test_learning_rate_given_as_variable_is_used_live():
    lr = tf.Variable(0.5)
    opt = optimizers.SGD(learning_rate=lr)
    v = tf.Variable(1.0)
    opt.apply_gradients([(tf.constant(1.0), v)])
    lr.assign(0.125)
    opt.apply_gradients([(tf.constant(1.0), v)])
    assert float(v.numpy()) == 1.0 - 0.5 - 0.125


def test_learning_rate_schedule_follows_iterations():
    schedule = schedules.PiecewiseConstantDecay([1], [0.5, 0.25])
    opt = optimizers.SGD(learning_rate=schedule)
    v = tf.Variable(0.0)
    for _ in range(3):  # steps 0 and 1 use 0.5, step 2 uses 0.25
        opt.apply_gradients([(tf.constant(-1.0), v)])
    assert float(v.numpy()) == 1.25
    assert float(opt.learning_rate) == 0.25
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        opt.learning_rate = 0.1


def test_callable_learning_rate():
    opt = optimizers.SGD(learning_rate=lambda: 0.5)
    v = tf.Variable(1.0)
    opt.apply_gradients([(tf.constant(1.0), v)])
    assert float(v.numpy()) == 0.5


def test_constraint_is_applied_after_the_update():
    v = tf.Variable([1.0, -1.0], constraint=lambda x: tf.zeros_like(x) + 0.25)
    optimizers.SGD(learning_rate=1.0).apply_gradients([(tf.constant([1.0, 1.0]), v)])
    np.testing.assert_array_equal(v.numpy(), [0.25, 0.25])


def test_weight_decay_and_exclusion():
    a, b = tf.Variable(1.0, name="kernel"), tf.Variable(1.0, name="bias")
    opt = optimizers.SGD(learning_rate=0.5, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply_gradients([(tf.constant(0.0), a), (tf.constant(0.0), b)])
    assert float(a.numpy()) == 0.75 and float(b.numpy()) == 1.0


def test_minimize_with_callable_and_with_tape():
    v = tf.Variable(2.0)
    opt = optimizers.SGD(learning_rate=0.25)
    opt.minimize(lambda: v * v, var_list=lambda: [v])
    assert float(v.numpy()) == 1.0
    with tf.GradientTape() as tape:
        loss = v * v
    opt.minimize(loss, [v], tape=tape)
    assert float(v.numpy()) == 0.5
    with pytest.raises(ValueError, match="tape"):
        opt.minimize(loss, [v])


def test_variables_property_and_call_and_weights():
    v = tf.Variable([1.0, 2.0])
    opt = optimizers.Adam()
    opt.apply_gradients([(tf.constant([1.0, 1.0]), v)])
    variables = opt.variables
    assert variables() == list(variables)
    assert variables[0] is opt.iterations
    assert len(variables) == 2 + 2  # iterations, learning_rate, m, v
    weights = opt.get_weights()
    opt.apply_gradients([(tf.constant([1.0, 1.0]), v)])
    opt.set_weights(weights)
    assert int(opt.iterations) == 1


def test_slots_are_announced_to_checkpoint_listeners():
    seen = []

    def listener(owner, name, variable):
        seen.append((type(owner).__name__, name))

    creation_hooks.add_listener(listener)
    try:
        opt = optimizers.Adam()
        opt.apply_gradients([(tf.constant(1.0), tf.Variable(1.0))])
    finally:
        creation_hooks.remove_listener(listener)
    assert ("Adam", "iter") in seen and ("Adam", "m") in seen and ("Adam", "v") in seen
    assert set(opt._checkpoint_children()) == {"iter", "learning_rate"}


def test_new_variables_get_slots_lazily():
    opt = optimizers.Adam()
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    opt.apply_gradients([(tf.constant(1.0), a)])
    opt.apply_gradients([(tf.constant(1.0), a), (tf.constant(1.0), b)])
    assert len(opt._slot_variables()) == 4


def test_dtype_mismatch_is_reported():
    v = tf.Variable(np.float64(1.0))
    with pytest.raises(TypeError, match="dtype"):
        optimizers.SGD().apply_gradients([(tf.constant(1.0), v)])


def test_bad_arguments():
    with pytest.raises(ValueError, match="only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(TypeError, match="unexpected keyword"):
        optimizers.Adam(betas=0.1)
    with pytest.raises(TypeError, match="learning_rate"):
        optimizers.Adam(learning_rate="fast")
    with pytest.raises(ValueError, match="InverseTimeDecay"):
        optimizers.SGD(decay=0.1)
    assert float(optimizers.SGD(lr=0.5).learning_rate.numpy()) == 0.5


def test_get_by_name_and_instance():
    assert isinstance(optimizers.get("adam"), optimizers.Adam)
    assert isinstance(optimizers.get("RMSprop"), optimizers.RMSprop)
    opt = optimizers.SGD()
    assert optimizers.get(opt) is opt
    with pytest.raises(ValueError, match="could not interpret"):
        optimizers.get("nope")


def _has(name):
    return hasattr(tf, name)


@pytest.mark.skipif(not _has("clip_by_value"), reason="clip ops not available yet")
def test_clipvalue():
    v = tf.Variable([0.0, 0.0])
    optimizers.SGD(learning_rate=1.0, clipvalue=0.5).apply_gradients(
        [(tf.constant([2.0, -0.25]), v)]
    )
    np.testing.assert_allclose(v.numpy(), [-0.5, 0.25])


@pytest.mark.skipif(not _has("clip_by_norm"), reason="clip ops not available yet")
def test_clipnorm():
    v = tf.Variable([0.0, 0.0])
    optimizers.SGD(learning_rate=1.0, clipnorm=1.0).apply_gradients([(tf.constant([3.0, 4.0]), v)])
    np.testing.assert_allclose(v.numpy(), [-0.6, -0.8], rtol=1e-6)


@pytest.mark.skipif(not _has("clip_by_global_norm"), reason="clip ops not available yet")
def test_global_clipnorm():
    a, b = tf.Variable([0.0]), tf.Variable([0.0])
    optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0).apply_gradients(
        [(tf.constant([3.0]), a), (tf.constant([4.0]), b)]
    )
    np.testing.assert_allclose([a.numpy()[0], b.numpy()[0]], [-0.6, -0.8], rtol=1e-6)


def test_keras3_style_subclass():
    class SignSGD(optimizers.Optimizer):
        """Keras 3 style: slot lists indexed by _get_variable_index, assign helpers."""

        def __init__(self, learning_rate=0.1, momentum=0.5, name="sign_sgd"):
            super().__init__(learning_rate=learning_rate, name=name)
            self.momentum = momentum

        def build(self, var_list):
            super().build(var_list)
            self._momentums = getattr(self, "_momentums", [])
            for var in var_list:
                self._momentums.append(self.add_variable_from_reference(var, "momentum"))

        def update_step(self, gradient, variable, learning_rate):
            m = self._momentums[self._get_variable_index(variable)]
            self.assign(m, m * self.momentum + gradient)
            self.assign_sub(variable, tf.sign(m) * learning_rate)

    a, b = tf.Variable([1.0, -1.0]), tf.Variable(2.0)
    opt = SignSGD()
    opt.apply_gradients([(tf.constant([1.0, -3.0]), a), (tf.constant(0.5), b)])
    opt.apply_gradients([(tf.constant([-4.0, 1.0]), a), (tf.constant(0.5), b)])
    # m_a = [1, -3] then [-3.5, -0.5]; m_b = 0.5 then 0.75
    np.testing.assert_allclose(a.numpy(), [1.0 - 0.1 + 0.1, -1.0 + 0.1 + 0.1], rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), 2.0 - 0.2, rtol=1e-6)
    assert opt._get_variable_index(b) == 1
    with pytest.raises(KeyError, match="not built"):
        opt._get_variable_index(tf.Variable(0.0))

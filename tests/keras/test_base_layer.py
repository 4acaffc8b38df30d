"""The Layer base class: building, naming, tracking, weights I/O, losses, input checks."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf


@pytest.fixture(autouse=True)
def _fresh_names():
    tf.keras.backend.clear_session()
    tf.random.set_seed(0)


class MySimpleLayer(tf.keras.layers.Layer):
    """The guide's custom layer, verbatim apart from the class body's docstring."""

    def __init__(self, output_units):
        super(MySimpleLayer, self).__init__()  # noqa: UP008  (verbatim)
        self.output_units = output_units

    def build(self, input_shape):
        self.kernel = self.add_variable("kernel", [input_shape[-1], self.output_units])

    def call(self, input):
        return tf.matmul(input, self.kernel)


def test_guide_custom_layer_builds_on_first_call() -> None:
    layer = MySimpleLayer(3)
    assert not layer.built and layer.weights == []
    out = layer(tf.ones([2, 5]))
    assert out.shape == (2, 3)
    assert layer.built
    assert [v.name for v in layer.trainable_variables] == ["my_simple_layer/kernel:0"]
    kernel = layer.kernel.numpy()
    limit = np.sqrt(6 / (5 + 3))  # glorot_uniform by default
    assert np.all(np.abs(kernel) <= limit) and kernel.std() > 0


def test_build_receives_a_tensor_shape_and_runs_once() -> None:
    seen = []

    class Probe(tf.keras.layers.Layer):
        def build(self, input_shape):
            seen.append(input_shape)

    layer = Probe()
    layer(tf.ones([2, 3]))
    layer(tf.ones([4, 3]))
    assert seen == [tf.TensorShape([2, 3])]
    assert isinstance(seen[0], tf.TensorShape)


def test_unique_names_per_class() -> None:
    names = [tf.keras.layers.Dense(1).name for _ in range(3)]
    assert names == ["dense", "dense_1", "dense_2"]
    assert tf.keras.layers.Conv2D(1, 1).name == "conv2d"
    assert tf.keras.layers.Dense(1, name="head").name == "head"


def test_weight_names_follow_layer_names() -> None:
    first, second = tf.keras.layers.Dense(2), tf.keras.layers.Dense(2)
    first(tf.ones([1, 3]))
    second(tf.ones([1, 3]))
    assert [w.name for w in second.weights] == ["dense_1/kernel:0", "dense_1/bias:0"]


def test_tracking_through_attributes_lists_and_dicts_in_creation_order() -> None:
    class Block(tf.keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.first = tf.keras.layers.Dense(2)
            self.stack = [tf.keras.layers.Dense(2), tf.keras.layers.Dense(2)]
            self.heads = {"b": tf.keras.layers.Dense(1), "a": tf.keras.layers.Dense(1)}
            self.scale = tf.Variable(1.0, name="scale")
            self.frozen = tf.Variable(0.0, name="frozen", trainable=False)

        def call(self, x):
            x = self.first(x)
            for layer in self.stack:
                x = layer(x)
            return (self.heads["a"](x) + self.heads["b"](x)) * self.scale + self.frozen

    block = Block()
    block(tf.ones([1, 3]))
    names = [v.name for v in block.trainable_variables]
    assert names == [
        "scale:0",
        "dense/kernel:0", "dense/bias:0",
        "dense_1/kernel:0", "dense_1/bias:0",
        "dense_2/kernel:0", "dense_2/bias:0",
        "dense_3/kernel:0", "dense_3/bias:0",
        "dense_4/kernel:0", "dense_4/bias:0",
    ]  # fmt: skip
    assert [v.name for v in block.non_trainable_variables] == ["frozen:0"]
    assert len(block.variables) == 12
    assert [layer.name for layer in block._flatten_layers(include_self=False)] == [
        "dense", "dense_1", "dense_2", "dense_3", "dense_4"
    ]  # fmt: skip


def test_shared_layer_weights_are_listed_once() -> None:
    class Twice(tf.keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = tf.keras.layers.Dense(3)
            self.alias = self.dense

        def call(self, x):
            return self.alias(self.dense(x))

    layer = Twice()
    layer(tf.ones([1, 3]))
    assert len(layer.weights) == 2


def test_trainable_false_freezes_the_layer_and_its_children() -> None:
    model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
    model.trainable = False
    assert model.trainable_weights == []
    assert len(model.non_trainable_weights) == 2
    assert not model.layers[0].trainable
    model.trainable = True
    assert len(model.trainable_weights) == 2


def test_get_and_set_weights_round_trip_and_errors() -> None:
    layer = tf.keras.layers.Dense(2)
    layer(tf.ones([1, 3]))
    new = [np.full((3, 2), 0.5, np.float32), np.array([1.0, -1.0], np.float32)]
    layer.set_weights(new)
    np.testing.assert_array_equal(layer(tf.ones([1, 3])).numpy(), [[2.5, 0.5]])
    with pytest.raises(ValueError, match="expected a list of 2 weights"):
        layer.set_weights(new[:1])
    with pytest.raises(ValueError, match=r"has shape \(3, 2\).*\(2, 2\)"):
        layer.set_weights([np.zeros((2, 2)), new[1]])


def test_initial_weights_argument() -> None:
    weights = [np.ones((2, 1), np.float32), np.zeros((1,), np.float32)]
    layer = tf.keras.layers.Dense(1, weights=weights)
    np.testing.assert_array_equal(layer(tf.ones([1, 2])).numpy(), [[2.0]])


def test_regularizer_losses_and_add_loss() -> None:
    layer = tf.keras.layers.Dense(
        2, kernel_initializer="ones", kernel_regularizer=tf.keras.regularizers.l2(0.1)
    )
    layer(tf.ones([1, 3]))
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(layer.losses[0]), 0.1 * 6)

    class Penalized(tf.keras.layers.Layer):
        def call(self, x):
            self.add_loss(tf.reduce_sum(x))
            return x

    model = tf.keras.Sequential([Penalized(), tf.keras.layers.Dense(1, kernel_regularizer="l1")])
    model(tf.ones([1, 2]))
    model(tf.ones([1, 2]))
    assert len(model.losses) == 2  # the eager loss of the last call only, plus the penalty
    np.testing.assert_allclose(float(model.losses[0]), 2.0)


def test_activity_regularizer_divides_by_batch_size() -> None:
    layer = tf.keras.layers.Dense(
        1, kernel_initializer="ones", activity_regularizer=tf.keras.regularizers.L1(1.0)
    )
    layer(tf.ones([4, 2]))
    np.testing.assert_allclose(float(layer.losses[0]), 2.0)  # sum |2| * 4 / 4


def test_input_spec_errors_name_the_layer() -> None:
    layer = tf.keras.layers.Dense(2)
    layer(tf.ones([1, 3]))
    with pytest.raises(ValueError, match=r"Input 0 of layer 'dense' .* axis -1 .* value 3"):
        layer(tf.ones([1, 4]))
    with pytest.raises(ValueError, match="expected min_ndim=4, found ndim=2"):
        tf.keras.layers.Conv2D(1, 1)(tf.ones([2, 2]))


def test_constructor_argument_errors() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        tf.keras.layers.Dense(2, unknown=1)
    with pytest.raises(ValueError, match="units"):
        tf.keras.layers.Dense(0)
    with pytest.raises(ValueError, match="rate"):
        tf.keras.layers.Dropout(1.5)
    with pytest.raises(ValueError, match="kernel_size"):
        tf.keras.layers.Conv2D(2, (1, 2, 3))
    with pytest.raises(ValueError, match="padding"):
        tf.keras.layers.Conv2D(2, 3, padding="full")


def test_add_weight_needs_a_known_shape() -> None:
    layer = tf.keras.layers.Layer()
    with pytest.raises(ValueError, match="fully known shape"):
        layer.add_weight("w", [None, 3])
    w = layer.add_weight("w", [2], initializer="ones", trainable=False)
    assert w.name == "layer/w:0" and not w.trainable
    assert layer.non_trainable_weights == [w]


def test_numpy_and_float64_inputs_are_cast_to_the_layer_dtype() -> None:
    layer = tf.keras.layers.Dense(2)
    out = layer(np.ones((1, 3)))  # float64 NumPy data
    assert out.dtype == tf.float32
    ints = tf.keras.layers.Embedding(5, 2)(np.array([[1, 2]]))
    assert ints.shape == (1, 2, 2)


def test_training_flag_reaches_nested_layers() -> None:
    seen = []

    class Spy(tf.keras.layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    class Outer(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.spy = Spy()

        def call(self, x):  # does not pass `training` on
            return self.spy(x)

    model = Outer()
    model(tf.ones([1]), training=True)
    model(tf.ones([1]))
    model(tf.ones([1]), training=False)
    assert seen == [True, None, False]


def test_compute_output_shape_by_probing() -> None:
    layer = tf.keras.layers.Conv2D(4, 3, strides=2)
    assert layer.compute_output_shape((None, 9, 9, 2)) == tf.TensorShape([None, 4, 4, 4])
    lam = tf.keras.layers.Lambda(lambda x: tf.concat([x, x], axis=-1))
    assert lam.compute_output_shape((None, 5, 3)) == tf.TensorShape([None, 5, 6])


def test_symbolic_call_does_not_move_batch_statistics() -> None:
    bn = tf.keras.layers.BatchNormalization()
    x = tf.keras.Input(shape=(3,))
    bn(x, training=True)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), np.zeros(3))


def test_batch_normalization_moving_statistics_and_training_flag() -> None:
    bn = tf.keras.layers.BatchNormalization(momentum=0.5)
    x = tf.constant([[1.0, 2.0], [3.0, 6.0]])
    out = bn(x, training=True)
    np.testing.assert_allclose(out.numpy(), [[-1, -1], [1, 1]], atol=1e-3)
    np.testing.assert_allclose(bn.moving_mean.numpy(), [1.0, 2.0])
    np.testing.assert_allclose(bn.moving_variance.numpy(), [1.0, 2.5])
    inference = bn(x, training=False)
    expected = (x.numpy() - [1.0, 2.0]) / np.sqrt(np.array([1.0, 2.5]) + 1e-3)
    np.testing.assert_allclose(inference.numpy(), expected, rtol=1e-5)


@pytest.mark.parametrize("dtype", ["float64", np.float64, tf.float64])
def test_dtype_argument_forms(dtype) -> None:
    layer = tf.keras.layers.Dense(2, dtype=dtype)
    assert layer.dtype == "float64"
    assert layer(np.ones((1, 2))).dtype == tf.float64
    assert layer.kernel.dtype == tf.float64

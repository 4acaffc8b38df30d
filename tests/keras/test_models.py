"""Sequential, functional and subclassed models, and `summary()`."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf

L = tf.keras.layers


@pytest.fixture(autouse=True)
def _fresh_names():
    tf.keras.backend.clear_session()
    tf.random.set_seed(0)


def _summary(model, **kwargs) -> str:
    lines: list[str] = []
    model.summary(print_fn=lines.append, **kwargs)
    return "\n".join(lines)


SEQUENTIAL_SUMMARY = """\
Model: "sequential"
_________________________________________________________________
Layer (type)                 Output Shape              Param #   
=================================================================
dense (Dense)                (None, 10)                7850      
_________________________________________________________________
dense_1 (Dense)              (None, 10)                110       
=================================================================
Total params: 7,960
Trainable params: 7,960
Non-trainable params: 0
_________________________________________________________________"""  # noqa: W291


def test_sequential_with_input_shape_is_built_at_once_and_summarized() -> None:
    model = tf.keras.Sequential(
        [L.Dense(10, input_shape=(784,)), L.Dense(10)]  # must declare input shape
    )
    assert model.built
    assert _summary(model) == SEQUENTIAL_SUMMARY
    assert model(np.zeros((3, 784), np.float32)).shape == (3, 10)


def test_sequential_deferred_build_summary_with_non_trainable_params() -> None:
    model = tf.keras.Sequential(
        [L.Conv2D(4, 3, activation="relu"), L.BatchNormalization(), L.MaxPooling2D(),
         L.Flatten(), L.Dense(10)]
    )  # fmt: skip
    with pytest.raises(ValueError, match="has not yet been built"):
        model.summary()
    model(tf.zeros([2, 8, 8, 1]))
    text = _summary(model)
    assert "conv2d (Conv2D)              (None, 6, 6, 4)           40" in text
    assert "batch_normalization (BatchNo (None, 6, 6, 4)           16" in text
    assert "max_pooling2d (MaxPooling2D) (None, 3, 3, 4)           0" in text
    assert "flatten (Flatten)            (None, 36)                0" in text
    assert "Total params: 426\nTrainable params: 418\nNon-trainable params: 8" in text


def test_sequential_add_pop_and_errors() -> None:
    model = tf.keras.Sequential()
    model.add(tf.keras.Input(shape=(4,)))
    model.add(L.Dense(3))
    assert model.built and model.output_shape == (None, 3)
    model.add(L.Dense(2))
    assert model.output_shape == (None, 2)
    popped = model.pop()
    assert popped.name == "dense_1" and len(model.layers) == 1
    assert model(tf.ones([5, 4])).shape == (5, 3)
    with pytest.raises(TypeError, match="must be an instance of class Layer"):
        model.add("dense")
    with pytest.raises(ValueError, match="unique names"):
        model.add(model.layers[0])
    model.pop()
    with pytest.raises(TypeError, match="no layers"):
        model.pop()


def test_sequential_config_round_trip() -> None:
    model = tf.keras.Sequential([L.Dense(4, input_shape=(3,), activation="relu"), L.Dense(1)])
    clone = tf.keras.Sequential.from_config(model.get_config())
    assert [type(layer) for layer in clone.layers] == [L.Dense, L.Dense]
    clone.set_weights(model.get_weights())
    x = tf.ones([2, 3])
    np.testing.assert_allclose(clone(x).numpy(), model(x).numpy())


def test_functional_multiple_inputs_and_outputs() -> None:
    image = tf.keras.Input(shape=(8,), name="image")
    meta = tf.keras.Input(shape=(2,), name="meta")
    hidden = L.Dense(4, activation="relu")(image)
    merged = L.concatenate([hidden, meta])
    score = L.Dense(1, name="score")(merged)
    klass = L.Dense(3, name="klass")(merged)
    model = tf.keras.Model(inputs=[image, meta], outputs=[score, klass])
    assert type(model).__name__ == "Functional"
    assert [layer.name for layer in model.layers] == [
        "image", "meta", "dense", "concatenate", "score", "klass"
    ]  # fmt: skip
    score_value, klass_value = model([np.ones((5, 8)), np.ones((5, 2))])
    assert score_value.shape == (5, 1) and klass_value.shape == (5, 3)
    assert len(model.trainable_weights) == 6
    text = _summary(model)
    assert "concatenate (Concatenate)       (None, 6)            0           dense[0][0]" in text
    assert "meta[0][0]" in text and "Total params: 64" in text


def test_functional_shared_layer_and_operators() -> None:
    x = tf.keras.Input(shape=(3,))
    shared = L.Dense(3, kernel_initializer="identity", bias_initializer="zeros")
    y = shared(shared(x)) + x * 2.0
    model = tf.keras.Model(x, y)
    assert len(model.weights) == 2
    np.testing.assert_allclose(model(tf.constant([[1.0, 2.0, 3.0]])).numpy(), [[3, 6, 9]])


def test_functional_config_round_trip() -> None:
    a, b = tf.keras.Input(shape=(8,), name="a"), tf.keras.Input(shape=(2,), name="b")
    shared = L.Dense(4, activation="relu")
    hidden = shared(L.Dense(8)(shared(a)))
    merged = L.concatenate([hidden * 2.0, b])
    model = tf.keras.Model([a, b], {"score": L.Dense(1)(merged), "klass": L.Dense(3)(merged)})
    config = model.get_config()
    tf.keras.backend.clear_session()
    clone = tf.keras.Model.from_config(config)
    assert [type(la).__name__ for la in clone.layers] == [type(la).__name__ for la in model.layers]
    clone.set_weights(model.get_weights())
    x = [np.ones((2, 8), np.float32), np.ones((2, 2), np.float32)]
    ours, theirs = model(x), clone(x)
    assert set(theirs) == {"score", "klass"}
    for key in ours:
        np.testing.assert_allclose(ours[key].numpy(), theirs[key].numpy(), rtol=1e-6)


def test_functional_graph_disconnected() -> None:
    a, b = tf.keras.Input(shape=(2,)), tf.keras.Input(shape=(2,))
    out = L.Add()([a, b])
    with pytest.raises(ValueError, match="Graph disconnected"):
        tf.keras.Model(a, out)
    with pytest.raises(TypeError, match="symbolic tensors"):
        tf.keras.Model(a, tf.ones([1]))


def test_functional_model_nested_as_a_layer_and_trained() -> None:
    inner_in = tf.keras.Input(shape=(4,))
    inner = tf.keras.Model(inner_in, L.Dense(2)(inner_in))
    outer_in = tf.keras.Input(shape=(4,))
    outer = tf.keras.Model(outer_in, L.Dense(1)(inner(outer_in)))
    assert len(outer.trainable_variables) == 4
    x = tf.random.normal([8, 4])
    target = tf.reduce_sum(x, axis=1, keepdims=True)
    losses = []
    for _ in range(20):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(outer(x) - target))
        grads = tape.gradient(loss, outer.trainable_variables)
        for v, g in zip(outer.trainable_variables, grads):
            v.assign_sub(0.05 * g)
        losses.append(float(loss))
    assert losses[-1] < losses[0] * 0.5


class MNISTModel(tf.keras.Model):
    def __init__(self):
        super(MNISTModel, self).__init__()  # noqa: UP008  (verbatim)
        self.dense1 = tf.keras.layers.Dense(units=10)
        self.dense2 = tf.keras.layers.Dense(units=10)

    def call(self, input):
        """Run the model."""
        result = self.dense1(input)
        result = self.dense2(result)
        result = self.dense2(result)  # reuse variables from dense2 layer
        return result


def test_subclassed_model_reuses_a_layer() -> None:
    model = MNISTModel()
    assert not model.built
    out = model(tf.zeros([2, 784]))
    assert out.shape == (2, 10)
    assert [v.name for v in model.trainable_variables] == [
        "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0"
    ]  # fmt: skip
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]
    assert model.get_layer("dense_1") is model.dense2
    text = _summary(model)
    assert 'Model: "mnist_model"' in text and "Total params: 7,960" in text


def test_subclassed_model_build_with_shape() -> None:
    model = MNISTModel()
    model.build((None, 784))
    assert len(model.weights) == 4
    assert model.layers[0].kernel.shape == (784, 10)


def test_model_holding_variables_directly() -> None:
    class Linear(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.W = tf.Variable(5.0, name="weight")
            self.B = tf.Variable(10.0, name="bias")

        def call(self, inputs):
            return inputs * self.W + self.B

    model = Linear()
    assert [v.name for v in model.trainable_variables] == ["weight:0", "bias:0"]
    np.testing.assert_allclose(model(tf.constant([1.0, 2.0])).numpy(), [15.0, 20.0])


def test_model_weights_are_listed_layer_by_layer() -> None:
    # tf.keras 2's Model.weights: each layer's weights in turn (moving statistics next to
    # gamma and beta), then the model's own; a plain Layer lists trainable weights first.
    model = tf.keras.Sequential([L.Dense(2), L.BatchNormalization(), L.Dense(1)])
    model(tf.zeros([3, 4]))
    bn = ["gamma", "beta", "moving_mean", "moving_variance"]
    expected = ["dense/kernel", "dense/bias", *(f"batch_normalization/{n}" for n in bn)]
    expected += ["dense_1/kernel", "dense_1/bias"]
    assert [w.name.split("/", 1)[1][:-2] for w in model.weights] == expected
    assert [w.shape.as_list() for w in model.weights] == [
        list(a.shape) for a in model.get_weights()
    ]
    assert len(model.trainable_weights) == 6

    class Block(tf.keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.norm = L.BatchNormalization()
            self.dense = L.Dense(2)

        def call(self, x):
            return self.dense(self.norm(x))

    class Net(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.scale = tf.Variable(2.0, name="scale")

        def call(self, x):
            return self.block(x) * self.scale

    net = Net()
    net(tf.zeros([3, 4]))
    names = [w.name.split(":")[0].rsplit("/", 1)[-1] for w in net.weights]
    assert names == ["gamma", "beta", "kernel", "bias", "moving_mean", "moving_variance", "scale"]


def test_save_and_load_weights(tmp_path) -> None:
    model = tf.keras.Sequential([L.Dense(3, input_shape=(2,)), L.Dense(1)])
    path = str(tmp_path / "weights")
    model.save_weights(path)
    other = tf.keras.Sequential([L.Dense(3, input_shape=(2,)), L.Dense(1)])
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_nested_sequential_and_clone_model() -> None:
    inner = tf.keras.Sequential([L.Dense(4, activation="relu"), L.Dense(2)])
    outer = tf.keras.Sequential([L.Dense(3, input_shape=(5,)), inner, L.Dense(1)])
    assert "sequential (Sequential)      (None, 2)                 26" in _summary(outer)
    assert len(outer.weights) == 8
    clone = tf.keras.models.clone_model(outer)
    assert [type(layer) for layer in clone.layers] == [L.Dense, tf.keras.Sequential, L.Dense]
    assert clone(tf.ones([2, 5])).shape == (2, 1)
    assert all(a is not b for a, b in zip(clone.weights, outer.weights))
    with pytest.raises(ValueError, match="subclassed"):
        tf.keras.models.clone_model(MNISTModel())


@pytest.mark.parametrize("kind", ["conv", "batchnorm_dropout", "lstm", "embedding_gru"])
def test_models_trace_in_tf_function(kind) -> None:
    layers_by_kind = {
        "conv": ([L.Conv2D(4, 3, activation="relu", input_shape=(6, 6, 1)), L.MaxPooling2D(),
                  L.Flatten(), L.Dense(3)], tf.random.normal([2, 6, 6, 1])),
        "batchnorm_dropout": ([L.Dense(4, input_shape=(3,)), L.BatchNormalization(),
                               L.Dropout(0.5), L.Dense(2)], tf.random.normal([4, 3])),
        "lstm": ([L.LSTM(3, input_shape=(5, 2)), L.Dense(1)], tf.random.normal([2, 5, 2])),
        "embedding_gru": ([L.Embedding(10, 3, input_length=4), L.GRU(3), L.Dense(1)],
                          tf.constant([[1, 2, 3, 0], [4, 5, 6, 7]])),
    }  # fmt: skip
    layers, x = layers_by_kind[kind]
    model = tf.keras.Sequential(layers)
    traced = tf.function(lambda inputs: model(inputs, training=False))
    np.testing.assert_allclose(
        traced(x).numpy(), model(x, training=False).numpy(), rtol=1e-5, atol=1e-6
    )
    train_step = tf.function(lambda inputs: model(inputs, training=True))
    assert train_step(x).shape == model(x).shape

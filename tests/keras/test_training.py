"""compile / fit / evaluate / predict / *_on_batch on small problems, and the guide's loops."""

import logging

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.keras import losses, metrics, optimizers
from eagerflow.keras.optimizers import global_step


def _blobs(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5, 0.3], np.float32) > 0).astype(np.int64)
    return x, y


def _classifier(run_eagerly=True, lr=0.05, seed=0):
    tf.random.set_seed(seed)
    model = tf.keras.Sequential(
        [tf.keras.layers.Dense(16, activation="relu"), tf.keras.layers.Dense(2)]
    )
    model.compile(
        optimizer=optimizers.Adam(lr),
        loss=losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        run_eagerly=run_eagerly,
    )
    return model


def test_fit_evaluate_predict_on_arrays():
    x, y = _blobs()
    model = _classifier()
    history = model.fit(x, y, batch_size=32, epochs=5, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}
    assert history.epoch == [0, 1, 2, 3, 4]
    assert history.history["loss"][-1] < history.history["loss"][0] * 0.5
    assert model.history is history
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert accuracy > 0.9 and loss < history.history["loss"][0]
    assert model.metrics_names == ["loss", "accuracy"]
    assert isinstance(model.metrics[1], metrics.SparseCategoricalAccuracy)
    logits = model.predict(x, batch_size=64, verbose=0)
    assert logits.shape == (200, 2) and isinstance(logits, np.ndarray)
    assert np.mean(np.argmax(logits, -1) == y) == pytest.approx(accuracy, abs=1e-6)
    assert int(model.optimizer.iterations) == 5 * 7


def test_validation_split_and_validation_data():
    x, y = _blobs()
    model = _classifier()
    history = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    history = model.fit(x, y, epochs=1, validation_data=(x[:50], y[:50]), verbose=0)
    assert "val_accuracy" in history.history
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(x, y, validation_split=1.5, verbose=0)


def test_fit_on_dataset_generator_and_list_of_batches():
    x, y = _blobs()
    model = _classifier()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(200, seed=1).batch(50)
    history = model.fit(dataset, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    assert model.evaluate(dataset, verbose=0)[1] > 0.85

    def generator():
        while True:
            for i in range(0, 200, 40):
                yield x[i : i + 40], y[i : i + 40]

    before = int(model.optimizer.iterations)
    model.fit(generator(), steps_per_epoch=5, epochs=2, verbose=0)
    assert int(model.optimizer.iterations) == before + 10

    class Batches:  # any re-iterable object of (x, y) batches
        def __iter__(self):
            return iter([(x[:100], y[:100]), (x[100:], y[100:])])

    model.fit(Batches(), epochs=2, verbose=0)
    assert int(model.optimizer.iterations) == before + 14
    with pytest.raises(ValueError, match="`y` must not be given"):
        model.fit(dataset, y, verbose=0)


def test_train_and_test_on_batch_and_sample_weights():
    x, y = _blobs(64)
    model = _classifier()
    loss, acc = model.train_on_batch(x, y)
    assert np.isfinite(loss) and 0.0 <= acc <= 1.0
    logs = model.test_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    zero = model.test_on_batch(x, y, sample_weight=np.zeros(64, np.float32))
    assert zero[0] == 0.0
    half = np.where(np.arange(64) < 32, 1.0, 0.0).astype(np.float32)
    weighted = model.test_on_batch(x, y, sample_weight=half)[0]
    first_half = model.test_on_batch(x[:32], y[:32])[0]
    assert weighted == pytest.approx(first_half / 2, rel=1e-5)  # sum_over_batch_size
    model.fit(x, y, class_weight={0: 1.0, 1: 3.0}, epochs=1, verbose=0)
    assert model.predict_on_batch(x[:3]).shape == (3, 2)


def test_compile_with_strings_and_regularization():
    x, y = _blobs(64)
    tf.random.set_seed(0)
    model = tf.keras.Sequential(
        [tf.keras.layers.Dense(1, activation="sigmoid", kernel_regularizer="l2")]
    )
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy", "mse"])
    model.fit(x, y.astype(np.float32)[:, None], epochs=1, verbose=0)
    assert model.metrics_names == ["loss", "accuracy", "mse"]
    assert isinstance(model.metrics[1], metrics.BinaryAccuracy)
    assert isinstance(model.optimizer, optimizers.SGD)
    bce = losses.binary_crossentropy(y.astype(np.float32)[:, None], model(x)).numpy().mean()
    reg = float(tf.add_n(model.losses))
    assert reg > 0
    assert model.evaluate(x, y[:, None].astype(np.float32), verbose=0)[0] == pytest.approx(
        bce + reg, rel=1e-4
    )


def test_uncompiled_model_raises():
    model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)


def test_progress_bar_output(capsys):
    x, y = _blobs(64)
    model = _classifier()
    model.fit(x, y, batch_size=16, epochs=2, verbose=1)
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert lines[1].startswith("4/4 [==============================] - ")
    assert "/step - loss: " in lines[1] and " - accuracy: " in lines[1]
    model.evaluate(x, y, batch_size=32, verbose=1)
    assert capsys.readouterr().out.startswith("2/2 [")
    model.fit(x, y, epochs=1, verbose=2)
    line = capsys.readouterr().out.strip().splitlines()[1]
    assert line.startswith("2/2 - ") and "loss: " in line


def test_graph_step_falls_back_or_matches_eager():
    x, y = _blobs()
    eager = _classifier(run_eagerly=True)
    h_eager = eager.fit(x, y, batch_size=50, epochs=2, verbose=0, shuffle=False)
    graph = _classifier(run_eagerly=False)
    logger = logging.getLogger("eagerflow.keras")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        h_graph = graph.fit(x, y, batch_size=50, epochs=2, verbose=0, shuffle=False)
    finally:
        logger.setLevel(level)
    step = graph.train_function
    assert step.traced or step.eager_fallback_reason  # one of the two paths, and it says which
    np.testing.assert_allclose(h_graph.history["loss"], h_eager.history["loss"], rtol=1e-4)
    for a, b in zip(graph.get_weights(), eager.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


@pytest.mark.skipif(not hasattr(tf, "function"), reason="tf.function not available")
def test_graph_step_is_traced():
    x, y = _blobs()
    model = _classifier(run_eagerly=False)
    model.fit(x, y, batch_size=50, epochs=2, verbose=0)
    assert model.train_function.traced and model.train_function.eager_fallback_reason is None


def test_guide_linear_regression_verbatim():
    global_step._reset_for_tests()

    class Model(tf.keras.Model):
        def __init__(self):
            super(Model, self).__init__()  # noqa: UP008  (verbatim from the guide)
            self.W = tf.Variable(5.0, name="weight")
            self.B = tf.Variable(10.0, name="bias")

        def call(self, inputs):
            return inputs * self.W + self.B

    tf.random.set_seed(0)
    NUM_EXAMPLES = 2000
    training_inputs = tf.random_normal([NUM_EXAMPLES])
    noise = tf.random_normal([NUM_EXAMPLES])
    training_outputs = training_inputs * 3 + 2 + noise

    def loss(model, inputs, targets):
        error = model(inputs) - targets
        return tf.reduce_mean(tf.square(error))

    def grad(model, inputs, targets):
        with tf.GradientTape() as tape:
            loss_value = loss(model, inputs, targets)
        return tape.gradient(loss_value, [model.W, model.B])

    model = Model()
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.01)
    initial = loss(model, training_inputs, training_outputs)
    for i in range(300):  # noqa: B007  (verbatim from the guide)
        grads = grad(model, training_inputs, training_outputs)
        optimizer.apply_gradients(
            zip(grads, [model.W, model.B]), global_step=tf.train.get_or_create_global_step()
        )
    final = loss(model, training_inputs, training_outputs)
    assert float(initial) > 50 and float(final) < 1.2
    assert abs(model.W.numpy() - 3.0) < 0.1 and abs(model.B.numpy() - 2.0) < 0.1
    assert int(tf.train.get_or_create_global_step()) == 300
    global_step._reset_for_tests()


def test_guide_train_a_model_loop_few_steps():
    global_step._reset_for_tests()
    rng = np.random.default_rng(0)
    mnist_images = rng.integers(0, 256, size=(96, 28, 28)).astype(np.uint8)
    mnist_labels = (mnist_images.reshape(96, -1).mean(1) > 127.5).astype(np.uint8)
    dataset = tf.data.Dataset.from_tensor_slices(
        (tf.cast(mnist_images[..., tf.newaxis] / 255, tf.float32), tf.cast(mnist_labels, tf.int64))
    )
    dataset = dataset.shuffle(1000).batch(32)
    tf.random.set_seed(0)
    mnist_model = tf.keras.Sequential(
        [
            tf.keras.layers.Conv2D(16, [3, 3], activation="relu"),
            tf.keras.layers.Conv2D(16, [3, 3], activation="relu"),
            tf.keras.layers.GlobalAveragePooling2D(),
            tf.keras.layers.Dense(10),
        ]
    )
    optimizer = tf.train.AdamOptimizer()
    loss_history = []
    for batch, (images, labels) in enumerate(dataset.take(3)):
        if batch % 10 == 0:
            print(".", end="")
        with tf.GradientTape() as tape:
            logits = mnist_model(images, training=True)
            loss_value = tf.losses.sparse_softmax_cross_entropy(labels, logits)
        loss_history.append(loss_value.numpy())
        grads = tape.gradient(loss_value, mnist_model.trainable_variables)
        optimizer.apply_gradients(
            zip(grads, mnist_model.trainable_variables),
            global_step=tf.train.get_or_create_global_step(),
        )
    assert len(loss_history) == 3 and all(np.isfinite(loss_history))
    assert loss_history[0] == pytest.approx(np.log(10), rel=0.1)
    assert int(tf.train.get_global_step()) == 3
    assert len(optimizer.variables()) == 2 + 2 * len(mnist_model.trainable_variables)
    global_step._reset_for_tests()


def test_checkpoint_restores_model_and_optimizer_slots(tmp_path):
    x, y = _blobs(64)
    trained = _classifier()
    trained.fit(x, y, epochs=2, verbose=0)
    path = tf.train.Checkpoint(model=trained, optimizer=trained.optimizer).save(
        str(tmp_path / "ckpt")
    )
    fresh = _classifier(seed=5)  # unbuilt: weights and slots are restored when created
    tf.train.Checkpoint(model=fresh, optimizer=fresh.optimizer).restore(path)
    trained.train_on_batch(x, y)
    fresh.train_on_batch(x, y)
    assert int(fresh.optimizer.iterations) == int(trained.optimizer.iterations) == 5
    for a, b in zip(trained.get_weights(), fresh.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    slots = zip(trained.optimizer._slot_variables(), fresh.optimizer._slot_variables())
    for (_, name_a, a), (_, name_b, b) in slots:
        assert name_a == name_b
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-7)


def test_tf2_style_custom_train_step():
    class Custom(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = tf.keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    x, y = _blobs()
    tf.random.set_seed(0)
    model = Custom()
    model.compile(
        optimizer=optimizers.Adam(0.05),
        loss=losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    history = model.fit(x, y, batch_size=50, epochs=4, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.75


def test_multi_output_losses_and_metrics():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 4)).astype(np.float32)
    y_cls = (x[:, 0] > 0).astype(np.int64)
    y_reg = x[:, 1:2] * 2
    tf.random.set_seed(0)
    inputs = tf.keras.Input(shape=(4,))
    hidden = tf.keras.layers.Dense(16, activation="relu")(inputs)
    model = tf.keras.Model(
        inputs,
        [
            tf.keras.layers.Dense(2, name="cls")(hidden),
            tf.keras.layers.Dense(1, name="reg")(hidden),
        ],
    )
    xent = losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile("adam", loss=[xent, "mse"], metrics=["accuracy"])
    history = model.fit(x, [y_cls, y_reg], epochs=3, batch_size=32, verbose=0)
    assert sorted(history.history) == ["cls_accuracy", "loss", "reg_accuracy"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.compile(
        "adam",
        loss={"cls": xent, "reg": "mse"},
        metrics={"cls": ["accuracy"], "reg": ["mae"]},
        loss_weights={"cls": 1.0, "reg": 0.5},
    )
    logs = model.evaluate(x, {"cls": y_cls, "reg": y_reg}, verbose=0, return_dict=True)
    assert sorted(logs) == ["cls_accuracy", "loss", "reg_mae"]
    cls_logits, reg_pred = model.predict(x, verbose=0)
    expected = float(xent(y_cls, cls_logits)) + 0.5 * float(np.mean((reg_pred - y_reg) ** 2))
    assert logs["loss"] == pytest.approx(expected, rel=1e-4)
    assert logs["reg_mae"] == pytest.approx(float(np.mean(np.abs(reg_pred - y_reg))), rel=1e-4)

"""The guide's "Train a model" section, verbatim, on MNIST from a Keras cache folder.

The cache folder is a temporary `$KERAS_HOME` holding links to the shared idx files, so
`tf.keras.datasets.mnist.load_data()` finds them and nothing is downloaded. The fast test runs
the section with `dataset.take(400)` shortened to 4 batches; the slow one runs it as written.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.keras.datasets import mnist

TRAIN_A_MODEL = """
# Fetch and format the mnist data
(mnist_images, mnist_labels), _ = tf.keras.datasets.mnist.load_data()

dataset = tf.data.Dataset.from_tensor_slices(
    (tf.cast(mnist_images[...,tf.newaxis]/255, tf.float32),
     tf.cast(mnist_labels,tf.int64)))
dataset = dataset.shuffle(1000).batch(32)

# Build the model
mnist_model = tf.keras.Sequential([
    tf.keras.layers.Conv2D(16,[3,3], activation='relu'),
    tf.keras.layers.Conv2D(16,[3,3], activation='relu'),
    tf.keras.layers.GlobalAveragePooling2D(),
    tf.keras.layers.Dense(10)
])

for images,labels in dataset.take(1):
    print("Logits: ", mnist_model(images[0:1]).numpy())

optimizer = tf.train.AdamOptimizer()

loss_history = []

for (batch, (images, labels)) in enumerate(dataset.take(400)):
    if batch % 10 == 0:
        print('.', end='')
    with tf.GradientTape() as tape:
        logits = mnist_model(images, training=True)
        loss_value = tf.losses.sparse_softmax_cross_entropy(labels, logits)

    loss_history.append(loss_value.numpy())
    grads = tape.gradient(loss_value, mnist_model.trainable_variables)
    optimizer.apply_gradients(zip(grads, mnist_model.trainable_variables),
                              global_step=tf.train.get_or_create_global_step())
"""


@pytest.fixture
def keras_home(tmp_path, monkeypatch, shared_mnist):
    cache = tmp_path / "datasets"
    cache.mkdir()
    for name in mnist.IDX_FILES:
        (cache / name).symlink_to(shared_mnist / name)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    return tmp_path


def _run(source: str) -> dict:
    namespace = {"tf": tf}
    exec(compile(source, "guide_train_a_model", "exec"), namespace)
    return namespace


@pytest.mark.skipif(not hasattr(tf, "losses"), reason="tf.losses not available")
def test_train_a_model_section_short(keras_home, capsys) -> None:
    namespace = _run(TRAIN_A_MODEL.replace("dataset.take(400)", "dataset.take(4)"))
    out = capsys.readouterr().out
    assert out.startswith("Logits:  [[") and out.endswith(".")
    assert len(namespace["loss_history"]) == 4
    assert all(np.isfinite(v) for v in namespace["loss_history"])
    assert len(namespace["mnist_model"].trainable_variables) == 6


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(tf, "losses"), reason="tf.losses not available")
def test_train_a_model_section_verbatim(keras_home, tmp_path) -> None:
    namespace = _run(TRAIN_A_MODEL)
    history = namespace["loss_history"]
    assert len(history) == 400
    assert np.mean(history[-50:]) < np.mean(history[:50])
    if importlib.util.find_spec("matplotlib") is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        plt.plot(history)
        plt.xlabel("Batch #")
        plt.ylabel("Loss [entropy]")
        plt.savefig(tmp_path / "loss.png")
        plt.close()

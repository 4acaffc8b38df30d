"""The Eager Execution guide's MNIST input pipeline, verbatim, on the shared MNIST files."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

import eagerflow as tf


def _load_idx(path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    n = int.from_bytes(data[4:8], "big")
    if int.from_bytes(data[0:4], "big") == 2051:
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, 28, 28)
    return np.frombuffer(data, np.uint8, offset=8)[:n]


@pytest.mark.parametrize(
    "size", [12800, pytest.param(60000, marks=pytest.mark.slow)], ids=["400-batches", "full"]
)
def test_guide_pipeline(shared_mnist, size):
    # 12800 images are the 400 batches the guide takes; the full set is the slow variant.
    mnist_images = _load_idx(shared_mnist / "train-images-idx3-ubyte.gz")[:size]
    mnist_labels = _load_idx(shared_mnist / "train-labels-idx1-ubyte.gz")[:size]

    dataset = tf.data.Dataset.from_tensor_slices(
        (tf.cast(mnist_images[..., tf.newaxis] / 255, tf.float32), tf.cast(mnist_labels, tf.int64))
    )
    dataset = dataset.shuffle(1000).batch(32)

    for images, labels in dataset.take(1):
        assert images.shape == (32, 28, 28, 1) and images.dtype == tf.float32
        assert labels.shape == (32,) and labels.dtype == tf.int64
        assert 0.0 <= float(tf.reduce_min(images)) and float(tf.reduce_max(images)) <= 1.0
        # each image still carries its own label
        by_image = {img.tobytes(): lab for img, lab in zip(mnist_images, mnist_labels)}
        for img, lab in zip(images.numpy(), labels.numpy()):
            assert by_image[np.rint(img[..., 0] * 255).astype(np.uint8).tobytes()] == lab

    count = 0
    for batch, (images, labels) in enumerate(dataset.take(400)):
        count = batch + 1
        assert images.shape[0] == labels.shape[0] == 32
    assert count == 400
    assert len(dataset) == size // 32
    assert dataset.element_spec == (
        tf.TensorSpec([None, 28, 28, 1], tf.float32),
        tf.TensorSpec([None], tf.int64),
    )

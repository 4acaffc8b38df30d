"""Masks from `Embedding(mask_zero=True)` flow to RNNs and GlobalAveragePooling1D."""

from __future__ import annotations

import numpy as np

import eagerflow as tf

L = tf.keras.layers


def test_embedding_mask_reaches_an_lstm() -> None:
    tf.random.set_seed(0)
    embedding = L.Embedding(10, 3, mask_zero=True)
    ids = tf.constant([[1, 2, 0, 0], [3, 0, 0, 0]])
    vectors = embedding(ids)
    np.testing.assert_array_equal(vectors._keras_mask.numpy(), ids.numpy() != 0)
    lstm = L.LSTM(2)
    masked = lstm(vectors).numpy()
    # Padding is skipped: the result equals running on the unpadded prefix.
    np.testing.assert_allclose(masked[1], lstm(vectors[1:, :1]).numpy()[0], rtol=1e-6)
    np.testing.assert_allclose(masked[0], lstm(vectors[:1, :2]).numpy()[0], rtol=1e-6)


def test_sequences_repeat_the_last_output_and_keep_the_mask() -> None:
    vectors = L.Embedding(5, 2, mask_zero=True)(tf.constant([[1, 2, 0]]))
    outputs = L.SimpleRNN(3, return_sequences=True)(vectors)
    np.testing.assert_array_equal(outputs._keras_mask.numpy(), [[True, True, False]])
    np.testing.assert_allclose(outputs.numpy()[0, 2], outputs.numpy()[0, 1])


def test_masked_global_average_pooling_1d() -> None:
    vectors = L.Embedding(5, 2, mask_zero=True)(tf.constant([[1, 2, 0, 0]]))
    pooled = L.GlobalAveragePooling1D()(vectors)
    np.testing.assert_allclose(pooled.numpy(), vectors.numpy()[:, :2].mean(axis=1), rtol=1e-6)
    assert getattr(pooled, "_keras_mask", None) is None


def test_masks_flow_through_sequential_models() -> None:
    model = tf.keras.Sequential([L.Embedding(10, 4, mask_zero=True), L.GRU(3), L.Dense(1)])
    padded = model(tf.constant([[4, 5, 0, 0, 0]])).numpy()
    trimmed = model(tf.constant([[4, 5]])).numpy()
    np.testing.assert_allclose(padded, trimmed, rtol=1e-5)

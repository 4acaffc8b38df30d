"""Keras losses and the TF1 `tf.losses` forms against NumPy references."""

import numpy as np
import pytest

import eagerflow as tf
import eagerflow.losses as tf1_losses
from eagerflow.keras import losses

RNG = np.random.default_rng(0)
Y_TRUE = RNG.uniform(-1, 1, (4, 3)).astype(np.float32)
Y_PRED = RNG.uniform(-1, 1, (4, 3)).astype(np.float32)
PROBS = RNG.uniform(0.05, 0.95, (4, 3)).astype(np.float32)
BINARY = (RNG.uniform(size=(4, 3)) > 0.5).astype(np.float32)
LOGITS = RNG.normal(size=(4, 5)).astype(np.float32)
LABELS = np.array([0, 3, 4, 1])
ONE_HOT = np.eye(5, dtype=np.float32)[LABELS]
EPS = 1e-7


def _log_softmax(x):
    x = x - x.max(-1, keepdims=True)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


def _softmax(x):
    return np.exp(_log_softmax(x))


def _bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


FUNCTIONS = [
    ("mse", losses.mean_squared_error, Y_TRUE, Y_PRED, lambda: ((Y_PRED - Y_TRUE) ** 2).mean(-1)),
    ("mae", losses.mean_absolute_error, Y_TRUE, Y_PRED, lambda: np.abs(Y_PRED - Y_TRUE).mean(-1)),
    ("bce", losses.binary_crossentropy, BINARY, PROBS, lambda: _bce(BINARY, PROBS).mean(-1)),
    (
        "cce",
        losses.categorical_crossentropy,
        ONE_HOT,
        _softmax(LOGITS),
        lambda: -(ONE_HOT * _log_softmax(LOGITS)).sum(-1),
    ),
    (
        "scce",
        losses.sparse_categorical_crossentropy,
        LABELS,
        _softmax(LOGITS),
        lambda: -_log_softmax(LOGITS)[np.arange(4), LABELS],
    ),
    (
        "kld",
        losses.kl_divergence,
        _softmax(Y_TRUE),
        _softmax(Y_PRED),
        lambda: (_softmax(Y_TRUE) * np.log(_softmax(Y_TRUE) / _softmax(Y_PRED))).sum(-1),
    ),
]


@pytest.mark.parametrize("name,fn,y_true,y_pred,expected", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_functions_against_numpy(name, fn, y_true, y_pred, expected):
    got = fn(y_true, y_pred)
    assert got.dtype == tf.float32 and got.shape == (4,)
    np.testing.assert_allclose(got.numpy(), expected(), rtol=1e-5, atol=1e-6)


def test_from_logits_variants():
    np.testing.assert_allclose(
        losses.categorical_crossentropy(ONE_HOT, LOGITS, from_logits=True).numpy(),
        -(ONE_HOT * _log_softmax(LOGITS)).sum(-1),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        losses.sparse_categorical_crossentropy(LABELS, LOGITS, from_logits=True).numpy(),
        -_log_softmax(LOGITS)[np.arange(4), LABELS],
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        losses.binary_crossentropy(BINARY, Y_PRED, from_logits=True).numpy(),
        _bce(BINARY, _sigmoid(Y_PRED)).mean(-1),
        rtol=1e-4,
    )


def test_huber_against_numpy():
    err = np.abs(Y_PRED * 3 - Y_TRUE)
    q = np.minimum(err, 1.0)
    expected = (0.5 * q**2 + (err - q)).mean(-1)
    np.testing.assert_allclose(losses.huber(Y_TRUE, Y_PRED * 3).numpy(), expected, rtol=1e-5)
    assert float(losses.Huber(delta=2.0)([[0.0]], [[3.0]])) == pytest.approx(0.5 * 4 + 2 * 1)


def test_sparse_labels_with_trailing_unit_axis_and_float_labels():
    expected = -_log_softmax(LOGITS)[np.arange(4), LABELS]
    got = losses.sparse_categorical_crossentropy(
        LABELS[:, None].astype(np.float32), LOGITS, from_logits=True
    )
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5)


def test_label_smoothing():
    smoothed = ONE_HOT * 0.9 + 0.1 / 5
    np.testing.assert_allclose(
        losses.categorical_crossentropy(ONE_HOT, LOGITS, from_logits=True, label_smoothing=0.1),
        -(smoothed * _log_softmax(LOGITS)).sum(-1),
        rtol=1e-5,
    )


def test_reductions_and_sample_weight():
    per_sample = ((Y_PRED - Y_TRUE) ** 2).mean(-1)
    w = np.array([1.0, 0.0, 2.0, 0.5], np.float32)
    mse = losses.MeanSquaredError
    assert float(mse()(Y_TRUE, Y_PRED)) == pytest.approx(per_sample.mean(), rel=1e-5)
    assert float(mse(reduction="sum")(Y_TRUE, Y_PRED)) == pytest.approx(per_sample.sum(), rel=1e-5)
    none = mse(reduction="none")(Y_TRUE, Y_PRED, sample_weight=w)
    np.testing.assert_allclose(none.numpy(), per_sample * w, rtol=1e-5)
    weighted = mse()(Y_TRUE, Y_PRED, sample_weight=w)
    assert float(weighted) == pytest.approx((per_sample * w).sum() / 4, rel=1e-5)
    by_weight = mse(reduction="mean_with_sample_weight")(Y_TRUE, Y_PRED, sample_weight=w)
    assert float(by_weight) == pytest.approx((per_sample * w).sum() / w.sum(), rel=1e-5)
    scalar = mse()(Y_TRUE, Y_PRED, sample_weight=2.0)
    assert float(scalar) == pytest.approx(2 * per_sample.mean(), rel=1e-5)
    with pytest.raises(ValueError, match="Invalid Reduction"):
        mse(reduction="avg")


def test_per_sample_weights_on_sequence_losses():
    # tf.keras 2: (batch,) weights gain an axis to weight every step of (batch, time) losses;
    # (batch, 1) weights on (batch,) losses lose theirs.
    y_true, y_pred = Y_TRUE.reshape(4, 3, 1), Y_PRED.reshape(4, 3, 1)
    per_step = (Y_PRED - Y_TRUE) ** 2  # (4, 3): one loss per sample and step
    w = np.array([1.0, 0.0, 2.0, 0.5], np.float32)
    mse = losses.MeanSquaredError
    none = mse(reduction="none")(y_true, y_pred, sample_weight=w)
    np.testing.assert_allclose(none.numpy(), per_step * w[:, None], rtol=1e-5)
    mean = mse()(y_true, y_pred, sample_weight=w)
    assert float(mean) == pytest.approx((per_step * w[:, None]).mean(), rel=1e-5)
    column = mse(reduction="none")(Y_TRUE, Y_PRED, sample_weight=w[:, None])
    assert column.shape == (4,)
    np.testing.assert_allclose(column.numpy(), ((Y_PRED - Y_TRUE) ** 2).mean(-1) * w, rtol=1e-5)


def test_class_configs_and_get():
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    config = losses.serialize(loss)
    restored = losses.deserialize(config)
    assert isinstance(restored, losses.SparseCategoricalCrossentropy) and restored.from_logits
    assert losses.get("mse") is losses.mean_squared_error
    assert isinstance(losses.get("SparseCategoricalCrossentropy"), losses.Loss)
    with pytest.raises(ValueError, match="unknown loss"):
        losses.get("nope")


def test_loss_is_differentiable():
    w = tf.Variable(LOGITS)
    with tf.GradientTape() as tape:
        value = losses.SparseCategoricalCrossentropy(from_logits=True)(LABELS, w)
    grad = tape.gradient(value, w).numpy()
    np.testing.assert_allclose(grad, (_softmax(LOGITS) - ONE_HOT) / 4, rtol=1e-5, atol=1e-7)


def test_tf1_sparse_softmax_cross_entropy_is_mean_scalar():
    got = tf1_losses.sparse_softmax_cross_entropy(LABELS, LOGITS)
    assert got.shape == () and got.dtype == tf.float32
    expected = -_log_softmax(LOGITS)[np.arange(4), LABELS]
    assert float(got) == pytest.approx(expected.mean(), rel=1e-5)
    weights = np.array([1.0, 0.0, 3.0, 0.0], np.float32)
    got = tf1_losses.sparse_softmax_cross_entropy(LABELS, LOGITS, weights=weights)
    assert float(got) == pytest.approx((expected * weights).sum() / 2, rel=1e-5)


def test_tf1_elementwise_losses_and_reductions():
    d = Y_PRED - Y_TRUE
    assert float(tf1_losses.mean_squared_error(Y_TRUE, Y_PRED)) == pytest.approx(
        (d**2).mean(), rel=1e-5
    )
    assert float(tf1_losses.absolute_difference(Y_TRUE, Y_PRED)) == pytest.approx(
        np.abs(d).mean(), rel=1e-5
    )
    assert float(tf1_losses.softmax_cross_entropy(ONE_HOT, LOGITS)) == pytest.approx(
        -(ONE_HOT * _log_softmax(LOGITS)).sum(-1).mean(), rel=1e-5
    )
    assert float(tf1_losses.sigmoid_cross_entropy(BINARY, Y_PRED)) == pytest.approx(
        _bce(BINARY, _sigmoid(Y_PRED)).mean(), rel=1e-4
    )
    R = tf1_losses.Reduction
    w = np.array([[1.0], [2.0], [0.0], [1.0]], np.float32)
    total = ((d**2) * w).sum()
    assert float(tf1_losses.mean_squared_error(Y_TRUE, Y_PRED, w, reduction=R.SUM)) == (
        pytest.approx(total, rel=1e-5)
    )
    assert float(tf1_losses.mean_squared_error(Y_TRUE, Y_PRED, w, reduction=R.MEAN)) == (
        pytest.approx(total / (w.sum() * 3), rel=1e-5)
    )
    assert float(tf1_losses.mean_squared_error(Y_TRUE, Y_PRED, w)) == pytest.approx(
        total / 9, rel=1e-5
    )
    with pytest.raises(ValueError, match="not compatible"):
        tf1_losses.mean_squared_error([1.0, 2.0], [1.0])


def test_sparse_ignore_class_masks_and_averages_over_kept_entries():
    labels = np.array([0, 255, 3, 255])
    expected = -_log_softmax(LOGITS)[[0, 2], [0, 3]]
    per_sample = losses.sparse_categorical_crossentropy(
        labels, LOGITS, from_logits=True, ignore_class=255
    )
    np.testing.assert_allclose(per_sample.numpy(), [expected[0], 0.0, expected[1], 0.0], rtol=1e-5)
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=255)
    assert float(loss(labels, LOGITS)) == pytest.approx(expected.mean(), rel=1e-5)
    summed = losses.SparseCategoricalCrossentropy(True, ignore_class=255, reduction="sum")
    assert float(summed(labels, LOGITS)) == pytest.approx(expected.sum(), rel=1e-5)
    restored = losses.deserialize(losses.serialize(loss))
    assert restored.ignore_class == 255

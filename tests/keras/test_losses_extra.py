"""The less common Keras losses against NumPy references."""

import numpy as np
import pytest

from eagerflow.keras import losses

RNG = np.random.default_rng(3)
A = RNG.uniform(0.1, 2.0, (4, 3)).astype(np.float32)
B = RNG.uniform(0.1, 2.0, (4, 3)).astype(np.float32)
SIGNS = np.where(RNG.uniform(size=(4, 3)) > 0.5, 1.0, -1.0).astype(np.float32)
SCORES = RNG.normal(size=(4, 3)).astype(np.float32)
ONE_HOT = np.eye(3, dtype=np.float32)[[0, 2, 1, 2]]


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


CASES = [
    ("mape", losses.mean_absolute_percentage_error, A, B, 100 * np.abs((A - B) / A).mean(-1)),
    (
        "msle",
        losses.mean_squared_logarithmic_error,
        A,
        B,
        ((np.log1p(B) - np.log1p(A)) ** 2).mean(-1),
    ),
    ("log_cosh", losses.log_cosh, A, B, np.log(np.cosh(B - A)).mean(-1)),
    ("poisson", losses.poisson, A, B, (B - A * np.log(B + 1e-7)).mean(-1)),
    ("cosine", losses.cosine_similarity, A, B, -(_unit(A) * _unit(B)).sum(-1)),
    ("hinge", losses.hinge, SIGNS, SCORES, np.maximum(1 - SIGNS * SCORES, 0).mean(-1)),
    (
        "hinge01",
        losses.hinge,
        (SIGNS + 1) / 2,
        SCORES,
        np.maximum(1 - SIGNS * SCORES, 0).mean(-1),
    ),
    (
        "squared_hinge",
        losses.squared_hinge,
        SIGNS,
        SCORES,
        (np.maximum(1 - SIGNS * SCORES, 0) ** 2).mean(-1),
    ),
    (
        "categorical_hinge",
        losses.categorical_hinge,
        ONE_HOT,
        SCORES,
        np.maximum(((1 - ONE_HOT) * SCORES).max(-1) - (ONE_HOT * SCORES).sum(-1) + 1, 0),
    ),
]


@pytest.mark.parametrize("name,fn,y_true,y_pred,expected", CASES, ids=[c[0] for c in CASES])
def test_against_numpy(name, fn, y_true, y_pred, expected):
    np.testing.assert_allclose(fn(y_true, y_pred).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_classes_reduce_and_resolve_by_name():
    expected = np.log(np.cosh(B - A)).mean()
    assert float(losses.LogCosh()(A, B)) == pytest.approx(expected, rel=1e-5)
    assert float(losses.get("LogCosh")(A, B)) == pytest.approx(expected, rel=1e-5)
    assert losses.get("msle") is losses.mean_squared_logarithmic_error
    cos = losses.CosineSimilarity(reduction="none")
    np.testing.assert_allclose(cos(A, A).numpy(), -np.ones(4), rtol=1e-6)
    assert losses.deserialize(losses.serialize(losses.Hinge())).name == "hinge"

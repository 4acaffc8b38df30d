"""Shared test setup: fixed seeds, and the shared MNIST folder when it exists."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

SHARED_MNIST = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


@pytest.fixture
def shared_mnist() -> pathlib.Path:
    if not (SHARED_MNIST / "train-images-idx3-ubyte.gz").exists():
        pytest.skip("shared MNIST folder not present")
    return SHARED_MNIST

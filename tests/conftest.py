"""Shared test setup: fixed seeds, and the shared MNIST folder when it exists."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

SHARED_MNIST = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=("default", "cupy"),
        default="default",
        help="cupy: run every test inside tf.device('/gpu:0') (needs a CUDA GPU with CuPy)",
    )


@pytest.fixture(autouse=True)
def _backend_device(request: pytest.FixtureRequest):
    """With --backend=cupy, each test runs with its ops and new tensors placed on GPU:0."""
    if request.config.getoption("--backend") != "cupy":
        yield
        return
    import eagerflow as tf

    if tf.contrib.eager.num_gpus() == 0:
        pytest.fail("--backend=cupy needs a GPU that CuPy can use")
    with tf.device("/gpu:0"):
        yield


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


@pytest.fixture
def shared_mnist() -> pathlib.Path:
    if not (SHARED_MNIST / "train-images-idx3-ubyte.gz").exists():
        pytest.skip("shared MNIST folder not present")
    return SHARED_MNIST

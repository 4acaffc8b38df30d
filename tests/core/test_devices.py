"""Device scopes and queries on a machine without a GPU (the CuPy path has its own tests)."""

import pytest

import eagerflow as tf
from eagerflow.core import backend


def test_cpu_scopes_in_every_spelling() -> None:
    for name in (
        "/cpu:0",
        "CPU:0",
        "/device:CPU:0",
        "/job:localhost/replica:0/task:0/device:CPU:0",
    ):
        with tf.device(name):
            x = tf.constant(1.0)
        assert x.device == "/job:localhost/replica:0/task:0/device:CPU:0"


def test_gpu_queries_without_a_gpu() -> None:
    if backend.num_gpus() > 0:
        pytest.skip("a GPU is present")
    assert tf.contrib.eager.num_gpus() == 0
    assert not tf.test.is_gpu_available()
    assert tf.config.list_physical_devices("GPU") == []
    assert [d.device_type for d in tf.config.list_physical_devices()] == ["CPU"]


def test_missing_gpu_falls_back_under_soft_placement_and_raises_without() -> None:
    if backend.num_gpus() > 0:
        pytest.skip("a GPU is present")
    with tf.device("/gpu:0"):
        x = tf.constant(1.0)
    assert x.device.endswith("CPU:0")
    tf.config.set_soft_device_placement(False)
    try:
        with pytest.raises(tf.errors.InvalidArgumentError, match="gpu:0"):
            with tf.device("/gpu:0"):
                pass
    finally:
        tf.config.set_soft_device_placement(True)


def test_bad_device_string_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="Invalid device specification 'tpu"):
        with tf.device("tpu:0"):
            pass

"""Checkpoints of variables that live on the GPU (CuPy): values come back on the same device."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf
from eagerflow import train
from eagerflow.core import backend

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(backend.num_gpus() == 0, reason="needs a CUDA GPU with CuPy"),
]


def test_gpu_variable_round_trip(tmp_path):
    value = np.arange(12, dtype=np.float32).reshape(3, 4)
    with tf.device("GPU:0"):
        v = tf.Variable(value)
    assert "GPU" in v.device
    checkpoint = train.Checkpoint(v=v)
    path = checkpoint.save(str(tmp_path / "ckpt"))
    with train.load_checkpoint(path) as reader:  # host data in the file
        np.testing.assert_array_equal(reader.get_tensor("v"), value)
    v.assign(tf.zeros_like(v))
    checkpoint.restore(path).assert_consumed()
    assert "GPU" in v.device
    np.testing.assert_array_equal(v.numpy(), value)


def test_restore_gpu_checkpoint_into_cpu_variable(tmp_path):
    with tf.device("GPU:0"):
        v = tf.Variable(np.ones(5, np.float32))
    path = train.Checkpoint(v=v).write(str(tmp_path / "c"))
    cpu = tf.Variable(np.zeros(5, np.float32))
    train.Checkpoint(v=cpu).read(path).assert_consumed()
    assert "CPU" in cpu.device
    np.testing.assert_array_equal(cpu.numpy(), np.ones(5))

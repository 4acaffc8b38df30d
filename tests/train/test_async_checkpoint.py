"""CheckpointOptions(enable_async=True): save returns at once, the file comes later, intact."""

from __future__ import annotations

import os

import numpy as np
import pytest

import eagerflow as tf
from eagerflow import train

ASYNC = train.CheckpointOptions(enable_async=True)


def test_async_save_captures_values_at_save_time(tmp_path):
    v = tf.Variable(np.full((64, 64), 1.0, np.float32))
    checkpoint = train.Checkpoint(v=v)
    path = checkpoint.save(str(tmp_path / "ckpt"), options=ASYNC)
    assert path == str(tmp_path / "ckpt-1")
    v.assign(np.full((64, 64), 2.0, np.float32))  # training goes on while the file is written
    checkpoint.sync()
    assert train.latest_checkpoint(str(tmp_path)) == path
    checkpoint.restore(path).assert_consumed()  # restore also waits for pending writes
    assert np.all(v.numpy() == 1.0)


def test_next_save_and_restore_wait_for_the_previous_one(tmp_path):
    v = tf.Variable(0.0)
    checkpoint = train.Checkpoint(v=v)
    for value in (1.0, 2.0, 3.0):
        v.assign(value)
        checkpoint.save(str(tmp_path / "ckpt"), options=ASYNC)
    status = checkpoint.restore(str(tmp_path / "ckpt-2"))
    status.assert_consumed()
    assert float(v) == 2.0
    assert train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "ckpt-3")


def test_async_error_surfaces_at_sync(tmp_path):
    (tmp_path / "file").write_text("not a directory")
    checkpoint = train.Checkpoint(v=tf.Variable(1.0))
    checkpoint.write(str(tmp_path / "file" / "ckpt"), options=ASYNC)
    with pytest.raises(OSError):
        checkpoint.sync()
    checkpoint.sync()  # reported once


def test_manager_async_save_and_retention(tmp_path):
    v = tf.Variable(0.0)
    checkpoint = train.Checkpoint(v=v)
    manager = train.CheckpointManager(checkpoint, str(tmp_path), max_to_keep=2)
    for value in range(4):
        v.assign(float(value))
        manager.save(options=ASYNC)
    manager.sync()
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "ckpt-3.ckpt", "ckpt-4.ckpt"]
    assert train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "ckpt-4")
    checkpoint.restore(manager.latest_checkpoint).assert_consumed()
    assert float(v) == 3.0


def test_options_accept_tensorflow_arguments():
    options = train.CheckpointOptions(experimental_io_device="/job:localhost")
    assert options.enable_async is False
    assert train.CheckpointOptions(experimental_enable_async_checkpoint=True).enable_async

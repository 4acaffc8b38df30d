"""tf.train.CheckpointManager: numbering, retention, the state file, recovery."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

import eagerflow as tf
from eagerflow import train
from eagerflow.train import checkpoint_format, checkpoint_management


def _files(directory) -> list[str]:
    return sorted(os.listdir(directory))


def test_keeps_the_newest_max_to_keep(tmp_path):
    v = tf.Variable(0.0)
    checkpoint = train.Checkpoint(v=v)
    manager = train.CheckpointManager(checkpoint, str(tmp_path), max_to_keep=2)
    assert manager.latest_checkpoint is None
    paths = []
    for step in range(1, 5):
        v.assign(float(step))
        paths.append(manager.save())
    assert paths == [str(tmp_path / f"ckpt-{i}") for i in range(1, 5)]
    assert manager.checkpoints == paths[-2:]
    assert manager.latest_checkpoint == paths[-1]
    manager.sync()  # superseded files go in the background, once the new one is on disk
    assert _files(tmp_path) == ["checkpoint", "ckpt-3.ckpt", "ckpt-4.ckpt"]
    assert train.latest_checkpoint(str(tmp_path)) == paths[-1]
    state = train.get_checkpoint_state(str(tmp_path))
    assert state.all_model_checkpoint_paths == paths[-2:]
    checkpoint.restore(paths[-2]).assert_consumed()
    assert float(v) == 3.0


def test_checkpoint_name_and_number(tmp_path):
    checkpoint = train.Checkpoint(v=tf.Variable(1.0))
    manager = train.CheckpointManager(
        checkpoint, str(tmp_path / "run"), max_to_keep=None, checkpoint_name="model"
    )
    assert manager.save(checkpoint_number=100) == str(tmp_path / "run" / "model-100")
    assert manager.save() == str(tmp_path / "run" / "model-2")
    assert len(manager.checkpoints) == 2


def test_new_manager_recovers_the_directory_state(tmp_path):
    checkpoint = train.Checkpoint(v=tf.Variable(1.0))
    first = train.CheckpointManager(checkpoint, str(tmp_path), max_to_keep=3)
    saved = [first.save() for _ in range(3)]
    second = train.CheckpointManager(checkpoint, str(tmp_path), max_to_keep=2)
    assert second.latest_checkpoint == saved[-1]
    assert second.checkpoints == saved
    second.save()
    second.sync()
    assert _files(tmp_path) == ["checkpoint", "ckpt-3.ckpt", "ckpt-4.ckpt"]


def test_restore_or_initialize(tmp_path):
    v = tf.Variable(5.0)
    checkpoint = train.Checkpoint(v=v)
    calls = []
    manager = train.CheckpointManager(
        checkpoint, str(tmp_path), max_to_keep=1, init_fn=lambda: calls.append(1)
    )
    assert manager.restore_or_initialize() is None and calls == [1]
    manager.save()
    v.assign(0.0)
    again = train.CheckpointManager(checkpoint, str(tmp_path), max_to_keep=1)
    assert again.restore_or_initialize() == str(tmp_path / "ckpt-1")
    assert float(v) == 5.0


def test_keep_checkpoint_every_n_hours_spares_old_ones(tmp_path, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(checkpoint_management, "_now", lambda: clock[0])
    checkpoint = train.Checkpoint(v=tf.Variable(1.0))
    manager = train.CheckpointManager(
        checkpoint, str(tmp_path), max_to_keep=1, keep_checkpoint_every_n_hours=1.0
    )
    for minutes in (10, 20, 80, 90):  # ckpt-3 at 80 min is >= 1 h after the start
        clock[0] = 1_000_000.0 + 60 * minutes
        manager.save()
    manager.sync()
    assert _files(tmp_path) == ["checkpoint", "ckpt-3.ckpt", "ckpt-4.ckpt"]
    assert manager.checkpoints == [str(tmp_path / "ckpt-4")]


def test_checkpoint_interval(tmp_path):
    step = tf.Variable(np.int64(0))
    checkpoint = train.Checkpoint(step=step)
    manager = train.CheckpointManager(
        checkpoint, str(tmp_path), max_to_keep=None, step_counter=step, checkpoint_interval=10
    )
    saved = []
    for _ in range(25):
        saved.append(manager.save() is not None)
        step.assign_add(np.int64(1))
    assert sum(saved) == 3  # steps 0, 10, 20


def test_invalid_max_to_keep():
    with pytest.raises(ValueError, match="max_to_keep"):
        train.CheckpointManager(train.Checkpoint(), "/tmp/unused", max_to_keep=0)


def test_state_file_pointing_at_a_missing_checkpoint(tmp_path):
    (tmp_path / "checkpoint").write_text('model_checkpoint_path: "ckpt-9"\n')
    assert train.latest_checkpoint(str(tmp_path)) is None


def test_state_file_moves_on_before_old_checkpoints_are_deleted(tmp_path, monkeypatch):
    v = tf.Variable(1.0)
    manager = train.CheckpointManager(train.Checkpoint(v=v), str(tmp_path), max_to_keep=1)
    manager.save()

    def crash(path):
        raise RuntimeError("crashed while deleting " + path)

    monkeypatch.setattr(checkpoint_management, "remove_checkpoint", crash)
    v.assign(2.0)
    manager.save()
    with pytest.raises(RuntimeError, match="crashed"):
        manager.sync()  # the deletion's error surfaces here
    latest = train.latest_checkpoint(str(tmp_path))
    assert latest == str(tmp_path / "ckpt-2")
    fresh = tf.Variable(0.0)
    train.Checkpoint(v=fresh).restore(latest).expect_partial()
    assert float(fresh) == 2.0


def test_superseded_checkpoints_go_only_after_the_new_one_is_synced(tmp_path, monkeypatch):
    # Saves are not fsync'ed; deleting the old checkpoint before the new one's data is on disk
    # would leave none readable after a power loss. The order is: save returns, then (in a
    # thread) fsync of the new file and the directory, then the deletion.
    events = []
    real_fsync = checkpoint_format.fsync_file
    real_remove = checkpoint_management.remove_checkpoint
    monkeypatch.setattr(
        checkpoint_format,
        "fsync_file",
        lambda name: (events.append(("fsync", os.path.basename(name))), real_fsync(name)),
    )
    monkeypatch.setattr(
        checkpoint_management,
        "remove_checkpoint",
        lambda prefix: (events.append(("remove", os.path.basename(prefix))), real_remove(prefix)),
    )
    manager = train.CheckpointManager(
        train.Checkpoint(v=tf.Variable(1.0)), str(tmp_path), max_to_keep=1
    )
    manager.save()
    manager.save()
    manager.sync()
    assert events == [("fsync", "ckpt-2.ckpt"), ("remove", "ckpt-1")]
    assert _files(tmp_path) == ["checkpoint", "ckpt-2.ckpt"]


def test_a_number_saved_again_is_not_deleted_by_an_earlier_retirement(tmp_path, monkeypatch):
    gate = threading.Event()
    real_fsync = checkpoint_format.fsync_file
    monkeypatch.setattr(
        checkpoint_format, "fsync_file", lambda name: (gate.wait(5), real_fsync(name))
    )
    v = tf.Variable(1.0)
    manager = train.CheckpointManager(train.Checkpoint(v=v), str(tmp_path), max_to_keep=1)
    manager.save(checkpoint_number=1)
    manager.save(checkpoint_number=2)  # its retirement (deleting ckpt-1) waits on the gate
    threading.Timer(0.2, gate.set).start()
    v.assign(7.0)
    manager.save(checkpoint_number=1)  # must wait for that deletion, then write ckpt-1 anew
    manager.sync()
    assert _files(tmp_path) == ["checkpoint", "ckpt-1.ckpt"]
    fresh = tf.Variable(0.0)
    train.Checkpoint(v=fresh).restore(str(tmp_path / "ckpt-1")).assert_consumed()
    assert float(fresh) == 7.0

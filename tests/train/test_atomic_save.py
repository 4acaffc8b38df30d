"""A save killed midway (SIGKILL to a subprocess) leaves the last good checkpoint readable."""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import eagerflow as tf
from eagerflow import train

REPO = pathlib.Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

_PREAMBLE = """
import sys, time
import numpy as np
import eagerflow as tf
from eagerflow import train
from eagerflow.train import checkpoint_format
directory = sys.argv[1]
v = tf.Variable(np.zeros((256, 1024), np.float32))
manager = train.CheckpointManager(train.Checkpoint(v=v), directory, max_to_keep=3)
"""


def _start(script: str, directory: pathlib.Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    code = textwrap.dedent(_PREAMBLE) + textwrap.dedent(script)
    return subprocess.Popen(
        [sys.executable, "-c", code, str(directory)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )


def _kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)


def _restored_value(directory: pathlib.Path) -> tuple[str, np.ndarray]:
    latest = train.latest_checkpoint(str(directory))
    assert latest is not None
    v = tf.Variable(np.full((256, 1024), -1.0, np.float32))
    train.Checkpoint(v=v).restore(latest).assert_consumed()
    return latest, v.numpy()


def test_kill_during_the_write_keeps_the_previous_checkpoint(tmp_path):
    script = """
    v.assign(np.full((256, 1024), 1.0, np.float32))
    manager.save()
    v.assign(np.full((256, 1024), 2.0, np.float32))
    tensor_bytes = checkpoint_format._tensor_bytes

    def stall(array):
        print("WRITING", flush=True)
        time.sleep(60)
        return tensor_bytes(array)

    checkpoint_format._tensor_bytes = stall
    manager.save()
    """
    process = _start(script, tmp_path)
    try:
        line = process.stdout.readline()
        assert line.strip() == "WRITING", process.stderr.read()
    finally:
        _kill(process)
    names = os.listdir(tmp_path)
    assert "ckpt-2.ckpt" not in names
    assert any(name.startswith(".ckpt-2.ckpt.tmp-") for name in names)  # the torn write
    latest, value = _restored_value(tmp_path)
    assert latest == str(tmp_path / "ckpt-1")
    assert np.all(value == 1.0)
    # A new manager removes the dead writer's temporary file.
    train.CheckpointManager(train.Checkpoint(), str(tmp_path), max_to_keep=1)
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "ckpt-1.ckpt"]


def test_kill_at_an_arbitrary_moment_of_repeated_saves(tmp_path):
    script = """
    for n in range(1, 10_000):
        v.assign(np.full((256, 1024), float(n), np.float32))
        manager.save()
        print(n, flush=True)
    """
    process = _start(script, tmp_path)
    try:
        assert process.stdout.readline().strip() == "1", process.stderr.read()
        time.sleep(0.35)
    finally:
        _kill(process)
    latest, value = _restored_value(tmp_path)
    number = int(latest.rsplit("-", 1)[1])
    assert np.all(value == float(number))
    for name in os.listdir(tmp_path):
        if name.endswith(".ckpt") and not name.startswith("."):
            reader = train.load_checkpoint(str(tmp_path / name))
            assert reader.get_tensor("v")[0, 0] == float(name[len("ckpt-") : -len(".ckpt")])
            reader.close()

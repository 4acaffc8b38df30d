"""The real `tensorboard` server reads our event files: scalars over its HTTP API."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from eagerflow import summary

pytest.importorskip("tensorboard")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get_json(url: str, deadline: float, process: subprocess.Popen) -> object:
    """GETs `url` until it answers with non-empty JSON or `deadline` passes."""
    while True:
        if process.poll() is not None:
            pytest.fail(f"tensorboard exited early: {process.communicate()[1][-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                data = json.loads(response.read())
                if data:
                    return data
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"tensorboard did not serve {url} in time")
        time.sleep(0.25)


def test_tensorboard_serves_our_scalars(tmp_path):
    run = tmp_path / "train"
    writer = summary.create_file_writer(str(run))
    with writer.as_default():
        for step, loss in enumerate([0.5, 0.25, 0.125]):
            summary.scalar("loss", loss, step=step)
    writer.close()

    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "tensorboard.main",
        f"--logdir={tmp_path}",
        "--host=127.0.0.1",
        f"--port={port}",
        "--load_fast=false",
        "--reload_interval=1",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        base = f"http://127.0.0.1:{port}/data/plugin/scalars"
        deadline = time.monotonic() + 60
        tags = _get_json(f"{base}/tags", deadline, process)
        assert "loss" in tags["train"]
        points = _get_json(f"{base}/scalars?run=train&tag=loss", deadline, process)
        assert [(step, value) for _, step, value in points] == [(0, 0.5), (1, 0.25), (2, 0.125)]
    finally:
        process.terminate()
        try:
            process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()

"""tf.contrib.summary (TF1 forms): global step, recording conditions, the guide's loop."""

from __future__ import annotations

import os

import numpy as np
import pytest

import eagerflow as tf
from eagerflow import summary, train
from tests.summary import _events

contrib_summary = tf.contrib.summary


@pytest.fixture(autouse=True)
def _global_step_at_zero():
    step = train.get_or_create_global_step()
    saved = int(step)
    step.assign(np.int64(0))
    yield step
    step.assign(np.int64(saved))
    summary.writer._STATE.__init__()


def test_guide_loop(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    global_step = tf.train.get_or_create_global_step()

    logdir = "./tb/"
    writer = tf.contrib.summary.create_file_writer(logdir)
    writer.set_as_default()

    for _ in range(10):
        global_step.assign_add(1)
        # Must include a record_summaries method
        with tf.contrib.summary.record_summaries_every_n_global_steps(100):
            # your model code goes here
            tf.contrib.summary.scalar("global_step", global_step)

    [name] = os.listdir("tb")
    assert name.startswith("events.out.tfevents.") and name.endswith(".v2")
    writer.flush()
    assert "global_step" not in _events.load("tb").Tags()["tensors"]  # 10 < 100 steps


def test_every_n_global_steps_rule(tmp_path, _global_step_at_zero):
    global_step = _global_step_at_zero
    writer = contrib_summary.create_file_writer(str(tmp_path))
    writer.set_as_default()
    for _ in range(10):
        global_step.assign_add(1)
        with contrib_summary.record_summaries_every_n_global_steps(3):
            contrib_summary.scalar("global_step", global_step)
            contrib_summary.scalar("half", tf.cast(global_step, tf.float32) / 2.0)
    writer.flush()
    assert _events.scalars(tmp_path, "global_step") == [(3, 3.0), (6, 6.0), (9, 9.0)]
    assert _events.scalars(tmp_path, "half") == [(3, 1.5), (6, 3.0), (9, 4.5)]


def test_recording_is_off_outside_a_condition(tmp_path):
    writer = contrib_summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        assert contrib_summary.should_record_summaries() is False
        assert bool(contrib_summary.scalar("off", 1.0)) is False
        with contrib_summary.never_record_summaries():
            assert bool(contrib_summary.scalar("off", 1.0)) is False
        with contrib_summary.always_record_summaries():
            assert contrib_summary.should_record_summaries() is True
            assert bool(contrib_summary.scalar("on", 2.0)) is True
            assert bool(contrib_summary.scalar("explicit", 3.0, step=17)) is True
            assert bool(contrib_summary.scalar("loss", 4.0, family="train")) is True
    assert _events.scalars(tmp_path, "on") == [(0, 2.0)]
    assert _events.scalars(tmp_path, "explicit") == [(17, 3.0)]
    assert _events.scalars(tmp_path, "train/loss") == [(0, 4.0)]
    assert "off" not in _events.load(tmp_path).Tags()["tensors"]


def test_histogram_and_image_use_the_global_step(tmp_path, _global_step_at_zero):
    _global_step_at_zero.assign(np.int64(5))
    writer = contrib_summary.create_file_writer(str(tmp_path))
    with writer.as_default(), contrib_summary.always_record_summaries():
        contrib_summary.histogram("h", np.arange(10.0))
        contrib_summary.image("im", np.zeros((3, 2, 2, 3), np.uint8), max_images=1)
    [(step, buckets)] = _events.values(tmp_path, "h")
    assert step == 5 and buckets[:, 2].sum() == 10
    [(step, content)] = _events.values(tmp_path, "im")
    assert step == 5 and len(content) == 3


def test_tfe_metric_result_as_value(tmp_path):
    metrics = pytest.importorskip("eagerflow.keras.metrics")
    tfe_mean = getattr(getattr(tf.contrib.eager, "metrics", None), "Mean", metrics.Mean)
    m = tfe_mean("loss")
    m(0)
    m(5)
    writer = contrib_summary.create_file_writer(str(tmp_path))
    with writer.as_default(), contrib_summary.always_record_summaries():
        contrib_summary.scalar("loss", m.result())
    assert _events.scalars(tmp_path, "loss") == [(0, 2.5)]


def test_every_n_rejects_non_positive_n():
    with pytest.raises(ValueError, match="n must be positive"):
        contrib_summary.record_summaries_every_n_global_steps(0)


def test_eval_dir():
    assert contrib_summary.eval_dir("/m") == os.path.join("/m", "eval")
    assert contrib_summary.eval_dir("/m", "x") == os.path.join("/m", "eval_x")

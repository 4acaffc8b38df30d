"""tf.summary (TF 2 forms), read back with TensorBoard's EventAccumulator."""

from __future__ import annotations

import io
import os

import numpy as np
import pytest

import eagerflow as tf
from eagerflow import summary
from eagerflow.summary import _tensorboard
from tests.summary import _events


@pytest.fixture(autouse=True)
def _clean_summary_state():
    yield
    summary.writer._STATE.__init__()


def test_scalars_with_as_default(tmp_path):
    writer = summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        for step in range(3):
            assert bool(summary.scalar("loss", 1.0 / (step + 1), step=step)) is True
        assert bool(summary.scalar("accuracy", tf.constant(0.75), step=7)) is True
    names = os.listdir(tmp_path)
    assert len(names) == 1
    assert names[0].startswith("events.out.tfevents.") and names[0].endswith(".v2")
    assert _events.scalars(tmp_path, "loss") == [(0, 1.0), (1, 0.5), (2, np.float32(1 / 3))]
    assert _events.scalars(tmp_path, "accuracy") == [(7, 0.75)]
    assert _events.plugin_of(tmp_path, "loss") == "scalars"
    writer.close()


def test_default_step_from_writer_or_set_step(tmp_path):
    writer = summary.create_file_writer(str(tmp_path))
    step = tf.Variable(np.int64(10))
    with writer.as_default(step=step):
        summary.scalar("a", 1.0)
        step.assign_add(np.int64(5))
        summary.scalar("a", 2.0)
    assert summary.experimental.get_step() is None
    writer.set_as_default()
    summary.experimental.set_step(42)
    assert summary.experimental.get_step() == 42
    summary.scalar("b", 3.0)
    writer.flush()
    assert _events.scalars(tmp_path, "a") == [(10, 1.0), (15, 2.0)]
    assert _events.scalars(tmp_path, "b") == [(42, 3.0)]


def test_no_writer_records_nothing_and_missing_step_raises(tmp_path):
    assert bool(summary.scalar("x", 1.0, step=1)) is False
    writer = summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        with pytest.raises(ValueError, match="no step set"):
            summary.scalar("x", 1.0)


def test_record_if(tmp_path):
    writer = summary.create_file_writer(str(tmp_path))
    step = tf.Variable(np.int64(0))
    with writer.as_default(step=step):
        with summary.record_if(lambda: int(step) % 2 == 0):
            for _ in range(5):
                summary.scalar("even", float(int(step)))
                step.assign_add(np.int64(1))
        with summary.record_if(False):
            assert bool(summary.scalar("never", 1.0)) is False
            assert summary.should_record_summaries() is False
        assert summary.should_record_summaries() is True
    assert _events.scalars(tmp_path, "even") == [(0, 0.0), (2, 2.0), (4, 4.0)]
    assert "never" not in _events.load(tmp_path).Tags()["tensors"]


def test_name_scope_prefixes_tags(tmp_path):
    writer = summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=1), tf.name_scope("train"):
        summary.scalar("loss", 0.5)
    assert _events.scalars(tmp_path, "train/loss") == [(1, 0.5)]


def test_histogram(tmp_path):
    data = np.random.default_rng(0).standard_normal(1000)
    writer = summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=3):
        assert bool(summary.histogram("weights", tf.constant(data), buckets=10))
    [(step, buckets)] = _events.values(tmp_path, "weights")
    assert step == 3 and buckets.shape == (10, 3)
    assert buckets[:, 2].sum() == 1000
    assert buckets[0, 0] == data.min() and buckets[-1, 1] == data.max()
    assert _events.plugin_of(tmp_path, "weights") == "histograms"


def test_image_round_trip(tmp_path):
    pil = pytest.importorskip("PIL.Image")
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, size=(4, 5, 6, 3), dtype=np.uint8)
    writer = summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=2):
        assert bool(summary.image("pictures", pixels, max_outputs=2))
        assert bool(summary.image("gray", np.full((1, 2, 2, 1), 0.5, np.float32)))
    [(step, content)] = _events.values(tmp_path, "pictures")
    assert step == 2 and content[0] == b"6" and content[1] == b"5" and len(content) == 4
    for i, png in enumerate(content[2:]):
        np.testing.assert_array_equal(np.array(pil.open(io.BytesIO(png))), pixels[i])
    [(_, gray)] = _events.values(tmp_path, "gray")
    assert np.array(pil.open(io.BytesIO(gray[2])))[0, 0] == 127  # floor(0.5 * 255.5)
    assert _events.plugin_of(tmp_path, "pictures") == "images"


def test_text(tmp_path):
    writer = summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=0):
        assert bool(summary.text("notes", "hello *world*"))
    [(_, value)] = _events.values(tmp_path, "notes")
    assert value == b"hello *world*"
    assert _events.plugin_of(tmp_path, "notes") == "text"


def test_metric_objects_are_summary_values(tmp_path):
    metrics = pytest.importorskip("eagerflow.keras.metrics")
    mean = metrics.Mean()
    mean.update_state([1.0, 2.0, 6.0])
    writer = summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=1):
        summary.scalar("mean_obj", mean)
        summary.scalar("mean_result", mean.result())
    assert _events.scalars(tmp_path, "mean_obj") == [(1, 3.0)]
    assert _events.scalars(tmp_path, "mean_result") == [(1, 3.0)]


def test_non_scalar_value_is_refused(tmp_path):
    writer = summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=0), pytest.raises(ValueError, match=r"'v'.*shape \(2,\)"):
        summary.scalar("v", [1.0, 2.0])


def test_close_flushes_and_writes_after_close_raise(tmp_path):
    writer = summary.create_file_writer(str(tmp_path), max_queue=1000, flush_millis=10**7)
    writer.set_as_default()
    summary.scalar("q", 1.0, step=0)
    writer.close()
    assert _events.scalars(tmp_path, "q") == [(0, 1.0)]
    assert bool(summary.scalar("q", 2.0, step=1)) is False  # the closed writer is not the default
    with pytest.raises(tf.errors.FailedPreconditionError, match="closed"):
        with writer.as_default(step=1):
            summary.scalar("q", 2.0)


def test_noop_writer(tmp_path):
    with summary.create_noop_writer().as_default(step=1):
        assert bool(summary.scalar("x", 1.0)) is False


def test_missing_tensorboard_names_the_extra(monkeypatch, tmp_path):
    def fail(name):
        raise ImportError(f"No module named {name!r}")

    monkeypatch.setattr(_tensorboard.importlib, "import_module", fail)
    with pytest.raises(ImportError, match=r"pip install eagerflow\[tensorboard\]"):
        summary.create_file_writer(str(tmp_path))


def test_summaries_inside_tf_function_write_on_every_call(tmp_path):
    writer = summary.create_file_writer(str(tmp_path))
    step = tf.Variable(np.int64(0))

    @tf.function
    def train_step(x):
        loss = tf.reduce_sum(x * x)
        summary.scalar("loss", loss, step=step)
        summary.histogram("x", x, step=step, buckets=4)
        step.assign_add(np.int64(1))
        return loss

    with writer.as_default():
        with summary.record_if(lambda: int(step) != 1):  # evaluated when each call runs
            for i in range(3):
                train_step(tf.constant([float(i), 1.0]))
    assert train_step.experimental_get_tracing_count() == 1  # one graph, written by each call
    assert _events.scalars(tmp_path, "loss") == [(0, 1.0), (2, 5.0)]
    assert [s for s, _ in _events.values(tmp_path, "x")] == [0, 2]
    assert summary.scalar("eager", 1.0, step=0).dtype == tf.bool


def test_unclosed_writer_is_flushed_at_interpreter_exit(tmp_path):
    import subprocess
    import sys

    code = (
        "import eagerflow as tf\n"
        f"w = tf.summary.create_file_writer({str(tmp_path)!r}, flush_millis=10**7)\n"
        "w.set_as_default()\n"
        "tf.summary.scalar('late', 7.0, step=3)\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root)
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
    assert _events.scalars(tmp_path, "late") == [(3, 7.0)]

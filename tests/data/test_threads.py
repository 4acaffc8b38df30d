"""Background threads: parallel map, prefetch and parallel interleave really run alongside the
consumer, report errors at the consumer, and stop when iteration ends or is abandoned."""

from __future__ import annotations

import gc
import threading
import time
import traceback

import pytest

import eagerflow as tf
from tests.data._lists import values


def _data_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("eagerflow.data")]


def _wait_for_no_data_threads(timeout: float = 5.0) -> list[threading.Thread]:
    deadline = time.monotonic() + timeout
    while _data_threads() and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.01)
    return _data_threads()


def _failing_map_function(x):
    if int(x) == 3:
        raise ZeroDivisionError("bad element 3")
    return x


@pytest.mark.parametrize(
    "build",
    [
        lambda ds: ds.map(_failing_map_function),
        lambda ds: ds.map(_failing_map_function, num_parallel_calls=2),
        lambda ds: ds.map(_failing_map_function, num_parallel_calls=2).prefetch(2),
        lambda ds: ds.map(_failing_map_function).batch(2).prefetch(1),
    ],
    ids=["sequential", "parallel", "parallel+prefetch", "batch+prefetch"],
)
def test_map_errors_reach_the_consumer_with_the_user_traceback(build):
    ds = build(tf.data.Dataset.range(10))
    seen = []
    with pytest.raises(ZeroDivisionError, match="bad element 3") as info:
        for x in ds:
            seen.append(x)
    assert len(seen) in (1, 3)  # batches of 2, or elements 0..2
    frames = [f.name for f in traceback.extract_tb(info.value.__traceback__)]
    assert "_failing_map_function" in frames
    assert _wait_for_no_data_threads() == []


def test_abandoned_iteration_stops_every_thread():
    baseline = _wait_for_no_data_threads()
    assert baseline == []
    ds = (
        tf.data.Dataset.range(4)
        .interleave(lambda i: tf.data.Dataset.range(100), cycle_length=2, num_parallel_calls=2)
        .map(lambda x: x + 1, num_parallel_calls=3)
        .prefetch(4)
    )
    for i, _ in enumerate(ds):
        if i == 5:
            assert _data_threads()  # the pipeline really runs on background threads
            break
    assert _wait_for_no_data_threads() == []
    it = iter(ds.repeat())
    next(it)
    it.close()
    assert _wait_for_no_data_threads() == []
    it = iter(ds.repeat())
    next(it)
    del it
    assert _wait_for_no_data_threads() == []


def test_exhausted_iteration_leaves_no_threads():
    ds = tf.data.Dataset.range(20).map(lambda x: x, num_parallel_calls=4).prefetch(2)
    assert values(ds) == list(range(20))
    assert _wait_for_no_data_threads() == []


def test_parallel_map_runs_calls_concurrently():
    barrier = threading.Barrier(2, timeout=5)

    def meet(x):
        barrier.wait()  # only passes when two calls are in flight together
        return x

    ds = tf.data.Dataset.range(6).map(meet, num_parallel_calls=2)
    assert values(ds) == list(range(6))


def test_prefetch_overlaps_producer_and_consumer():
    def slow(x):
        time.sleep(0.03)
        return x

    def consume(ds):
        start = time.perf_counter()
        for _ in ds:
            time.sleep(0.03)
        return time.perf_counter() - start

    base = tf.data.Dataset.range(10).map(slow)
    sequential = consume(base)
    overlapped = consume(base.prefetch(2))
    assert sequential > 0.55
    assert overlapped < 0.8 * sequential

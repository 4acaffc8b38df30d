"""Background threads for `map(num_parallel_calls=...)`, `prefetch` and parallel interleave.

Every thread here belongs to one Python iterator and stops when that iterator is exhausted,
fails or is abandoned (closed or garbage collected): the generator's `finally` signals the
thread and joins it. Exceptions raised in a thread are handed to the consumer and re-raised
there with their original traceback (the user's frames included).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from typing import Any

from eagerflow.data._stage import AUTOTUNE, close_iterator

_END = object()
_POLL_S = 0.05


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parallelism(num_parallel_calls: Any, what: str) -> int | None:
    """None for sequential, else the number of worker threads (AUTOTUNE: one per core)."""
    if num_parallel_calls is None:
        return None
    n = int(num_parallel_calls)
    if n == AUTOTUNE:
        return max(2, cpu_count())
    if n <= 0:
        raise ValueError(f"{what}: num_parallel_calls must be positive or AUTOTUNE; got {n}.")
    return n


class _Failure:
    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


def background(source: Iterator, buffer_size: int, name: str) -> Iterator:
    """Runs `source` in a daemon thread, `buffer_size` items ahead of the consumer."""
    q: queue.Queue = queue.Queue(maxsize=max(1, buffer_size))
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in source:
                if not put(item):
                    return
            put(_END)
        except BaseException as e:  # handed to the consumer, re-raised there
            put(_Failure(e))
        finally:
            close_iterator(source)

    thread = threading.Thread(target=produce, name=name, daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if type(item) is _Failure:
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()

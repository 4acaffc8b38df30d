"""Thread-local execution state: active tapes, device scope, graph being built.

Reading it on the hot path costs one attribute access (`context.state().tapes`).
"""

from __future__ import annotations

import threading
from typing import Any


class _State(threading.local):
    """Per-thread state. Every field has a class-level default so new threads start clean."""

    def __init__(self) -> None:
        # Tapes currently recording, innermost last. A tuple: `if state.tapes` is the hot check.
        self.tapes: tuple = ()
        # The device named by the innermost `tf.device` scope; outside any scope the default
        # device (GPU:0 when usable), or None: run where the inputs are (the CPU fast path).
        from eagerflow.core.backend import default_device  # noqa: PLC0415

        self.device: Any = default_device()
        # The graph that ops are added to while tracing (tf.function / TF1 graph), or None.
        self.graph: Any = None
        # Name scope stack, as plain strings, for `tf.name_scope`.
        self.name_scopes: list[str] = []


_STATE = _State()


def state() -> _State:
    """The calling thread's execution state."""
    return _STATE


class _Config:
    """Process-wide switches (not thread-local): eager mode, soft placement."""

    eager = True  # False after tf.compat.v1.disable_eager_execution()
    soft_device_placement = True
    ops_have_run = False  # the TF1 eager switch is only allowed before any op ran


CONFIG = _Config()


def executing_eagerly() -> bool:
    """True when ops run immediately (not inside tf.function tracing or a TF1 graph).

    With eager execution disabled the thread's default graph is installed as `graph`, so the
    graph alone decides (a `py_function` callback, which leaves the graph, runs eagerly)."""
    return _STATE.graph is None


def push_tape(tape: Any) -> None:
    _STATE.tapes = _STATE.tapes + (tape,)


def pop_tape(tape: Any) -> None:
    tapes = _STATE.tapes
    _STATE.tapes = tuple(t for t in tapes if t is not tape)

"""`Progbar`: Keras's text progress bar (`12/100 [==>....] - ETA: 3s - loss: 0.31`).

On a terminal the line is redrawn in place (at most every `interval` seconds); elsewhere (logs,
pipes, tests) only the finished line of each epoch is printed.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from typing import Any

import numpy as np


def _format_duration(seconds: float) -> str:
    if seconds > 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds > 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


def _format_per_unit(seconds: float, unit: str) -> str:
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


def _format_value(value: Any) -> str:
    value = float(np.mean(np.asarray(value)))
    return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.4e}"


class Progbar:
    """A progress bar for `target` steps (None when unknown).

    Args:
        target: Total number of steps, or None.
        width: Width of the bar in characters.
        verbose: 1 for the bar, 2 for one line at the end, 0 for silence.
        interval: Minimum seconds between redraws.
        stateful_metrics: Names of values shown as given; other values are averaged over steps.
        unit_name: "step" or "sample", used in the time-per-unit display.

    Example:
        >>> bar = Progbar(3)
        >>> for i in range(3):
        ...     bar.update(i + 1, [("loss", 0.5)])
        3/3 [==============================] - ... - loss: 0.5000
    """

    def __init__(
        self,
        target: int | None,
        width: int = 30,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics: Iterable[str] | None = None,
        unit_name: str = "step",
        stream: Any = None,
    ) -> None:
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if stateful_metrics is None or isinstance(stateful_metrics, (list, tuple, set)):
            self.stateful_metrics: Any = set(stateful_metrics or ())
        else:
            self.stateful_metrics = stateful_metrics  # any container (`in` is all that is used)
        self._stream = stream
        out = self.stream
        self._dynamic = (hasattr(out, "isatty") and out.isatty()) or "ipykernel" in sys.modules
        self._dynamic = self._dynamic and "EAGERFLOW_PROGBAR_STATIC" not in os.environ
        self._values: dict[str, list] = {}
        self._order: list[str] = []
        self._start = time.time()
        self._last_update = 0.0
        self._seen = 0
        self._previous_width = 0

    @property
    def stream(self) -> Any:
        return self._stream if self._stream is not None else sys.stdout

    def update(self, current: int, values: Any = None, finalize: bool | None = None) -> None:
        """Moves the bar to step `current` and records `values` (pairs or a dict)."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        items = values.items() if isinstance(values, dict) else (values or [])
        for name, value in items:
            if name not in self._values:
                self._order.append(name)
            if name in self.stateful_metrics:
                self._values[name] = [value, 1]
            else:
                steps = max(current - self._seen, 1)
                total, count = self._values.get(name, [0.0, 0])
                self._values[name] = [total + float(np.mean(value)) * steps, count + steps]
        self._seen = current
        now = time.time()
        if self.verbose == 1:
            if not finalize and now - self._last_update < self.interval:
                return
            if self._dynamic or finalize:
                self._write(self._bar_line(current, now, finalize), finalize)
        elif self.verbose == 2 and finalize:
            elapsed = now - self._start
            line = f"{current}/{self.target} - {_format_duration(elapsed)} - " + (
                _format_per_unit(elapsed / max(current, 1), self.unit_name)
            )
            self._write(line + self._values_text(), True)
        self._last_update = now

    def add(self, n: int, values: Any = None) -> None:
        self.update(self._seen + n, values)

    def _bar_line(self, current: int, now: float, finalize: bool) -> str:
        if self.target is not None:
            digits = len(str(self.target))
            text = f"{current:{digits}d}/{self.target} ["
            progress = min(current / self.target, 1.0) if self.target else 1.0
            filled = int(self.width * progress)
            if filled > 0:
                text += "=" * (filled - 1) + (">" if current < self.target else "=")
            text += "." * (self.width - filled) + "]"
        else:
            text = f"{current:7d}/Unknown"
        elapsed = now - self._start
        per_unit = elapsed / current if current else 0.0
        if finalize:
            text += f" - {_format_duration(elapsed)} {_format_per_unit(per_unit, self.unit_name)}"
        elif self.target is not None:
            text += f" - ETA: {_format_duration(per_unit * (self.target - current))}"
        else:
            text += f" - {_format_duration(elapsed)} {_format_per_unit(per_unit, self.unit_name)}"
        return text + self._values_text()

    def _values_text(self) -> str:
        parts = []
        for name in self._order:
            total, count = self._values[name]
            value = total if name in self.stateful_metrics else total / max(count, 1)
            parts.append(f" - {name}: {_format_value(value)}")
        return "".join(parts)

    def _write(self, line: str, finalize: bool) -> None:
        out = self.stream
        if self._dynamic:
            padding = " " * max(self._previous_width - len(line), 0)
            out.write("\r" + line + padding)
            self._previous_width = len(line)
        else:
            out.write(line)
        if finalize:
            out.write("\n")
        out.flush()

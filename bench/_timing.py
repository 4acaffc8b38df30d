"""Timing helpers shared by the benchmark scripts (best-of-N wall time)."""

from __future__ import annotations

import timeit
from typing import Callable


def best_time(fn: Callable[[], object], number: int, repeat: int = 5) -> float:
    """Best mean seconds per call of `fn` over `repeat` runs of `number` calls."""
    fn()  # warm up caches and lazy imports
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def report(label: str, ours: float, baseline: float, baseline_name: str, target: str) -> None:
    print(
        f"{label:<48} {ours * 1e6:10.1f} us  {baseline_name} {baseline * 1e6:10.1f} us  "
        f"ratio {ours / baseline:6.2f}x  (target {target})"
    )

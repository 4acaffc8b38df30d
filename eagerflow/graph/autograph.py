"""AutoGraph-style conversion (placeholder)."""

from __future__ import annotations

from collections.abc import Callable


def convert(fn: Callable) -> Callable:
    return fn

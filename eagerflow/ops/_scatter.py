"""Scatter-add over raw arrays, for kernels (NumPy's `add.at`; CuPy's `scatter_add`)."""

from __future__ import annotations

from typing import Any


def scatter_add(xp: Any, target: Any, index: Any, updates: Any) -> Any:
    """Adds `updates` into `target[index]` in place, summing repeated indices; returns target."""
    at = getattr(xp.add, "at", None)
    if at is not None:
        at(target, index, updates)
        return target
    import cupyx  # noqa: PLC0415  (only reached with CuPy builds lacking ufunc.at)

    cupyx.scatter_add(target, index, updates)
    return target

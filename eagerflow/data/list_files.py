"""`Dataset.list_files`: the file names matching glob patterns, shuffled by default."""

from __future__ import annotations

import glob
from typing import Any

import numpy as np

from eagerflow.core import errors


def matching_files(patterns: list[str]) -> np.ndarray:
    """The sorted, de-duplicated file names matching `patterns`, as bytes objects."""
    names: set[str] = set()
    for pattern in patterns:
        names.update(glob.glob(pattern))
    if not names:
        raise errors.InvalidArgumentError(
            None, None, f"No files matched pattern: {', '.join(patterns)}"
        )
    out = np.empty(len(names), dtype=object)
    out[:] = [n.encode() for n in sorted(names)]
    return out


def patterns_of(file_pattern: Any) -> list[str]:
    """A pattern (str, bytes, string Tensor) or a list of them, as a list of str."""
    if hasattr(file_pattern, "numpy"):
        file_pattern = file_pattern.numpy()
    if isinstance(file_pattern, (str, bytes)):
        file_pattern = [file_pattern]
    out = []
    for p in np.asarray(file_pattern, dtype=object).ravel().tolist():
        out.append(p.decode() if isinstance(p, bytes) else str(p))
    return out

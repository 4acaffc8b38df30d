"""Finding, checking and downloading dataset files in the Keras cache folder.

The cache folder is `$KERAS_HOME/datasets` (default `~/.keras/datasets`), as in Keras, so files
that Keras already downloaded are reused. Every file with a known checksum is verified.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
from typing import Any

import numpy as np

_IDX_MAGIC = {2049: 1, 2051: 3}  # labels: rank 1, images: rank 3


def cache_dir() -> str:
    """`$KERAS_HOME/datasets`, or `~/.keras/datasets`."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return os.path.join(home, "datasets")


def sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(path: str, expected: str | None) -> None:
    """Raises ValueError naming the file when its sha256 is not `expected` (None: no check)."""
    if expected is None:
        return
    actual = sha256(path)
    if actual != expected:
        raise ValueError(
            f"{path}: sha256 is {actual}, expected {expected}. The file is corrupted or "
            "incomplete; delete it and download it again (or replace it with a good copy)."
        )


def _progress(done: int, total: int, start: float) -> None:
    width = 30
    if total > 0:
        filled = min(width, int(width * done / total))
        bar = "=" * max(filled - 1, 0) + (">" if filled < width else "=")
        text = f"\r{done}/{total} [{bar:<{width}}]"
    else:
        text = f"\r{done} bytes"
    elapsed = time.time() - start
    sys.stdout.write(f"{text} - {elapsed:.0f}s")
    sys.stdout.flush()


def download(url: str, target: str, expected_sha256: str | None = None) -> str:
    """Downloads `url` to `target` with a progress bar; writes atomically, then verifies."""
    os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    print(f"Downloading data from {url}")
    fd, partial = tempfile.mkstemp(dir=os.path.dirname(target) or ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=30) as response:
            total = int(response.headers.get("Content-Length") or 0)
            done, start = 0, time.time()
            while True:
                chunk = response.read(1 << 16)
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
                _progress(done, total, start)
        sys.stdout.write("\n")
        verify(partial, expected_sha256)
        shutil.move(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return target


def read_idx(path: str) -> np.ndarray:
    """Reads a (gzipped) idx file of unsigned bytes: MNIST's original format."""
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as error:
        raise ValueError(f"{path}: cannot read the idx file ({error}).") from None
    if len(data) < 8:
        raise ValueError(f"{path}: too short to be an idx file ({len(data)} bytes).")
    magic = int.from_bytes(data[0:4], "big")
    rank = _IDX_MAGIC.get(magic)
    if rank is None:
        raise ValueError(
            f"{path}: bad idx magic number {magic:#x} (expected 0x801 for labels or 0x803 "
            "for images); the file is corrupted or not an idx file."
        )
    header = 4 + 4 * rank
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(rank)]
    expected = header + int(np.prod(dims))
    if len(data) != expected:
        raise ValueError(
            f"{path}: idx header says shape {tuple(dims)} ({expected} bytes), but the file "
            f"holds {len(data)} bytes; it is corrupted or truncated."
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims)


def read_npz(path: str, keys: tuple) -> tuple:
    try:
        with np.load(path, allow_pickle=False) as data:
            return tuple(data[k] for k in keys)
    except (OSError, ValueError, KeyError) as error:
        raise ValueError(f"{path}: cannot read the dataset archive ({error}).") from None


def missing_files_message(name: str, folder: str, options: list[str], reason: Any) -> str:
    listed = "\n".join(f"  - {option}" for option in options)
    return (
        f"{name}: the data is not available locally and could not be downloaded ({reason}).\n"
        f"Put one of these into {folder}:\n{listed}\n"
        "(or set KERAS_HOME to a folder whose datasets/ subfolder holds them)."
    )


def is_offline_error(error: BaseException) -> bool:
    return isinstance(error, (urllib.error.URLError, OSError, TimeoutError))

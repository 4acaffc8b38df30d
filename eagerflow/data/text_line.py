"""`TextLineDataset`: the lines of one or more text files (optionally gzip or zlib compressed)."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from eagerflow.core import dtypes, errors
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.data._stage import UNKNOWN, Stage
from eagerflow.data._threads import parallelism
from eagerflow.data.dataset_ops import Dataset

_COMPRESSION = ("", "GZIP", "ZLIB")


def _opener(compression_type: str) -> Any:
    if compression_type == "GZIP":
        return lambda path: gzip.open(path, "rb")
    if compression_type == "ZLIB":
        return lambda path: _ZlibLines(path)
    return lambda path: open(path, "rb")


class _ZlibLines:
    """A whole zlib-compressed file, decompressed, read as lines (files are read eagerly)."""

    def __init__(self, path: str) -> None:
        with open(path, "rb") as f:
            self._lines = zlib.decompress(f.read()).splitlines(keepends=True)

    def __enter__(self) -> list:
        return self._lines

    def __exit__(self, *exc: Any) -> None:
        self._lines = []


def _scalar_bytes(line: bytes) -> np.ndarray:
    out = np.empty((), dtype=object)
    out[()] = line
    return out


class TextLineStage(Stage):
    name = "TextLineDataset"

    def __init__(self, filenames: list[str], compression_type: Any) -> None:
        super().__init__()
        compression_type = (compression_type or "").upper()
        if compression_type not in _COMPRESSION:
            raise ValueError(
                f"TextLineDataset: compression_type must be one of {_COMPRESSION}; got "
                f"{compression_type!r}."
            )
        self.filenames = filenames
        self.open = _opener(compression_type)

    def iterate(self) -> Iterator:
        for name in self.filenames:
            try:
                handle = self.open(name)
            except FileNotFoundError:
                raise errors.NotFoundError(
                    None, None, f"{name}; No such file or directory"
                ) from None
            with handle as lines:
                for line in lines:
                    yield _scalar_bytes(line.rstrip(b"\n").rstrip(b"\r"))

    def cardinality(self) -> int:
        return UNKNOWN

    def compute_spec(self) -> Any:
        return TensorSpec([], dtypes.string)


def _filenames(filenames: Any) -> list[str]:
    if hasattr(filenames, "numpy"):
        filenames = filenames.numpy()
    if isinstance(filenames, (str, bytes)):
        filenames = [filenames]
    names = np.asarray(filenames, dtype=object).ravel().tolist()
    return [n.decode() if isinstance(n, bytes) else str(n) for n in names]


class TextLineDataset(Dataset):
    """The lines of text files, as string scalars without the line ending.

    Args:
        filenames: a file name, a list of them, a string tensor, or a Dataset of file names.
        compression_type: "" (default), "GZIP" or "ZLIB".
        buffer_size: accepted for compatibility (files are read with Python's buffering).
        num_parallel_reads: read this many files at once, interleaving their lines.

    Example:
        >>> for line in tf.data.TextLineDataset("notes.txt").take(2):
        ...     print(line.numpy())
    """

    def __init__(
        self,
        filenames: Any,
        compression_type: Any = None,
        buffer_size: Any = None,
        num_parallel_reads: Any = None,
        name: str | None = None,
    ) -> None:
        if isinstance(filenames, Dataset):
            files = filenames
        else:
            names = _filenames(filenames)
            if num_parallel_reads is None or len(names) == 1:
                super().__init__(TextLineStage(names, compression_type))
                return
            files = Dataset.from_tensor_slices(np.asarray([n.encode() for n in names], object))

        def lines(name: Any) -> Dataset:
            return TextLineDataset(name, compression_type)

        if num_parallel_reads is None:
            super().__init__(files.flat_map(lines)._stage)
        else:
            cycle = parallelism(num_parallel_reads, "TextLineDataset")
            dataset = files.interleave(lines, cycle, 1, num_parallel_calls=cycle)
            super().__init__(dataset._stage)

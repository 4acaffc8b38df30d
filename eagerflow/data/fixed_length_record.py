"""`FixedLengthRecordDataset`: fixed-size binary records of files (e.g. raw MNIST idx files)."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from typing import Any

from eagerflow.core import dtypes, errors
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.data._stage import UNKNOWN, Stage, check_count
from eagerflow.data.dataset_ops import Dataset
from eagerflow.data.text_line import _filenames, _scalar_bytes


def _read(path: str, compression_type: str) -> bytes:
    try:
        if compression_type == "GZIP":
            with gzip.open(path, "rb") as f:
                return f.read()
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
    return zlib.decompress(data) if compression_type == "ZLIB" else data


class FixedLengthRecordStage(Stage):
    name = "FixedLengthRecordDataset"

    def __init__(
        self, filenames: list[str], record: int, header: int, footer: int, compression: str
    ) -> None:
        super().__init__()
        if compression not in ("", "GZIP", "ZLIB"):
            raise ValueError(
                "FixedLengthRecordDataset: compression_type must be '', 'GZIP' or 'ZLIB'; got "
                f"{compression!r}."
            )
        self.filenames = filenames
        self.record, self.header, self.footer = record, header, footer
        self.compression = compression

    def iterate(self) -> Iterator:
        for name in self.filenames:
            data = _read(name, self.compression)
            body = len(data) - self.header - self.footer
            if body < 0 or body % self.record:
                raise errors.DataLossError(
                    None,
                    None,
                    f"FixedLengthRecordDataset: {name} has {len(data)} bytes, which is not "
                    f"header_bytes ({self.header}) + footer_bytes ({self.footer}) + a multiple "
                    f"of record_bytes ({self.record}).",
                )
            for start in range(self.header, self.header + body, self.record):
                yield _scalar_bytes(data[start : start + self.record])

    def cardinality(self) -> int:
        return UNKNOWN

    def compute_spec(self) -> Any:
        return TensorSpec([], dtypes.string)


class FixedLengthRecordDataset(Dataset):
    """The `record_bytes`-long records of binary files, as string scalars.

    Each file may start with `header_bytes` and end with `footer_bytes` that are skipped.

    Example:
        >>> images = tf.data.FixedLengthRecordDataset(
        ...     "train-images-idx3-ubyte", 28 * 28, header_bytes=16)
    """

    def __init__(
        self,
        filenames: Any,
        record_bytes: Any,
        header_bytes: Any = None,
        footer_bytes: Any = None,
        buffer_size: Any = None,
        compression_type: Any = None,
        num_parallel_reads: Any = None,
        name: str | None = None,
    ) -> None:
        record = check_count(record_bytes, "FixedLengthRecordDataset: record_bytes", 1)
        header = check_count(header_bytes or 0, "FixedLengthRecordDataset: header_bytes", 0)
        footer = check_count(footer_bytes or 0, "FixedLengthRecordDataset: footer_bytes", 0)
        compression = (compression_type or "").upper()
        stage = FixedLengthRecordStage(_filenames(filenames), record, header, footer, compression)
        super().__init__(stage)

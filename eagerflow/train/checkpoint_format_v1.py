"""Reads version-1 checkpoints: the `.npz` archives that eagerflow wrote before version 2.

    <prefix>.npz                                a zip, stored (no compression)
        checkpoint.json                         metadata (first member, UTF-8 JSON)
        model/layer_with_weights-0/kernel.npy   one .npy member per variable
        ...

Reading only: new checkpoints are written in version 2 (`checkpoint_format.py`). Kept so that
checkpoints users saved with earlier releases still restore.
"""

from __future__ import annotations

import json
import struct
import zipfile
from typing import IO

import numpy as np

from eagerflow.core import errors

SUFFIX = ".npz"
ZIP_MAGIC = b"PK\x03\x04"  # a zip's first local file header
METADATA_MEMBER = "checkpoint.json"
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zip local file header, 30 bytes


class ReaderV1:
    """The metadata and tensors of one `.npz` checkpoint open as `file` (closed by `close`)."""

    def __init__(self, file: IO[bytes], path: str) -> None:
        self._file = file
        self._path = path
        try:
            self._archive = zipfile.ZipFile(file)
            self.metadata = json.loads(self._archive.read(METADATA_MEMBER))
        except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
            raise errors.DataLossError(
                None, None, f"Checkpoint: {path!r} is not a readable checkpoint: {exc}"
            ) from exc
        self._members = {
            info.filename[: -len(".npy")]: info
            for info in self._archive.infolist()
            if info.filename.endswith(".npy")
        }

    def keys(self) -> list[str]:
        return list(self._members)

    def has_tensor(self, key: str) -> bool:
        return key in self._members

    def get_tensor(self, key: str) -> np.ndarray | None:
        """Reads one tensor straight from its stored bytes; None if there is no such key."""
        info = self._members.get(key)
        if info is None:
            return None
        if info.compress_type != zipfile.ZIP_STORED:
            return np.lib.format.read_array(self._archive.open(info), allow_pickle=False)
        file = self._file
        file.seek(info.header_offset)
        fields = _LOCAL_HEADER.unpack(file.read(_LOCAL_HEADER.size))
        file.seek(info.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1])
        version = np.lib.format.read_magic(file)
        read_header = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, fortran, dtype = read_header(file)
        if dtype.hasobject:
            raise errors.DataLossError(
                None, None, f"Checkpoint: tensor {key!r} in {self._path!r} holds objects."
            )
        array = np.empty(shape, dtype=dtype, order="F" if fortran else "C")
        if array.nbytes:
            view = array.reshape(-1, order="A").view(np.uint8)
            if file.readinto(view) != array.nbytes:
                raise errors.DataLossError(
                    None, None, f"Checkpoint: tensor {key!r} in {self._path!r} is truncated."
                )
        return array

    def close(self) -> None:
        self._archive.close()  # the file belongs to the CheckpointReader

    def __repr__(self) -> str:
        return f"ReaderV1({self._path!r})"

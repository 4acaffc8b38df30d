"""The checkpoint file (version 2): raw tensor bytes, then a JSON index, then a footer.

    <prefix>.ckpt
        [0:8]      magic b"\\x89EFCKPT\\n"
        [8:...]    tensor bytes, each tensor at an offset that is a multiple of 64 (zero padding)
        [...]      UTF-8 JSON index: {"metadata": {...object graph...},
                                      "tensors": {key: {"dtype", "shape", "offset", "nbytes"}}}
        [-16:-8]   little-endian uint64: the length of the JSON index
        [-8:]      the magic again: a file cut short lacks it

`dtype` is a NumPy descr string (`'<f4'`, `'|b1'`, `'<U5'`), `offset` an absolute byte offset.
No checksum: the file is written in one streaming pass, each array with one `write` of its own
bytes (no copy), so saving costs what `numpy.save` costs. No pickle anywhere (object arrays are
refused). The layout, with a NumPy-only reader, is in docs/checkpoints.md. Version-1 `.npz`
checkpoints of earlier releases are still read (`checkpoint_format_v1.py`).

Writes are atomic: the file is written under a temporary name in the same directory and
renamed over the final name with `os.replace`, so a crash or SIGKILL mid-write leaves at most a
stray `.<name>.tmp-*` file, never a partial checkpoint under the real name. As TensorFlow's
BundleWriter, nothing is fsync'ed by default: an fsync would add protection against power
loss and OS crashes only, and costs waiting for the disk. `sync=True` (from
`CheckpointOptions(experimental_sync_to_disk=True)`, or `EAGERFLOW_CHECKPOINT_FSYNC=1` for the
whole process) syncs the file before the rename and the directory after it.
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
import uuid
from typing import IO, Any, Callable, Iterable, NoReturn

import numpy as np

from eagerflow.core import errors
from eagerflow.train import checkpoint_format_v1

FORMAT_NAME = "eagerflow-checkpoint"
FORMAT_VERSION = 2
SUFFIX = ".ckpt"
MAGIC = b"\x89EFCKPT\n"
ALIGNMENT = 64  # tensor offsets are multiples of this, so a reader may map them in place
_FOOTER = struct.Struct("<Q8s")  # index length, magic
SYNC_ENV = "EAGERFLOW_CHECKPOINT_FSYNC"


def data_path(prefix: str) -> str:
    """The file a save to `prefix` writes (`prefix` itself if it ends in `.ckpt`)."""
    prefix = os.fspath(prefix)
    return prefix if prefix.endswith(SUFFIX) else prefix + SUFFIX


def checkpoint_files(prefix: str) -> list[str]:
    """The existing files of checkpoint `prefix`, the one to read first.

    `prefix` itself when it is a `.ckpt` or `.npz` file, else `<prefix>.ckpt` and
    `<prefix>.npz` (version 1), whichever exist.
    """
    prefix = os.fspath(prefix)
    if prefix.endswith((SUFFIX, checkpoint_format_v1.SUFFIX)) and os.path.isfile(prefix):
        return [prefix]
    names = (prefix + SUFFIX, prefix + checkpoint_format_v1.SUFFIX)
    return [name for name in names if os.path.isfile(name)]


def exists(prefix: str) -> bool:
    return bool(checkpoint_files(prefix))


# -- atomic writes ---------------------------------------------------------------------------


def sync_by_default() -> bool:
    """Whether saves fsync when their options do not say: `EAGERFLOW_CHECKPOINT_FSYNC=1`."""
    return os.environ.get(SYNC_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def _temporary_name(final: str) -> str:
    head, tail = os.path.split(final)
    return os.path.join(head, f".{tail}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")


_TEMPORARY = re.compile(r"^\..+\.tmp-(\d+)-[0-9a-f]{8}$")


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but not ours, or no way to tell: leave its file alone
    return True


def remove_stale_temporaries(directory: str) -> list[str]:
    """Deletes temporary files of saves whose writer process is gone; returns their names."""
    removed = []
    try:
        names = os.listdir(directory or ".")
    except FileNotFoundError:
        return removed
    for name in names:
        match = _TEMPORARY.match(name)
        if match and int(match.group(1)) != os.getpid() and not _process_alive(int(match.group(1))):
            try:
                os.remove(os.path.join(directory, name))
                removed.append(name)
            except OSError:
                pass
    return removed


def fsync_file(path: str) -> None:
    """Flushes a written file's data to the disk (the page cache may hold it for ~30 s)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        getattr(os, "fdatasync", os.fsync)(fd)
    finally:
        os.close(fd)


def fsync_directory(directory: str) -> None:
    try:
        fd = os.open(directory or ".", os.O_RDONLY)
    except OSError:
        return  # platforms without directory handles (Windows)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(final: str, write: Callable[[IO[bytes]], None], sync: bool | None = None) -> None:
    """Calls `write(file)` on a temporary file and renames it to `final`.

    `sync` (None: `sync_by_default()`) also fsyncs the file before the rename and the directory
    after it, so the new file survives a power loss once this returns.
    """
    if sync is None:
        sync = sync_by_default()
    directory = os.path.dirname(final)
    if directory:
        os.makedirs(directory, exist_ok=True)
    temporary = _temporary_name(final)
    try:
        with open(temporary, "wb") as file:
            write(file)
            if sync:
                file.flush()
                getattr(os, "fdatasync", os.fsync)(file.fileno())
        os.replace(temporary, final)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    if sync:
        fsync_directory(directory)


def atomic_write_text(final: str, text: str, sync: bool | None = None) -> None:
    atomic_write(final, lambda file: file.write(text.encode("utf-8")), sync)


# -- writing ---------------------------------------------------------------------------------


def _descr(key: str, dtype: np.dtype) -> str:
    """The dtype as a string `np.dtype()` turns back into it.

    `dtype.str` is what `np.lib.format.dtype_to_descr` gives for plain dtypes; dtypes NumPy
    knows only by name (ml_dtypes' bfloat16, whose `str` is `'<V2'`) are stored by name.
    """
    if not dtype.hasobject and dtype.names is None:
        for descr in (dtype.str, dtype.name):
            try:
                if np.dtype(descr) == dtype:
                    return descr
            except TypeError:
                pass
    raise TypeError(
        f"Checkpoint: variable {key!r} has dtype {dtype}, which cannot be saved without pickle."
    )


def _tensor_bytes(array: np.ndarray) -> np.ndarray:
    """The array's bytes as a flat uint8 view (a copy only if it is not C-contiguous)."""
    return np.ascontiguousarray(array).reshape(-1).view(np.uint8)


def write_file(
    prefix: str,
    metadata: dict,
    arrays: Iterable[tuple[str, np.ndarray]],
    sync: bool | None = None,
) -> str:
    """Writes the checkpoint file for `prefix` atomically; returns its file name.

    `arrays` yields `(key, host array)` pairs and is iterated once, while the file is written
    (a generator may copy device arrays to the host one at a time).
    """
    final = data_path(prefix)

    def write(file: IO[bytes]) -> None:
        file.write(MAGIC)
        offset = len(MAGIC)
        tensors: dict[str, dict[str, Any]] = {}
        for key, array in arrays:
            descr = _descr(key, array.dtype)
            padding = -offset % ALIGNMENT
            if padding:
                file.write(bytes(padding))
                offset += padding
            data = _tensor_bytes(array)
            tensors[key] = {
                "dtype": descr,
                "shape": list(array.shape),
                "offset": offset,
                "nbytes": data.nbytes,
            }
            file.write(data)
            offset += data.nbytes
        index = json.dumps({"metadata": metadata, "tensors": tensors}, indent=1).encode("utf-8")
        file.write(index)
        file.write(_FOOTER.pack(len(index), MAGIC))

    atomic_write(final, write, sync)
    return final


# -- reading ---------------------------------------------------------------------------------


def _load_dtype(descr: Any) -> np.dtype:
    if not isinstance(descr, str):
        raise TypeError(f"dtype {descr!r} is not a string")
    try:
        return np.dtype(descr)
    except TypeError:
        try:
            import ml_dtypes  # noqa: F401, PLC0415 - registers bfloat16 & co. by name
        except ImportError:
            raise TypeError(f"unknown dtype {descr!r}") from None
        return np.dtype(descr)


class _ReaderV2:
    """The metadata and tensors of a version-2 file, its index checked against the file."""

    def __init__(self, file: IO[bytes], path: str) -> None:
        self._file = file
        self._path = path
        size = os.fstat(file.fileno()).st_size
        if size < len(MAGIC) + _FOOTER.size:
            self._fail("truncated (shorter than the header and footer)")
        file.seek(size - _FOOTER.size)
        length, end_marker = _FOOTER.unpack(file.read(_FOOTER.size))
        if end_marker != MAGIC:
            self._fail("truncated (no end marker)")
        data_end = size - _FOOTER.size - length
        if data_end < len(MAGIC):
            self._fail(f"index length {length} does not fit in {size} bytes")
        file.seek(data_end)
        try:
            document = json.loads(file.read(length).decode("utf-8"))
            metadata, table = document["metadata"], document["tensors"]
            if not isinstance(metadata, dict) or not isinstance(table, dict):
                raise TypeError("metadata and tensors must be JSON objects")
        except (ValueError, KeyError, TypeError) as exc:
            self._fail(f"bad index ({exc})")
        self.metadata: dict = metadata
        self._tensors = {key: self._entry(key, entry, data_end) for key, entry in table.items()}

    def _fail(self, reason: str) -> NoReturn:
        raise errors.DataLossError(
            None, None, f"Checkpoint: {self._path!r} is not a readable checkpoint: {reason}."
        )

    def _entry(self, key: str, entry: Any, data_end: int) -> tuple[np.dtype, tuple, int, int]:
        try:
            dtype = _load_dtype(entry["dtype"])
            shape = tuple(entry["shape"])
            offset, nbytes = entry["offset"], entry["nbytes"]
            if not all(type(n) is int for n in (*shape, offset, nbytes)):
                raise TypeError("shape, offset and nbytes must be integers")
        except (KeyError, TypeError, ValueError) as exc:
            self._fail(f"tensor {key!r} has a bad index entry ({exc})")
        if dtype.hasobject:
            self._fail(f"tensor {key!r} holds objects")
        if min(shape, default=0) < 0 or nbytes != math.prod(shape) * dtype.itemsize:
            self._fail(f"tensor {key!r}: {nbytes} bytes do not hold shape {shape} of {dtype}")
        if offset < len(MAGIC) or offset + nbytes > data_end:
            self._fail(f"tensor {key!r}: bytes {offset}..{offset + nbytes} outside the data")
        return dtype, shape, offset, nbytes

    def keys(self) -> list[str]:
        return list(self._tensors)

    def has_tensor(self, key: str) -> bool:
        return key in self._tensors

    def get_tensor(self, key: str) -> np.ndarray | None:
        """Reads one tensor straight into its final array; None if there is no such key."""
        entry = self._tensors.get(key)
        if entry is None:
            return None
        dtype, shape, offset, nbytes = entry
        array = np.empty(shape, dtype)
        if nbytes:
            self._file.seek(offset)
            if self._file.readinto(array.reshape(-1).view(np.uint8)) != nbytes:
                self._fail(f"tensor {key!r} is truncated")
        return array

    def close(self) -> None:
        pass  # the file belongs to the CheckpointReader


class CheckpointReader:
    """Reads one checkpoint file (version 2, or a version-1 `.npz`): metadata at once,
    tensors on demand.

    Example:
        >>> reader = CheckpointReader("./ckpt/-1")
        >>> reader.get_tensor("x")
        array(2., dtype=float32)
    """

    def __init__(self, prefix: str) -> None:
        files = checkpoint_files(prefix)
        if not files:
            raise errors.NotFoundError(
                None,
                None,
                f"Checkpoint: no checkpoint file {data_path(prefix)!r} (prefix {prefix!r}).",
            )
        self.path = files[0]
        self._file = open(self.path, "rb")  # noqa: SIM115 - closed by close()
        self._reader: _ReaderV2 | checkpoint_format_v1.ReaderV1 | None = None
        try:
            # The first bytes tell the version: a zip's local header is version 1.
            head = self._file.read(len(MAGIC))
            if head.startswith(checkpoint_format_v1.ZIP_MAGIC):
                self._reader = checkpoint_format_v1.ReaderV1(self._file, self.path)
            elif head == MAGIC:
                self._reader = _ReaderV2(self._file, self.path)
            else:
                raise errors.DataLossError(
                    None,
                    None,
                    f"Checkpoint: {self.path!r} is not a readable checkpoint: it starts with "
                    f"{head!r}, neither the checkpoint magic nor a zip (version 1).",
                )
            self.metadata: dict = self._reader.metadata
            if self.metadata.get("format") != FORMAT_NAME:
                raise errors.DataLossError(
                    None, None, f"Checkpoint: {self.path!r} is not an eagerflow checkpoint."
                )
        except BaseException:
            self.close()
            raise

    def keys(self) -> list[str]:
        return self._reader.keys()

    def has_tensor(self, key: str) -> bool:
        return self._reader.has_tensor(key)

    def get_tensor(self, key: str) -> np.ndarray:
        """Reads one tensor straight from its stored bytes into its array (no extra copy)."""
        array = self._reader.get_tensor(key)
        if array is None:
            raise errors.NotFoundError(
                None, None, f"Checkpoint: key {key!r} not found in {self.path!r}."
            )
        return array

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self._file.close()

    def __enter__(self) -> CheckpointReader:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

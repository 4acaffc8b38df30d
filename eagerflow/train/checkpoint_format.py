"""The checkpoint file: one NumPy `.npz` archive holding the tensors and a JSON object graph.

    <prefix>.npz
        checkpoint.json                         metadata (first member, UTF-8 JSON)
        model/layer_with_weights-0/kernel.npy   one uncompressed .npy member per variable
        ...

`numpy.load("<prefix>.npz")["model/layer_with_weights-0/kernel"]` reads a tensor with no
eagerflow installed; `numpy.load(...)["checkpoint.json"]` returns the metadata bytes. No
pickle anywhere (object arrays are refused). The layout is described in docs/checkpoints.md.

Writes are atomic: the archive is written under a temporary name in the same directory,
flushed and fsync'ed, then renamed over the final name with `os.replace`, and the directory
is fsync'ed. A crash mid-write leaves at most a stray `.<name>.tmp-*` file, never a partial
checkpoint under the real name.
"""

from __future__ import annotations

import json
import os
import queue
import re
import struct
import threading
import uuid
import zipfile
from typing import Any, Iterable

import numpy as np

from eagerflow.core import errors

FORMAT_NAME = "eagerflow-checkpoint"
FORMAT_VERSION = 1
SUFFIX = ".npz"
METADATA_MEMBER = "checkpoint.json"
_CHUNK = 8 << 20  # bytes per write: the CRC of one chunk overlaps the write of the last
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zip local file header, 30 bytes


def data_path(prefix: str) -> str:
    """The archive that holds checkpoint `prefix` (`prefix` itself if it ends in `.npz`)."""
    prefix = os.fspath(prefix)
    return prefix if prefix.endswith(SUFFIX) else prefix + SUFFIX


def exists(prefix: str) -> bool:
    return os.path.isfile(data_path(prefix))


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


def _fsync_directory(directory: str) -> None:
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


def atomic_write(final: str, write: Any) -> None:
    """Calls `write(file)` on a temporary file, fsyncs it and renames it to `final`."""
    directory = os.path.dirname(final)
    if directory:
        os.makedirs(directory, exist_ok=True)
    temporary = _temporary_name(final)
    try:
        with open(temporary, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, final)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    _fsync_directory(directory)


def atomic_write_text(final: str, text: str) -> None:
    atomic_write(final, lambda file: file.write(text.encode("utf-8")))


def _npy_header(array: np.ndarray) -> bytes:
    header = {"descr": np.lib.format.dtype_to_descr(array.dtype), "fortran_order": False}
    header["shape"] = array.shape
    # write_array_header_2_0 takes a file; build the bytes through a small buffer.
    buffer = _Buffer()
    np.lib.format.write_array_header_2_0(buffer, header)
    return bytes(buffer.data)


class _Buffer:
    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, chunk: bytes) -> None:
        self.data += chunk


class _BackgroundWriter:
    """A file whose `write` hands the bytes to a writer thread.

    zipfile computes each chunk's CRC-32 in the calling thread, then writes it; with the disk
    write moved to a thread the two overlap (both release the GIL). The writer also syncs
    every `sync_bytes`, so the final fsync has little left to do. Buffers are not copied:
    eagerflow never writes arrays in place, and headers are fresh bytes.
    """

    def __init__(self, file: Any, sync_bytes: int = 64 << 20) -> None:
        self._file = file
        self._position = file.tell()
        self._sync_bytes = sync_bytes
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="checkpoint-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        sync = getattr(os, "fdatasync", os.fsync)
        unsynced = 0
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                if self._error is None:
                    self._file.write(item)
                    unsynced += memoryview(item).nbytes
                    if unsynced >= self._sync_bytes:
                        self._file.flush()
                        sync(self._file.fileno())
                        unsynced = 0
            except BaseException as exc:  # re-raised in the calling thread
                self._error = exc
            finally:
                self._queue.task_done()

    def _check(self) -> None:
        if self._error is not None:
            raise self._error

    def write(self, data: Any) -> int:
        self._check()
        size = memoryview(data).nbytes
        self._queue.put(data)
        self._position += size
        return size

    def tell(self) -> int:
        return self._position

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self._drain()
        self._position = self._file.seek(offset, whence)
        return self._position

    def _drain(self) -> None:
        self._queue.join()
        self._check()

    def flush(self) -> None:
        self._drain()
        self._file.flush()

    def close(self) -> None:
        """Waits for every queued write and stops the thread (the file stays open)."""
        if self._thread.is_alive():
            self._queue.join()
            self._queue.put(None)
            self._thread.join()
        self._check()


def _write_member(archive: zipfile.ZipFile, key: str, array: np.ndarray) -> None:
    if array.dtype.hasobject:
        raise TypeError(
            f"Checkpoint: variable {key!r} has dtype {array.dtype}, which cannot be saved "
            "without pickle."
        )
    array = np.asarray(array, order="C")
    data = memoryview(array.reshape(-1)).cast("B") if array.size else memoryview(b"")
    with archive.open(key + ".npy", "w", force_zip64=True) as member:
        member.write(_npy_header(array))
        for start in range(0, data.nbytes, _CHUNK):
            member.write(data[start : start + _CHUNK])


def write_file(prefix: str, metadata: dict, arrays: Iterable[tuple[str, np.ndarray]]) -> str:
    """Writes the archive for `prefix` atomically; returns its file name.

    `arrays` yields `(key, host array)` pairs; each becomes member `<key>.npy`.
    """
    final = data_path(prefix)
    document = json.dumps(metadata, indent=1, sort_keys=False).encode("utf-8")

    def write(file: Any) -> None:
        background = _BackgroundWriter(file)
        try:
            with zipfile.ZipFile(background, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
                archive.writestr(METADATA_MEMBER, document)
                for key, array in arrays:
                    _write_member(archive, key, array)
        finally:
            background.close()

    atomic_write(final, write)
    return final


class CheckpointReader:
    """Reads one checkpoint archive: metadata at once, tensors on demand.

    Example:
        >>> reader = CheckpointReader("./ckpt/-1")
        >>> reader.get_tensor("x")
        array(2., dtype=float32)
    """

    def __init__(self, prefix: str) -> None:
        self.path = data_path(prefix)
        if not os.path.isfile(self.path):
            raise errors.NotFoundError(
                None, None, f"Checkpoint: no checkpoint file {self.path!r} (prefix {prefix!r})."
            )
        self._file = open(self.path, "rb")  # noqa: SIM115 - closed by close()
        try:
            self._archive = zipfile.ZipFile(self._file)
            self.metadata = json.loads(self._archive.read(METADATA_MEMBER))
        except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
            self._file.close()
            raise errors.DataLossError(
                None, None, f"Checkpoint: {self.path!r} is not a readable checkpoint: {exc}"
            ) from exc
        if self.metadata.get("format") != FORMAT_NAME:
            self._file.close()
            raise errors.DataLossError(
                None, None, f"Checkpoint: {self.path!r} is not an eagerflow checkpoint."
            )
        self._members = {
            info.filename[: -len(".npy")]: info
            for info in self._archive.infolist()
            if info.filename.endswith(".npy")
        }

    def keys(self) -> list[str]:
        return list(self._members)

    def has_tensor(self, key: str) -> bool:
        return key in self._members

    def get_tensor(self, key: str) -> np.ndarray:
        """Reads one tensor straight from its stored bytes (no extra copy)."""
        info = self._members.get(key)
        if info is None:
            raise errors.NotFoundError(
                None, None, f"Checkpoint: key {key!r} not found in {self.path!r}."
            )
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
                None, None, f"Checkpoint: tensor {key!r} in {self.path!r} holds objects."
            )
        array = np.empty(shape, dtype=dtype, order="F" if fortran else "C")
        if array.nbytes:
            view = memoryview(array.reshape(-1, order="A")).cast("B")
            if file.readinto(view) != array.nbytes:
                raise errors.DataLossError(
                    None, None, f"Checkpoint: tensor {key!r} in {self.path!r} is truncated."
                )
        return array

    def close(self) -> None:
        self._archive.close()
        self._file.close()

    def __enter__(self) -> CheckpointReader:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

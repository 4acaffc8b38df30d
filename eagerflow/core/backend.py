"""Devices and their array namespaces: NumPy for `CPU:0`, CuPy for `GPU:n`.

A kernel receives the namespace as `xp`; nothing else in the package imports CuPy.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import numpy as np

from eagerflow.core import errors

_DEVICE_RE = re.compile(
    r"^/?(?:job:(?P<job>\w+)/?)?(?:replica:(?P<replica>\d+)/?)?(?:task:(?P<task>\d+)/?)?"
    r"(?:device:)?(?P<kind>cpu|gpu|CPU|GPU)?(?::(?P<index>\d+))?$"
)


class Device:
    """A placement target: a kind (`CPU`/`GPU`), an index and its array namespace."""

    __slots__ = ("kind", "index", "name", "xp")

    def __init__(self, kind: str, index: int, xp: Any) -> None:
        self.kind = kind
        self.index = index
        self.name = f"/job:localhost/replica:0/task:0/device:{kind}:{index}"
        self.xp = xp

    def __repr__(self) -> str:
        return f"Device({self.name!r})"


@cache
def _cupy() -> Any:
    """CuPy if it imports and sees at least one GPU, else None."""
    try:
        import cupy  # noqa: PLC0415  (optional GPU backend, imported on first need)

        if cupy.cuda.runtime.getDeviceCount() > 0:
            return cupy
    except Exception:  # noqa: BLE001  (any import/driver failure means "no GPU")
        return None
    return None


def num_gpus() -> int:
    cp = _cupy()
    return 0 if cp is None else int(cp.cuda.runtime.getDeviceCount())


CPU = Device("CPU", 0, np)


def _keep_freed_host_memory() -> None:
    """Lets glibc's malloc reuse freed array memory instead of handing it back to the OS.

    Eager kernels allocate fresh arrays of the same sizes every step. By default glibc serves
    large ones with mmap (or trims the heap top) and returns the pages on free, so each step
    faults them in again; in a VM a page fault costs microseconds, which made a convolution's
    input gradient ~5x slower than its arithmetic. TensorFlow's CPU allocator pools memory
    for the same reason. Skipped off glibc and when the user set glibc's own variables.
    """
    import ctypes  # noqa: PLC0415
    import os  # noqa: PLC0415

    if any(key.startswith("MALLOC_") for key in os.environ):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 64 << 20)  # arrays up to 64 MiB come from the reusable heap
    mallopt(m_trim_threshold, 512 << 20)  # keep up to 512 MiB of freed heap for reuse


_keep_freed_host_memory()


@cache
def _gpu(index: int) -> Device:
    return Device("GPU", index, _cupy())


def default_device() -> Device | None:
    """Where ops without a device scope run: GPU:0 when one is usable (TensorFlow offloads to
    the GPU automatically), else None, meaning "where the inputs are" (the CPU fast path).

    `EAGERFLOW_DEFAULT_DEVICE=CPU` keeps the CPU default on a GPU machine.
    """
    import os  # noqa: PLC0415

    if os.environ.get("EAGERFLOW_DEFAULT_DEVICE", "").upper().startswith("CPU"):
        return None
    return _gpu(0) if num_gpus() > 0 else None


def parse_device(spec: str | None) -> Device | None:
    """The Device named by a TF device string (`'/gpu:0'`, `'CPU:0'`, full names), or None.

    Asking for a GPU that does not exist falls back to the CPU under soft placement (TF's
    default in eager mode) and raises `InvalidArgumentError` when soft placement is off.
    """
    if spec is None or spec == "":
        return None
    if isinstance(spec, Device):
        return spec
    match = _DEVICE_RE.match(spec.strip())
    if match is None or match.group("kind") is None:
        raise ValueError(
            f"Invalid device specification {spec!r}: expected e.g. '/cpu:0' or 'GPU:1'."
        )
    kind = match.group("kind").upper()
    index = int(match.group("index") or 0)
    if kind == "CPU":
        return CPU
    if index < num_gpus():
        return _gpu(index)
    from eagerflow.core.context import CONFIG  # noqa: PLC0415  (avoid import cycle)

    if CONFIG.soft_device_placement:
        return CPU
    raise errors.InvalidArgumentError(
        None, None, f"Could not satisfy device specification {spec!r}: {num_gpus()} GPU(s) visible."
    )


def device_of(array: Any) -> Device:
    """The Device that holds a backend array."""
    if type(array) is np.ndarray:
        return CPU
    dev = getattr(array, "device", None)
    if dev is not None and hasattr(dev, "id"):
        return _gpu(int(dev.id))
    return CPU


def to_device(array: Any, device: Device) -> Any:
    """Copies `array` to `device` (no copy when it already lives there)."""
    if device.kind == "CPU":
        if type(array) is np.ndarray:
            return array
        return array.get() if hasattr(array, "get") else np.asarray(array)
    cp = device.xp
    if type(array) is cp.ndarray and array.device.id == device.index:
        return array  # already there: the common case on the GPU path, kept cheap
    with cp.cuda.Device(device.index):
        return cp.asarray(array)

"""`tf.device` scopes and device queries (`tf.config`, `tfe.num_gpus`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from eagerflow.core import backend
from eagerflow.core.context import state


@contextlib.contextmanager
def device(device_name: Any) -> Iterator[None]:
    """Places ops and new tensors/variables created in the block on `device_name`.

    Example:
        >>> with tf.device("/cpu:0"):
        ...     x = tf.constant(1.0)
        >>> x.device
        '/job:localhost/replica:0/task:0/device:CPU:0'
    """
    s = state()
    previous = s.device
    s.device = backend.parse_device(device_name) if device_name else None
    try:
        yield
    finally:
        s.device = previous


def num_gpus() -> int:
    """The number of GPUs eagerflow can use (CuPy sees them)."""
    return backend.num_gpus()


class PhysicalDevice:
    """A device as listed by `tf.config.list_physical_devices`."""

    def __init__(self, name: str, device_type: str) -> None:
        self.name = name
        self.device_type = device_type

    def __repr__(self) -> str:
        return f"PhysicalDevice(name='{self.name}', device_type='{self.device_type}')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PhysicalDevice) and (self.name, self.device_type) == (
            other.name,
            other.device_type,
        )

    def __hash__(self) -> int:
        return hash((self.name, self.device_type))


def list_physical_devices(device_type: str | None = None) -> list:
    """CPU:0 and one entry per visible GPU, filtered by `device_type` ('CPU' or 'GPU')."""
    found = [PhysicalDevice("/physical_device:CPU:0", "CPU")]
    found += [PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in range(num_gpus())]
    if device_type is None:
        return found
    return [d for d in found if d.device_type == device_type.upper()]


def is_gpu_available(cuda_only: bool = False, min_cuda_compute_capability: Any = None) -> bool:
    """True when at least one GPU is usable (`tf.test.is_gpu_available`)."""
    return num_gpus() > 0


def set_soft_device_placement(enabled: bool) -> None:
    from eagerflow.core.context import CONFIG  # noqa: PLC0415

    CONFIG.soft_device_placement = bool(enabled)


def get_soft_device_placement() -> bool:
    from eagerflow.core.context import CONFIG  # noqa: PLC0415

    return CONFIG.soft_device_placement

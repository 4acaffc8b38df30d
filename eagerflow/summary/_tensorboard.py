"""The optional `tensorboard` package, imported on first use with a clear error when missing.

Event files are written by TensorBoard's own `EventFileWriter` (record framing and checksums
included) from TensorBoard's protos; eagerflow never frames records itself.
"""

from __future__ import annotations

import importlib
from types import ModuleType

_INSTALL_HINT = (
    "eagerflow summaries need the `tensorboard` package to write event files: "
    "pip install eagerflow[tensorboard]  (or: pip install tensorboard)"
)


def require(module: str) -> ModuleType:
    """Imports `tensorboard.<module>`, raising ImportError with the install command."""
    try:
        return importlib.import_module(f"tensorboard.{module}")
    except ImportError as exc:
        raise ImportError(f"{_INSTALL_HINT}. ({exc})") from exc


def available() -> bool:
    try:
        require("compat.proto.event_pb2")
    except ImportError:
        return False
    return True

"""`Dataset.cache`: elements kept after the first complete pass, in memory or in a file.

A pass that is abandoned part way caches nothing. The file cache is `<filename>.index` (JSON:
element count and component dtypes) next to `<filename>.data`, a sequence of `.npy` records
written without pickle; both appear atomically (temporary files, then rename) when the first
pass completes, and later iterations, also in later runs, read them instead of the input.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

from eagerflow.data import _structure
from eagerflow.data._stage import Stage, close_iterator


def describe(element: Any) -> Any:
    """The nesting of an element as JSON data (namedtuples are marked, not rebuilt)."""
    if isinstance(element, dict):
        return {"dict": [[k, describe(v)] for k, v in element.items()]}
    if isinstance(element, tuple):
        kind = "namedtuple" if hasattr(element, "_fields") else "tuple"
        return {kind: [describe(v) for v in element]}
    return None


def rebuild(description: Any) -> Any:
    """A template with the described nesting, or None if it holds namedtuples."""
    if description is None:
        return 0
    if "dict" in description:
        items = [(k, rebuild(v)) for k, v in description["dict"]]
        return None if any(v is None for _, v in items) else dict(items)
    if "tuple" in description:
        children = [rebuild(v) for v in description["tuple"]]
        return None if any(c is None for c in children) else tuple(children)
    return None


def _string_kind(a: np.ndarray) -> str | None:
    """ "bytes" or "str" for string components (object arrays), else None."""
    if a.dtype.kind != "O":
        return None
    first = a.ravel()[0] if a.size else b""
    return "str" if isinstance(first, str) else "bytes"


def _encode(a: np.ndarray, kind: str | None) -> np.ndarray:
    if kind is None:
        return a
    # Strings are stored as fixed-width NumPy strings, so no record needs pickle.
    return np.array(a.tolist(), dtype=np.str_ if kind == "str" else np.bytes_).reshape(a.shape)


def _decode(a: np.ndarray, kind: str | None) -> np.ndarray:
    if kind is None:
        return a
    out = np.empty(a.shape, dtype=object)
    if a.size:
        out.ravel()[:] = a.ravel().tolist()
    return out


class CacheStage(Stage):
    name = "CacheDataset"
    passes_elements = True

    def __init__(self, input_stage: Stage, filename: str) -> None:
        super().__init__(input_stage)
        self.filename = filename
        self._elements: list | None = None
        self._lock = threading.Lock()

    def iterate(self) -> Iterator:
        if not self.filename:
            if self._elements is not None:
                return iter(self._elements)
            return self._recording_to_memory()
        if os.path.exists(self.filename + ".index"):
            return self._read_file()
        return self._recording_to_file()

    def _recording_to_memory(self) -> Iterator:
        elements = []
        source = self.input.iterate()
        try:
            for element in source:
                elements.append(element)
                yield element
        finally:
            close_iterator(source)
        with self._lock:
            if self._elements is None:
                self._elements = elements

    def _recording_to_file(self) -> Iterator:
        data_tmp = f"{self.filename}.data.tmp-{os.getpid()}-{threading.get_ident()}"
        count = 0
        strings: list | None = None
        structure = None
        complete = False
        source = self.input.iterate()
        try:
            with open(data_tmp, "wb") as f:
                for element in source:
                    flat = _structure.flatten(element)
                    if strings is None:
                        strings = [_string_kind(a) for a in flat]
                        structure = describe(element)
                    for a, kind in zip(flat, strings):
                        np.lib.format.write_array(f, _encode(a, kind), allow_pickle=False)
                    count += 1
                    yield element
            complete = True
        finally:
            close_iterator(source)
            if complete:
                os.replace(data_tmp, self.filename + ".data")
                index_tmp = data_tmp + ".index"
                with open(index_tmp, "w") as f:
                    index = {"count": count, "strings": strings or [], "structure": structure}
                    json.dump(index, f)
                os.replace(index_tmp, self.filename + ".index")
            elif os.path.exists(data_tmp):
                os.remove(data_tmp)

    def _read_file(self) -> Iterator:
        with open(self.filename + ".index") as f:
            index = json.load(f)
        template = rebuild(index["structure"])
        if template is None:  # namedtuples: their classes come from the pipeline's spec
            template = self.input.element_spec
        strings = index["strings"]
        with open(self.filename + ".data", "rb") as f:
            for _ in range(index["count"]):
                flat = [
                    _decode(np.lib.format.read_array(f, allow_pickle=False), s) for s in strings
                ]
                yield _structure.pack_as(template, flat)

"""`tf.print`: prints at run time (every call of a `tf.function`), unlike Python's `print`."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from eagerflow.core import nest
from eagerflow.core.context import state
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import no_gradient
from eagerflow.core.tensor import Tensor

_MARK = "\x00"


def _format(array: Any, summarize: int) -> str:
    array = np.asarray(array)
    if array.dtype == object:
        array = array.astype(str)
    if array.ndim == 0:
        value = array[()]
        return value.decode() if isinstance(value, bytes) else str(value)
    options = {"separator": " ", "max_line_width": 10**6}
    if summarize is not None and summarize >= 0:
        options.update(threshold=2 * summarize, edgeitems=summarize)
    else:
        options.update(threshold=sys.maxsize)
    return np.array2string(array, **options)


def _stream(name: Any) -> Any:
    if name == "stderr":
        return sys.stderr
    if name == "stdout":
        return sys.stdout
    return name


def _print_kernel(
    xp: Any, *arrays: Any, template: list, stream: Any, summarize: int, sep: str, end: str
) -> tuple:
    values = iter(arrays)
    parts = [_format(next(values), summarize) if p is _MARK else p for p in template]
    text = sep.join(parts) + end
    out = _stream(stream)
    if callable(out):
        out(text)
    else:
        out.write(text)
        if hasattr(out, "flush"):
            out.flush()
    return ()


PRINT = Primitive("PrintV2", _print_kernel, lambda *specs, **attrs: (), num_outputs=-1)
no_gradient("PrintV2")


def _leaf_text(x: Any) -> str:
    if isinstance(x, str):
        return x
    return str(x)


def print(  # noqa: A001  (TensorFlow's name)
    *inputs: Any,
    output_stream: Any = None,
    summarize: int = 3,
    sep: str = " ",
    end: str = "\n",
    name: str | None = None,
) -> Any:
    """Prints tensors and Python values when the op runs (each call of a `tf.function`).

    Tensors print like NumPy arrays, showing `summarize` items at each end of every axis
    (-1: everything). The default stream is standard error, as in TensorFlow.

    Example:
        >>> tf.print("loss:", tf.constant(0.25))
        loss: 0.25
    """
    if output_stream is None or output_stream is sys.stderr:
        stream: Any = "stderr"
    elif output_stream is sys.stdout:
        stream = "stdout"
    else:
        stream = output_stream
    tensors = []
    template = []
    for value in inputs:
        if isinstance(value, (Tensor, np.ndarray)) or hasattr(value, "_as_tensor"):
            from eagerflow.core.convert import convert_to_tensor  # noqa: PLC0415

            tensors.append(convert_to_tensor(value))
            template.append(_MARK)
        elif nest.is_nested(value) and any(isinstance(v, Tensor) for v in nest.flatten(value)):
            raise TypeError("tf.print: pass tensors as separate arguments, not nested.")
        else:
            template.append(_leaf_text(value))
    attrs = {
        "template": template,
        "stream": stream,
        "summarize": summarize,
        "sep": sep,
        "end": end,
    }
    execute(PRINT, tuple(tensors), attrs)
    graph = state().graph
    return None if graph is None else graph.nodes[-1]  # in a graph, the print op (as TF)

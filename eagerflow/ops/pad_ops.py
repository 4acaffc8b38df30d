"""Padding: `tf.pad` in CONSTANT, REFLECT and SYMMETRIC modes.

`PadV2`'s gradient is a slice of the incoming gradient; `MirrorPad` and `MirrorPadGrad` (which
folds the mirrored borders back onto the edge) are each other's gradients.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow.core import errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops.slicing_ops import apply_index, int_list


# -- pad ------------------------------------------------------------------------------------
def _padded_rule(x: TensorSpec, paddings: tuple, **attrs: Any) -> TensorSpec:
    dims = [None if n is None else n + b + a for n, (b, a) in zip(x.shape.as_list(), paddings)]
    return TensorSpec(dims, x.dtype)


def _pad_kernel(xp: Any, x: Any, paddings: tuple, constant_values: Any) -> Any:
    return xp.pad(x, paddings, mode="constant", constant_values=constant_values)


def _mirror_pad_kernel(xp: Any, x: Any, paddings: tuple, mode: str) -> Any:
    return xp.pad(x, paddings, mode="reflect" if mode == "REFLECT" else "symmetric")


def _mirror_pad_grad_kernel(xp: Any, g: Any, paddings: tuple, mode: str) -> Any:
    shift = 1 if mode == "REFLECT" else 0
    for axis, (before, after) in enumerate(paddings):
        if before == 0 and after == 0:
            continue
        g = xp.moveaxis(g, axis, 0)
        n = g.shape[0] - before - after
        center = g[before : before + n].copy()
        if before:
            center[shift : shift + before] += g[:before][::-1]
        if after:
            center[n - shift - after : n - shift] += g[before + n :][::-1]
        g = xp.moveaxis(center, 0, axis)
    return g


def _mirror_pad_grad_rule(g: TensorSpec, paddings: tuple, mode: str) -> TensorSpec:
    dims = [None if n is None else n - b - a for n, (b, a) in zip(g.shape.as_list(), paddings)]
    return TensorSpec(dims, g.dtype)


PAD = Primitive("PadV2", _pad_kernel, _padded_rule)
MIRROR_PAD = Primitive("MirrorPad", _mirror_pad_kernel, _padded_rule)
MIRROR_PAD_GRAD = Primitive("MirrorPadGrad", _mirror_pad_grad_kernel, _mirror_pad_grad_rule)


@RegisterGradient("PadV2")
def _pad_grad(op: Any, grad: Tensor) -> Tensor:
    index = tuple(("slice", b, -a if a else None, 1) for b, a in op.get_attr("paddings"))
    return apply_index(grad, index)


@RegisterGradient("MirrorPad")
def _mirror_pad_grad(op: Any, grad: Tensor) -> Tensor:
    attrs = {"paddings": op.get_attr("paddings"), "mode": op.get_attr("mode")}
    return execute(MIRROR_PAD_GRAD, (grad,), attrs)


@RegisterGradient("MirrorPadGrad")
def _mirror_pad_grad_grad(op: Any, grad: Tensor) -> Tensor:
    attrs = {"paddings": op.get_attr("paddings"), "mode": op.get_attr("mode")}
    return execute(MIRROR_PAD, (grad,), attrs)


def _paddings(paddings: Any, x: Tensor) -> tuple:
    flat = int_list(paddings, "Pad")
    if len(flat) != 2 * x.ndim:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"Pad: paddings must have shape [{x.ndim}, 2] for an input of shape {x.shape}, got "
            f"{np.asarray(paddings).tolist() if not isinstance(paddings, Tensor) else paddings}",
        )
    pairs = tuple((flat[2 * i], flat[2 * i + 1]) for i in range(x.ndim))
    if any(b < 0 or a < 0 for b, a in pairs):
        raise errors.InvalidArgumentError(
            None, None, f"Pad: paddings must be non-negative, got {[list(p) for p in pairs]}"
        )
    return pairs


def pad(
    tensor: Any, paddings: Any, mode: str = "CONSTANT", constant_values: Any = 0, name: Any = None
) -> Tensor:
    """Pads `tensor`: `paddings[d] = [before, after]` for each dimension `d`.

    `mode` is "CONSTANT" (fill with `constant_values`), "REFLECT" (mirror without the edge)
    or "SYMMETRIC" (mirror including the edge), case-insensitive.

    Example:
        >>> tf.pad(tf.constant([1, 2, 3]), [[1, 2]], "REFLECT").numpy()
        array([2, 1, 2, 3, 2, 1], dtype=int32)
    """
    x = convert_to_tensor(tensor)
    pairs = _paddings(paddings, x)
    mode = str(mode).upper()
    if mode == "CONSTANT":
        value = constant_values
        if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
            value = convert_to_tensor(value).numpy()
        value = np.asarray(value, dtype=x.dtype.as_numpy_dtype).item()
        return execute(PAD, (x,), {"paddings": pairs, "constant_values": value})
    if mode not in ("REFLECT", "SYMMETRIC"):
        raise ValueError(f"pad: mode must be CONSTANT, REFLECT or SYMMETRIC, got {mode!r}")
    limit = 0 if mode == "REFLECT" else 1
    for d, ((b, a), n) in enumerate(zip(pairs, x.shape.as_list())):
        if n is not None and (b > n - 1 + limit or a > n - 1 + limit):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"MirrorPad: paddings must be no greater than the dimension size"
                f"{' minus 1' if mode == 'REFLECT' else ''} in {mode} mode: got {[b, a]} for "
                f"dimension {d} of size {n}",
            )
    return execute(MIRROR_PAD, (x,), {"paddings": pairs, "mode": mode})

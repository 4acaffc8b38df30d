"""Cumulative sums and products along an axis (`cumsum`, `cumprod`; exclusive, reverse)."""

from __future__ import annotations

from typing import Any

from eagerflow.core import errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops.reduction_ops import normalize_axis


# -- cumulative sums and products --------------------------------------------------------------
def _cumulative(fn_name: str, identity: int) -> Any:
    def kernel(xp: Any, x: Any, axis: int, exclusive: bool, reverse: bool) -> Any:
        if reverse:
            x = xp.flip(x, axis)
        out = getattr(xp, fn_name)(x, axis=axis, dtype=x.dtype)
        if exclusive and x.shape[axis]:
            head = [slice(None)] * x.ndim
            head[axis] = slice(0, 1)
            body = [slice(None)] * x.ndim
            body[axis] = slice(0, -1)
            first = xp.full_like(x[tuple(head)], identity)
            out = xp.concatenate([first, out[tuple(body)]], axis=axis)
        return xp.flip(out, axis) if reverse else out

    return kernel


def _cumulative_rule(x: TensorSpec, **attrs: Any) -> TensorSpec:
    return TensorSpec(x.shape, x.dtype)


CUMSUM = Primitive("Cumsum", _cumulative("cumsum", 0), _cumulative_rule)
CUMPROD = Primitive("Cumprod", _cumulative("cumprod", 1), _cumulative_rule)


@RegisterGradient("Cumsum")
def _cumsum_grad(op: Any, grad: Tensor) -> Tensor:
    axis, exclusive, reverse = (op.get_attr(k) for k in ("axis", "exclusive", "reverse"))
    return cumsum(grad, axis, exclusive=exclusive, reverse=not reverse)


@RegisterGradient("Cumprod")
def _cumprod_grad(op: Any, grad: Tensor) -> Tensor:
    # As TF: divides by x, so the gradient is not defined where x is 0. Complex inputs: the
    # derivative prod / x is conjugated (TF's convention; TF's own Cumprod gradient omits it).
    from eagerflow.ops.complex_ops import conj_if_complex  # noqa: PLC0415
    from eagerflow.ops.math_ops import divide, multiply  # noqa: PLC0415

    x = op.inputs[0]
    axis, exclusive, reverse = (op.get_attr(k) for k in ("axis", "exclusive", "reverse"))
    prod = cumprod(x, axis, exclusive=exclusive, reverse=reverse)
    out = cumsum(
        multiply(conj_if_complex(prod), grad), axis, exclusive=exclusive, reverse=not reverse
    )
    return divide(out, conj_if_complex(x))


def _cumulative_op(prim: Primitive, x: Any, axis: Any, exclusive: bool, reverse: bool) -> Tensor:
    x = convert_to_tensor(x)
    if x.ndim == 0:
        raise errors.InvalidArgumentError(None, None, f"{prim.name}: input must be at least 1-D")
    (a,) = normalize_axis(prim.name, int(axis), x.ndim)
    attrs = {"axis": a, "exclusive": bool(exclusive), "reverse": bool(reverse)}
    return execute(prim, (x,), attrs)


def cumsum(
    x: Any, axis: Any = 0, exclusive: bool = False, reverse: bool = False, name: Any = None
) -> Tensor:
    """Cumulative sum along `axis`; `exclusive` starts at 0, `reverse` sums from the end.

    Example:
        >>> tf.cumsum(tf.constant([1, 2, 3]), exclusive=True).numpy()
        array([0, 1, 3], dtype=int32)
    """
    return _cumulative_op(CUMSUM, x, axis, exclusive, reverse)


def cumprod(
    x: Any, axis: Any = 0, exclusive: bool = False, reverse: bool = False, name: Any = None
) -> Tensor:
    """Cumulative product along `axis`; `exclusive` starts at 1, `reverse` runs from the end.

    Example:
        >>> tf.math.cumprod(tf.constant([1, 2, 3]), reverse=True).numpy()
        array([6, 6, 3], dtype=int32)
    """
    return _cumulative_op(CUMPROD, x, axis, exclusive, reverse)

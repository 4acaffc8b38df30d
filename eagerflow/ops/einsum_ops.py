"""`tf.einsum` and `tf.tensordot`, on one `Einsum` primitive.

The public function rewrites an equation into explicit form (ellipses spelled out as letters,
the implicit output made explicit), so the kernel, the shape rule and the gradient only ever
see plain labels. The gradient of each operand is another einsum of the output gradient with
the other operands; labels summed in that operand alone are broadcast back, repeated labels
(diagonals) are put back with an identity matrix, and broadcast size-1 dims are summed.
"""

from __future__ import annotations

import math
import string
from typing import Any

from eagerflow.core import errors
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor
from eagerflow.core.tensor_spec import TensorSpec

_LETTERS = string.ascii_letters


# Below this many multiply-adds the plain einsum loop beats planning a BLAS contraction order.
_PLAN_ABOVE = 1 << 15


def _einsum_kernel(xp: Any, *operands: Any, equation: str) -> Any:
    optimize = False
    if len(operands) > 1:
        sizes: dict = {}
        for labels, operand in zip(equation.split("->")[0].split(","), operands):
            for label, dim in zip(labels, operand.shape):
                sizes[label] = max(sizes.get(label, 1), dim)
        optimize = math.prod(sizes.values()) > _PLAN_ABOVE
    return xp.einsum(equation, *operands, optimize=optimize)


def _split(equation: str) -> tuple:
    inputs, output = equation.split("->")
    return inputs.split(","), output


def _einsum_rule(*specs: TensorSpec, equation: str) -> TensorSpec:
    inputs, output = _split(equation)
    sizes: dict = {}
    for labels, spec in zip(inputs, specs):
        for label, dim in zip(labels, spec.shape.as_list()):
            if sizes.get(label, 1) == 1:
                sizes[label] = dim
            elif sizes[label] is None and dim not in (None, 1):
                sizes[label] = dim
    return TensorSpec([sizes.get(label, 1) for label in output], specs[0].dtype)


EINSUM = Primitive("Einsum", _einsum_kernel, _einsum_rule)


@RegisterGradient("Einsum")
def _einsum_grad(op: Any, grad: Tensor) -> list:
    inputs, output = _split(op.get_attr("equation"))
    operands = op.inputs
    if grad.dtype.is_complex:
        # TF's convention for complex values: the gradient is conjugated.
        from eagerflow.ops.complex_ops import conj  # noqa: PLC0415

        operands = [conj(t) for t in operands]
    grads = []
    for i, x in enumerate(operands):
        if i in getattr(op, "skip_input_indices", ()):
            grads.append(None)
            continue
        others = [(labels, t) for j, (labels, t) in enumerate(zip(inputs, operands)) if j != i]
        grads.append(_operand_grad(grad, output, inputs[i], x, others))
    return grads


def _operand_grad(grad: Tensor, output: str, labels: str, x: Tensor, others: list) -> Tensor:
    from eagerflow.ops.array_ops import broadcast_to, reshape  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    unique = "".join(dict.fromkeys(labels))
    reachable = set(output).union(*[set(lab) for lab, _ in others])
    kept = "".join(label for label in unique if label in reachable)
    equation = ",".join([output] + [lab for lab, _ in others]) + "->" + kept
    g = execute(EINSUM, (grad, *[t for _, t in others]), {"equation": equation})
    dims = x.shape.as_list()
    size = {label: dims[labels.index(label)] for label in unique}
    if kept != unique and None in dims and unique == labels:
        # Labels summed in this operand alone, of unknown size (tracing): insert and broadcast.
        from eagerflow.ops.array_ops import expand_dims, ones_like  # noqa: PLC0415
        from eagerflow.ops.math_ops import multiply  # noqa: PLC0415

        for k, label in enumerate(unique):
            if label not in kept:
                g = expand_dims(g, k)
        g = multiply(g, ones_like(x))
    elif kept != unique:
        # Labels summed in this operand alone: the gradient is constant along them.
        got = dict(zip(kept, g.shape.as_list()))
        g = reshape(g, [got[label] if label in got else 1 for label in unique])
        g = broadcast_to(g, [got.get(label, size[label]) for label in unique])
    if unique != labels:
        g = _undiagonal(g, unique, labels, size)
    # Size-1 dims of x that broadcast against larger ones in the other operands.
    shrink = [k for k, (a, b) in enumerate(zip(g.shape.as_list(), dims)) if b == 1 and a != 1]
    if shrink:
        g = reduce_sum(g, shrink, keepdims=True)
    return g


def _undiagonal(g: Tensor, unique: str, labels: str, size: dict) -> Tensor:
    """Puts a gradient over `unique` labels back onto the diagonals of repeated `labels`."""
    from eagerflow.ops.matrix_ops import eye  # noqa: PLC0415

    free = iter(c for c in _LETTERS if c not in labels)
    seen: set = set()
    spelled, eyes = [], []
    for label in labels:
        if label in seen:
            fresh = next(free)
            spelled.append(fresh)
            eyes.append((label + fresh, eye(size[label], dtype=g.dtype)))
        else:
            seen.add(label)
            spelled.append(label)
    equation = ",".join([unique] + [e for e, _ in eyes]) + "->" + "".join(spelled)
    return execute(EINSUM, (g, *[t for _, t in eyes]), {"equation": equation})


def _explicit(equation: str, ranks: list) -> str:
    """Spells out ellipses as letters and the implicit output; validates the labels."""
    equation = equation.replace(" ", "")
    lhs, arrow, out = equation.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(ranks):
        raise ValueError(
            f"Einsum: the equation {equation!r} has {len(inputs)} inputs but {len(ranks)} "
            f"operands were given"
        )
    for part in inputs + [out]:
        rest = part.replace("...", "")
        if any(c not in _LETTERS for c in rest):
            raise ValueError(f"Einsum: invalid subscripts {part!r} in equation {equation!r}")
    free = [c for c in _LETTERS if c not in equation]
    widths = []
    for labels, rank in zip(inputs, ranks):
        named = len(labels.replace("...", ""))
        width = rank - named if "..." in labels else 0
        if width < 0 or ("..." not in labels and named != rank):
            raise ValueError(
                f"Einsum: subscripts {labels!r} do not match an operand of rank {rank} "
                f"in equation {equation!r}"
            )
        widths.append(width)
    ellipsis = "".join(free[: max(widths, default=0)])
    inputs = [
        labels.replace("...", ellipsis[len(ellipsis) - w :] if w else "")
        for labels, w in zip(inputs, widths)
    ]
    if arrow:
        out = out.replace("...", ellipsis)
    else:
        counts: dict = {}
        for labels in inputs:
            for c in labels:
                counts[c] = counts.get(c, 0) + 1
        out = ellipsis + "".join(
            sorted(c for c, n in counts.items() if n == 1 and c not in ellipsis)
        )
    return ",".join(inputs) + "->" + out


def einsum(equation: str, *inputs: Any, **kwargs: Any) -> Tensor:
    """Tensor contraction over the index labels of `equation` (NumPy's einsum notation).

    Example:
        >>> tf.einsum("ij,jk->ik", tf.ones([2, 3]), tf.ones([3, 4])).shape
        TensorShape([2, 4])
    """
    unknown = set(kwargs) - {"name", "optimize"}
    if unknown:
        raise TypeError(f"einsum: unexpected keyword arguments {sorted(unknown)}")
    if len(inputs) == 1 and isinstance(inputs[0], (list, tuple)):
        inputs = tuple(inputs[0])
    tensors = [convert_to_tensor(t) for t in inputs]
    if not tensors:
        raise ValueError("Einsum: at least one operand is required")
    for i, t in enumerate(tensors[1:], 1):
        if t.dtype is not tensors[0].dtype:
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Einsum: all operands must have one dtype: inputs[0] is {tensors[0].dtype.name}"
                f", inputs[{i}] is {t.dtype.name}",
            )
    explicit = _explicit(equation, [t.ndim for t in tensors])
    _check_sizes(explicit, tensors)
    return execute(EINSUM, tuple(tensors), {"equation": explicit})


def _check_sizes(equation: str, tensors: list) -> None:
    inputs, output = _split(equation)
    sizes: dict = {}
    for labels, t in zip(inputs, tensors):
        for label, dim in zip(labels, t.shape.as_list()):
            if dim is None or dim == 1:
                continue
            if sizes.setdefault(label, dim) != dim:
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"Einsum: label {label!r} has sizes {sizes[label]} and {dim} in "
                    f"{equation!r} (shapes {[str(t.shape) for t in tensors]})",
                )
    for label in output:
        if not any(label in labels for labels in inputs):
            raise ValueError(f"Einsum: output label {label!r} of {equation!r} is in no input")


def _tensordot_axes(axes: Any, rank_a: int, rank_b: int) -> tuple:
    if isinstance(axes, Tensor):
        axes = axes.numpy().tolist()
    if isinstance(axes, int) or hasattr(axes, "__index__"):
        n = int(axes)
        if n < 0 or n > min(rank_a, rank_b):
            raise ValueError(
                f"tensordot: `axes` = {n} must be between 0 and the ranks {rank_a}, {rank_b}"
            )
        return list(range(rank_a - n, rank_a)), list(range(n))
    axes = list(axes)
    if len(axes) != 2:
        raise ValueError(f"tensordot: `axes` must be an int or a pair of axis lists, got {axes}")
    a_axes, b_axes = ([a] if isinstance(a, int) else list(a) for a in axes)
    if len(a_axes) != len(b_axes):
        raise ValueError(f"tensordot: different numbers of axes for a and b: {a_axes} and {b_axes}")
    return [int(a) % rank_a for a in a_axes], [int(b) % rank_b for b in b_axes]


def tensordot(a: Any, b: Any, axes: Any, name: Any = None) -> Tensor:
    """Contracts `axes` of a with `axes` of b (an int N: the last N of a, the first N of b).

    Example:
        >>> tf.tensordot(tf.ones([2, 3]), tf.ones([3, 4]), axes=1).shape
        TensorShape([2, 4])
    """
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    a_axes, b_axes = _tensordot_axes(axes, a.ndim, b.ndim)
    a_labels = list(_LETTERS[: a.ndim])
    b_labels = list(_LETTERS[a.ndim : a.ndim + b.ndim])
    for i, j in zip(a_axes, b_axes):
        b_labels[j] = a_labels[i]
    out = [c for k, c in enumerate(a_labels) if k not in a_axes]
    out += [c for k, c in enumerate(b_labels) if k not in b_axes]
    equation = "".join(a_labels) + "," + "".join(b_labels) + "->" + "".join(out)
    return einsum(equation, a, b)

"""Matrix construction and structure: eye, diag, diag_part, trace, norm.

Matrix products, inverse and determinant are in `linalg_ops.py`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from eagerflow.core import dtypes, errors
from eagerflow.core.context import state
from eagerflow.core.convert import convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor, wrap
from eagerflow.core.tensor_spec import TensorSpec


def eye(
    num_rows: int,
    num_columns: int | None = None,
    batch_shape: Any = None,
    dtype: Any = dtypes.float32,
    name: Any = None,
) -> Tensor:
    """An identity matrix (or a batch of them) of shape `batch_shape + [rows, columns]`.

    Example:
        >>> tf.eye(2).numpy()
        array([[1., 0.],
               [0., 1.]], dtype=float32)
    """
    rows = int(num_rows)
    cols = rows if num_columns is None else int(num_columns)
    batch = [] if batch_shape is None else [int(d) for d in batch_shape]
    dtype = dtypes.as_dtype(dtype)
    device = state().device
    xp = np if device is None else device.xp
    matrix = xp.eye(rows, cols, dtype=dtype._np)
    return wrap(xp.broadcast_to(matrix, batch + [rows, cols]).copy() if batch else matrix)


# -- diag and diag_part (TF's MatrixDiagV3 / MatrixDiagPartV3, one diagonal k) -----------------
def _diag_geometry(length: int, k: int, num_rows: int, num_cols: int) -> tuple:
    # TF: a missing size is the smallest that fits; both missing gives a square matrix.
    min_rows, min_cols = length + max(-k, 0), length + max(k, 0)
    if num_rows < 0 and num_cols < 0:
        num_rows = num_cols = max(min_rows, min_cols)
    elif num_rows < 0:
        num_rows = min_rows
    elif num_cols < 0:
        num_cols = min_cols
    return num_rows, num_cols


def _diag_length(rows: int, cols: int, k: int) -> int:
    return max(0, min(rows - max(-k, 0), cols - max(k, 0)))


def _matrix_diag_kernel(xp: Any, x: Any, k: int, num_rows: int, num_cols: int, padding: Any) -> Any:
    out = xp.full(x.shape[:-1] + (num_rows, num_cols), padding, dtype=x.dtype)
    i = xp.arange(_diag_length(num_rows, num_cols, k))
    out[..., i + max(-k, 0), i + max(k, 0)] = x[..., : i.shape[0]]
    return out


def _matrix_diag_rule(
    x: TensorSpec, k: int, num_rows: int, num_cols: int, padding: Any
) -> TensorSpec:
    return TensorSpec(x.shape[:-1].concatenate([num_rows, num_cols]), x.dtype)


def _matrix_diag_part_kernel(xp: Any, x: Any, k: int) -> Any:
    return xp.diagonal(x, offset=k, axis1=-2, axis2=-1).copy()


def _matrix_diag_part_rule(x: TensorSpec, k: int) -> TensorSpec:
    rows, cols = x.shape.as_list()[-2:]
    length = None if rows is None or cols is None else _diag_length(rows, cols, k)
    return TensorSpec(x.shape[:-2].concatenate([length]), x.dtype)


MATRIX_DIAG = Primitive("MatrixDiagV3", _matrix_diag_kernel, _matrix_diag_rule)
MATRIX_DIAG_PART = Primitive("MatrixDiagPartV3", _matrix_diag_part_kernel, _matrix_diag_part_rule)


@RegisterGradient("MatrixDiagV3")
def _matrix_diag_grad(op: Any, grad: Tensor) -> Tensor:
    return diag_part(grad, k=op.get_attr("k"))


@RegisterGradient("MatrixDiagPartV3")
def _matrix_diag_part_grad(op: Any, grad: Tensor) -> Tensor:
    rows, cols = op.inputs[0].shape.as_list()[-2:]
    return diag(grad, k=op.get_attr("k"), num_rows=rows, num_cols=cols)


def _single_k(op: str, k: Any) -> int:
    if isinstance(k, Tensor):
        k = k.numpy().tolist()
    if isinstance(k, (list, tuple)):
        if len(k) == 2 and k[0] == k[1]:
            return int(k[0])
        raise errors.UnimplementedError(
            None, None, f"{op}: only a single diagonal `k` is supported, got {k}"
        )
    return int(k)


def diag(
    diagonal: Any,
    name: str = "diag",
    k: Any = 0,
    num_rows: int = -1,
    num_cols: int = -1,
    padding_value: Any = 0,
    align: str = "RIGHT_LEFT",
) -> Tensor:
    """A (batch of) matrices with `diagonal` on diagonal `k` and `padding_value` elsewhere.

    Example:
        >>> tf.linalg.diag(tf.constant([1, 2])).numpy()
        array([[1, 0],
               [0, 2]], dtype=int32)
    """
    x = convert_to_tensor(diagonal)
    if x.ndim < 1:
        raise ValueError(f"diag: `diagonal` must be at least rank 1, got shape {x.shape}")
    k = _single_k("MatrixDiagV3", k)
    length = x.shape[-1]
    rows, cols = _diag_geometry(length, k, int(num_rows), int(num_cols))
    if _diag_length(rows, cols, k) != length:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"MatrixDiagV3: a diagonal of length {length} does not fit diagonal k={k} of a "
            f"{rows}x{cols} matrix",
        )
    padding = np.asarray(padding_value, dtype=x.dtype._np).item()
    attrs = {"k": k, "num_rows": rows, "num_cols": cols, "padding": padding}
    return execute(MATRIX_DIAG, (x,), attrs)


def diag_part(
    input: Any,  # noqa: A002 (TF's name)
    name: str = "diag_part",
    k: Any = 0,
    padding_value: Any = 0,
    align: str = "RIGHT_LEFT",
) -> Tensor:
    """Diagonal `k` of each matrix in the last two dims.

    Example:
        >>> tf.linalg.diag_part(tf.constant([[1, 2], [3, 4]])).numpy()
        array([1, 4], dtype=int32)
    """
    x = convert_to_tensor(input)
    if x.ndim < 2:
        raise ValueError(f"diag_part: `input` must be at least rank 2, got shape {x.shape}")
    return execute(MATRIX_DIAG_PART, (x,), {"k": _single_k("MatrixDiagPartV3", k)})


def trace(x: Any, name: Any = None) -> Tensor:
    """Sum of the main diagonal of each matrix in the last two dims.

    Example:
        >>> tf.linalg.trace(tf.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
        5.0
    """
    from eagerflow.ops.reduction_ops import reduce_sum  # noqa: PLC0415

    return reduce_sum(diag_part(x), -1)


def compat_v1_diag(diagonal: Any, name: Any = None) -> Tensor:
    """TF1's `tf.diag`: a rank-2k tensor with `diagonal` (rank k) on its diagonal.

    Example:
        >>> tf.compat.v1.diag([1, 2]).numpy()
        array([[1, 0],
               [0, 2]], dtype=int32)
    """
    from eagerflow.ops.array_ops import reshape  # noqa: PLC0415

    x = convert_to_tensor(diagonal)
    dims = x.shape.as_list()
    return reshape(diag(reshape(x, [-1])), dims + dims)


def compat_v1_diag_part(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    """TF1's `tf.diag_part`: the inverse of `tf.diag`, for a rank-2k input.

    Example:
        >>> tf.compat.v1.diag_part([[1, 0], [0, 2]]).numpy()
        array([1, 2], dtype=int32)
    """
    from eagerflow.ops.array_ops import reshape  # noqa: PLC0415

    x = convert_to_tensor(input)
    dims = x.shape.as_list()
    half = len(dims) // 2
    if len(dims) % 2 or dims[:half] != dims[half:]:
        raise errors.InvalidArgumentError(
            None, None, f"DiagPart: input must have shape [D1..Dk, D1..Dk], got {x.shape}"
        )
    n = math.prod(dims[:half])
    return reshape(diag_part(reshape(x, [n, n])), dims[:half])


# -- norm ---------------------------------------------------------------------------------------
_VECTOR_ORDS = ("euclidean", "fro", 1, 2, np.inf)
_MATRIX_ORDS = ("euclidean", "fro", 1, np.inf)


def _norm_axes(axis: Any, rank: int) -> tuple:
    if isinstance(axis, Tensor):
        axis = axis.numpy().tolist()
    if axis is None:
        return None, False
    if isinstance(axis, (list, tuple)):
        if len(axis) == 1:
            axis = axis[0]
        elif len(axis) == 2:
            a, b = (int(v) % rank for v in axis)
            if a == b:
                raise ValueError(f"norm: `axis` must name two different axes, got {axis}")
            return (a, b), True
        else:
            raise ValueError(f"norm: `axis` must be an int or a pair of ints, got {axis}")
    return (int(axis) % rank,), False


def norm(
    tensor: Any,
    ord: Any = "euclidean",  # noqa: A002 (TF's name)
    axis: Any = None,
    keepdims: Any = None,
    name: Any = None,
) -> Tensor:
    """Vector or matrix norm (`tf.norm`, `tf.linalg.norm`).

    `axis=None` takes the whole tensor as one vector; an int gives vector norms along it; a
    pair of ints gives matrix norms over those two axes. `ord` is 'euclidean' / 'fro', 1, 2,
    `np.inf` or any p > 0 for vectors; 'euclidean' / 'fro', 1 or `np.inf` for matrices (the
    spectral norm, ord=2 on matrices, is not supported).

    Example:
        >>> tf.norm(tf.constant([3.0, 4.0])).numpy()
        5.0
    """
    from eagerflow.ops.array_ops import squeeze  # noqa: PLC0415
    from eagerflow.ops.complex_ops import conj  # noqa: PLC0415
    from eagerflow.ops.math_ops import multiply, pow  # noqa: PLC0415
    from eagerflow.ops.math_unary_ops import abs, sqrt  # noqa: PLC0415
    from eagerflow.ops.reduction_ops import reduce_max, reduce_sum  # noqa: PLC0415

    x = convert_to_tensor(tensor)
    axes, is_matrix = _norm_axes(axis, max(x.ndim, 1))
    valid = _MATRIX_ORDS if is_matrix else _VECTOR_ORDS
    is_p = not is_matrix and not isinstance(ord, str) and isinstance(ord, (int, float))
    if not (ord in valid or (is_p and ord > 0)):
        raise ValueError(
            f"norm: 'ord' must be one of {list(valid)}"
            f"{' or a positive number' if not is_matrix else ''} for "
            f"{'matrix' if is_matrix else 'vector'} norms, got {ord!r}"
        )
    if ord == "fro" and not is_matrix and axes is not None:
        raise ValueError("norm: 'fro' is a matrix norm: give `axis` as None or a pair of ints")
    if is_matrix and ord in (1, np.inf):
        rows, cols = axes if ord == 1 else axes[::-1]
        sums = reduce_sum(abs(x), rows, keepdims=True)
        result = reduce_max(sums, cols, keepdims=True)
    elif ord in ("euclidean", "fro", 2):
        # As TF: complex inputs give the (real) norm in their complex dtype.
        result = sqrt(reduce_sum(multiply(x, conj(x)), axes, keepdims=True))
    elif ord == 1:
        result = reduce_sum(abs(x), axes, keepdims=True)
    elif ord == np.inf:
        result = reduce_max(abs(x), axes, keepdims=True)
    else:
        magnitude = abs(x)
        summed = reduce_sum(pow(magnitude, float(ord)), axes, keepdims=True)
        result = pow(summed, 1.0 / float(ord))
    if keepdims:
        return result
    return squeeze(result, list(range(x.ndim) if axes is None else axes))


matrix_diag = diag
matrix_diag_part = diag_part

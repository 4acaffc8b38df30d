"""Matrix products and linear algebra."""

from __future__ import annotations

from typing import Any

from eagerflow.core import errors
from eagerflow.core.convert import binary_operands, convert_to_tensor
from eagerflow.core.dispatch import Primitive, execute
from eagerflow.core.gradient_registry import RegisterGradient
from eagerflow.core.tensor import Tensor, override_operator
from eagerflow.core.tensor_shape import TensorShape
from eagerflow.core.tensor_spec import TensorSpec
from eagerflow.ops import _shape_rules as rules


def _matmul_kernel(xp: Any, a: Any, b: Any, transpose_a: bool, transpose_b: bool) -> Any:
    if transpose_a:
        a = xp.swapaxes(a, -1, -2)
    if transpose_b:
        b = xp.swapaxes(b, -1, -2)
    return xp.matmul(a, b)


def _matmul_dims(a: list, b: list, transpose_a: bool, transpose_b: bool) -> tuple:
    m, k = (a[-1], a[-2]) if transpose_a else (a[-2], a[-1])
    k2, n = (b[-1], b[-2]) if transpose_b else (b[-2], b[-1])
    return m, k, k2, n


def _matmul_rule(a: TensorSpec, b: TensorSpec, transpose_a: bool, transpose_b: bool) -> TensorSpec:
    if a.shape.rank is None or b.shape.rank is None:
        return TensorSpec(TensorShape(None), a.dtype)
    da, db = a.shape.as_list(), b.shape.as_list()
    m, k, k2, n = _matmul_dims(da, db, transpose_a, transpose_b)
    if k is not None and k2 is not None and k != k2:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"MatMul: inner dimensions do not match: a is {a.shape}, b is {b.shape}"
            f" (transpose_a={transpose_a}, transpose_b={transpose_b})",
        )
    batch = rules.broadcast_shapes("MatMul", TensorShape(da[:-2]), TensorShape(db[:-2]))
    return TensorSpec(batch.concatenate([m, n]), a.dtype)


MATMUL = Primitive("MatMul", _matmul_kernel, _matmul_rule)


@RegisterGradient("MatMul")
def _matmul_grad(op: Any, grad: Tensor) -> list:
    from eagerflow.ops._broadcasting import unbroadcast  # noqa: PLC0415

    a, b = a_in, b_in = op.inputs
    ta, tb = op.get_attr("transpose_a"), op.get_attr("transpose_b")
    if a.dtype.is_complex:
        # TF's convention for complex values: the gradient is conjugated.
        from eagerflow.ops.complex_ops import conj  # noqa: PLC0415

        a, b = conj(a), conj(b)
    # Each product only when its input needs a gradient (a network's input batch does not).
    skip = op.skip_input_indices
    ga = gb = None
    if 0 not in skip:
        if not ta:
            ga = matmul(grad, b, transpose_b=not tb)
        else:
            ga = matmul(b, grad, transpose_a=tb, transpose_b=True)
        ga = unbroadcast(ga, a_in)
    if 1 not in skip:
        if not tb:
            gb = matmul(a, grad, transpose_a=not ta)
        else:
            gb = matmul(grad, a, transpose_a=True, transpose_b=ta)
        gb = unbroadcast(gb, b_in)
    return [ga, gb]


def matmul(
    a: Any,
    b: Any,
    transpose_a: bool = False,
    transpose_b: bool = False,
    adjoint_a: bool = False,
    adjoint_b: bool = False,
    a_is_sparse: bool = False,
    b_is_sparse: bool = False,
    output_type: Any = None,
    grad_a: bool = False,
    grad_b: bool = False,
    name: Any = None,
) -> Tensor:
    """Multiplies matrices `a @ b` (batched over leading dims, which broadcast).

    Example:
        >>> tf.matmul([[2.0]], [[2.0]]).numpy()
        array([[4.]], dtype=float32)
    """
    a, b = binary_operands("MatMul", a, b)
    if a.ndim < 2 or b.ndim < 2:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"MatMul: both inputs must be at least rank 2: a is {a.shape}, b is {b.shape}",
        )
    if adjoint_a or adjoint_b:
        from eagerflow.ops.complex_ops import conj  # noqa: PLC0415

        a = conj(a) if adjoint_a and a.dtype.is_complex else a
        b = conj(b) if adjoint_b and b.dtype.is_complex else b
    attrs = {
        "transpose_a": bool(transpose_a or adjoint_a),
        "transpose_b": bool(transpose_b or adjoint_b),
    }
    if not _plain_matrices_agree(a, b, attrs["transpose_a"], attrs["transpose_b"]):
        _matmul_rule(a, b, **attrs)  # raises the op-named error before the kernel would
    return execute(MATMUL, (a, b), attrs)


def _plain_matrices_agree(a: Tensor, b: Tensor, transpose_a: bool, transpose_b: bool) -> bool:
    """True for concrete rank-2 inputs whose inner dimensions match: the common eager case,
    checked on raw shapes; anything else (batches, symbolic tensors) goes to the shape rule."""
    av, bv = a._value, b._value
    if av is None or bv is None or av.ndim != 2 or bv.ndim != 2:
        return False
    return av.shape[0 if transpose_a else 1] == bv.shape[1 if transpose_b else 0]


override_operator("__matmul__", matmul)
override_operator("__rmatmul__", lambda self, other: matmul(other, self))


# -- inverse and determinant ---------------------------------------------------------------------
def _linalg_call(op: str, fn: Any, a: Any) -> Any:
    try:
        return fn(a)
    except Exception as exc:
        if type(exc).__name__ != "LinAlgError":
            raise
        raise errors.InvalidArgumentError(
            None, None, f"{op}: input is not invertible (shape {a.shape}): {exc}"
        ) from None


def _inverse_kernel(xp: Any, a: Any, adjoint: bool) -> Any:
    if adjoint:
        a = xp.conj(xp.swapaxes(a, -1, -2))
    out = _linalg_call("MatrixInverse", xp.linalg.inv, a)
    # CuPy does not report singular inputs; a non-finite inverse of a finite input is one.
    if not bool(xp.isfinite(out).all()) and bool(xp.isfinite(a).all()):
        raise errors.InvalidArgumentError(
            None, None, f"MatrixInverse: input is not invertible (shape {a.shape})"
        )
    return out


def _determinant_rule(a: TensorSpec) -> TensorSpec:
    return TensorSpec(a.shape[:-2], a.dtype)


MATRIX_INVERSE = Primitive("MatrixInverse", _inverse_kernel, rules.unary)
MATRIX_DETERMINANT = Primitive(
    "MatrixDeterminant", lambda xp, a: xp.linalg.det(a), _determinant_rule
)


@RegisterGradient("MatrixInverse")
def _matrix_inverse_grad(op: Any, grad: Tensor) -> Tensor:
    # d(A^-1) = -A^-1 dA A^-1, so dA = -A^-T g A^-T (adjoint: the transpose of that).
    from eagerflow.ops.math_ops import negative  # noqa: PLC0415

    ainv = op.outputs[0]
    g = negative(matmul(ainv, matmul(grad, ainv, adjoint_b=True), adjoint_a=True))
    return matrix_transpose(g, conjugate=True) if op.get_attr("adjoint") else g


@RegisterGradient("MatrixDeterminant")
def _matrix_determinant_grad(op: Any, grad: Tensor) -> Tensor:
    # d det(A) / dA = det(A) A^-T; complex inputs take its conjugate, conj(det(A)) A^-H (TF's
    # convention; TF's own gradient leaves det(A) unconjugated).
    from eagerflow.ops.array_ops import reshape  # noqa: PLC0415
    from eagerflow.ops.complex_ops import conj_if_complex  # noqa: PLC0415
    from eagerflow.ops.math_ops import multiply  # noqa: PLC0415

    a, c = op.inputs[0], op.outputs[0]
    scale = reshape(multiply(grad, conj_if_complex(c)), c.shape.as_list() + [1, 1])
    return multiply(scale, matrix_transpose(inv(a), conjugate=a.dtype.is_complex))


def _check_square(op: str, a: Tensor) -> None:
    dims = a.shape.as_list()
    if len(dims) < 2 or (dims[-1] is not None and dims[-1] != dims[-2]):
        raise errors.InvalidArgumentError(
            None, None, f"{op}: input must be a (batch of) square matrices, got shape {a.shape}"
        )
    if not a.dtype.is_floating and not a.dtype.is_complex:
        raise errors.InvalidArgumentError(
            None, None, f"{op}: input must be floating-point or complex, got {a.dtype.name}"
        )


def inv(input: Any, adjoint: bool = False, name: Any = None) -> Tensor:  # noqa: A002
    """Inverse of each square matrix in the last two dims (`tf.linalg.inv`).

    Raises InvalidArgumentError for a singular matrix.

    Example:
        >>> tf.linalg.inv(tf.constant([[2.0, 0.0], [0.0, 4.0]])).numpy()
        array([[0.5 , 0.  ],
               [0.  , 0.25]], dtype=float32)
    """
    a = convert_to_tensor(input)
    _check_square("MatrixInverse", a)
    return execute(MATRIX_INVERSE, (a,), {"adjoint": bool(adjoint)})


def det(input: Any, name: Any = None) -> Tensor:  # noqa: A002
    """Determinant of each square matrix in the last two dims (`tf.linalg.det`).

    Example:
        >>> tf.linalg.det(tf.constant([[1.0, 2.0], [3.0, 4.0]])).numpy()
        -2.0
    """
    a = convert_to_tensor(input)
    _check_square("MatrixDeterminant", a)
    return execute(MATRIX_DETERMINANT, (a,))


def matrix_transpose(a: Any, name: str = "matrix_transpose", conjugate: bool = False) -> Tensor:
    """Transposes the last two dims of `a` (`tf.linalg.matrix_transpose`).

    Example:
        >>> tf.linalg.matrix_transpose(tf.zeros([5, 2, 3])).shape
        TensorShape([5, 3, 2])
    """
    from eagerflow.ops.array_ops import transpose  # noqa: PLC0415

    x = convert_to_tensor(a)
    if x.ndim < 2:
        raise ValueError(f"matrix_transpose: `a` must be at least rank 2, got shape {x.shape}")
    perm = list(range(x.ndim - 2)) + [x.ndim - 1, x.ndim - 2]
    return transpose(x, perm, conjugate=conjugate)


def adjoint(matrix: Any, name: Any = None) -> Tensor:
    """Conjugate transpose of the last two dims (`tf.linalg.adjoint`); for a real tensor, the
    transpose.

    Example:
        >>> tf.linalg.adjoint(tf.constant([[1 + 1j, 2 - 1j]])).numpy()
        array([[1.-1.j],
               [2.+1.j]])
    """
    return matrix_transpose(matrix, conjugate=True)


matrix_inverse = inv
matrix_determinant = det

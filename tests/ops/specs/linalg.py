"""Op specs: matrix products (linalg_ops.py)."""

import numpy as np

import eagerflow as tf
from tests.ops.op_spec import Arg, OpSpec

SPECS = [
    OpSpec("matmul", tf.matmul, np.matmul, (Arg((3, 4)), Arg((4, 2)))),
    OpSpec(
        "matmul_transpose_a",
        lambda a, b: tf.matmul(a, b, transpose_a=True),
        lambda a, b: a.T @ b,
        (Arg((4, 3)), Arg((4, 2))),
    ),
    OpSpec(
        "matmul_transpose_b",
        lambda a, b: tf.matmul(a, b, transpose_b=True),
        lambda a, b: a @ b.T,
        (Arg((3, 4)), Arg((2, 4))),
    ),
    OpSpec(
        "matmul_transpose_both",
        lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
        lambda a, b: a.T @ b.T,
        (Arg((4, 3)), Arg((2, 4))),
    ),
    OpSpec("matmul_batched_broadcast", tf.matmul, np.matmul, (Arg((2, 3, 4)), Arg((4, 5)))),
    OpSpec("matmul_operator", lambda a, b: a @ b, np.matmul, (Arg((3, 4)), Arg((4, 2)))),
]


def _well_conditioned(a):
    """Shifts a random matrix toward the identity so inverses and determinants stay tame."""
    n = a.shape[-1]
    return a + 3.0 * np.eye(n, dtype=a.dtype)


SPECS += [
    OpSpec(
        "adjoint",
        tf.linalg.adjoint,
        lambda a: np.conj(np.swapaxes(a, -1, -2)),
        (Arg((2, 3, 4)),),
    ),
]

SPECS += [
    OpSpec(
        "einsum_matmul",
        lambda a, b: tf.einsum("ij,jk->ik", a, b),
        np.matmul,
        (Arg((3, 4)), Arg((4, 2))),
    ),
    OpSpec(
        "einsum_batch_ellipsis",
        lambda a, b: tf.einsum("...ij,...jk->...ik", a, b),
        lambda a, b: np.einsum("...ij,...jk->...ik", a, b),
        (Arg((2, 3, 4)), Arg((4, 5))),
    ),
    OpSpec(
        "einsum_implicit_output",
        lambda a, b: tf.einsum("ij,kj", a, b),
        lambda a, b: np.einsum("ij,kj", a, b),
        (Arg((3, 4)), Arg((2, 4))),
    ),
    OpSpec(
        "einsum_sum_only_in_one",
        lambda a, b: tf.einsum("ijk,j->i", a, b),
        lambda a, b: np.einsum("ijk,j->i", a, b),
        (Arg((2, 3, 4)), Arg((3,))),
    ),
    OpSpec(
        "einsum_trace_and_outer",
        lambda a, b: tf.einsum("ii,j->j", a, b),
        lambda a, b: np.einsum("ii,j->j", a, b),
        (Arg((3, 3)), Arg((4,))),
    ),
    OpSpec(
        "einsum_diagonal",
        lambda a: tf.einsum("bii->bi", a),
        lambda a: np.einsum("bii->bi", a),
        (Arg((2, 3, 3)),),
    ),
    OpSpec(
        "einsum_broadcast_size_one",
        lambda a, b: tf.einsum("...i,...i->...", a, b),
        lambda a, b: np.einsum("...i,...i->...", a, b),
        (Arg((1, 4)), Arg((3, 4))),
    ),
    OpSpec(
        "einsum_three_operands",
        lambda a, b, c: tf.einsum("ij,jk,kl->il", a, b, c),
        lambda a, b, c: np.einsum("ij,jk,kl->il", a, b, c),
        (Arg((2, 3)), Arg((3, 4)), Arg((4, 2))),
    ),
    OpSpec(
        "tensordot_int",
        lambda a, b: tf.tensordot(a, b, axes=2),
        lambda a, b: np.tensordot(a, b, axes=2),
        (Arg((2, 3, 4)), Arg((3, 4, 5))),
    ),
    OpSpec(
        "tensordot_pairs",
        lambda a, b: tf.tensordot(a, b, axes=[[0, 2], [2, 0]]),
        lambda a, b: np.tensordot(a, b, axes=[[0, 2], [2, 0]]),
        (Arg((2, 3, 4)), Arg((4, 5, 2))),
    ),
    OpSpec(
        "tensordot_outer",
        lambda a, b: tf.tensordot(a, b, axes=0),
        lambda a, b: np.tensordot(a, b, axes=0),
        (Arg((2,)), Arg((3,))),
    ),
    OpSpec(
        "inv",
        lambda a: tf.linalg.inv(a + 3.0 * tf.eye(3, dtype=a.dtype)),
        lambda a: np.linalg.inv(_well_conditioned(a)),
        (Arg((2, 3, 3)),),
        rtol=1e-4,
    ),
    OpSpec(
        "inv_adjoint",
        lambda a: tf.linalg.inv(a + 3.0 * tf.eye(3, dtype=a.dtype), adjoint=True),
        lambda a: np.linalg.inv(np.conj(np.swapaxes(_well_conditioned(a), -1, -2))),
        (Arg((3, 3)),),
        rtol=1e-4,
    ),
    OpSpec(
        "det",
        lambda a: tf.linalg.det(a + 3.0 * tf.eye(3, dtype=a.dtype)),
        lambda a: np.linalg.det(_well_conditioned(a)),
        (Arg((2, 3, 3)),),
        rtol=1e-4,
    ),
    OpSpec(
        "matrix_transpose",
        tf.linalg.matrix_transpose,
        lambda a: np.swapaxes(a, -1, -2),
        (Arg((2, 3, 4)),),
    ),
    OpSpec(
        "diag",
        tf.linalg.diag,
        lambda d: d[..., :, None] * np.eye(d.shape[-1], dtype=d.dtype),
        (Arg((2, 3)),),
    ),
    OpSpec(
        "diag_offset_rectangular",
        lambda d: tf.linalg.diag(d, k=1, num_rows=3, num_cols=4),
        lambda d: np.pad(np.diag(d, k=1), [(0, 0), (0, 0)])[:3, :4],
        (Arg((3,)),),
    ),
    OpSpec(
        "diag_part",
        tf.linalg.diag_part,
        lambda a: np.diagonal(a, axis1=-2, axis2=-1),
        (Arg((2, 3, 4)),),
    ),
    OpSpec(
        "diag_part_offset",
        lambda a: tf.linalg.diag_part(a, k=-1),
        lambda a: np.diagonal(a, offset=-1, axis1=-2, axis2=-1),
        (Arg((4, 3)),),
    ),
    OpSpec("trace", tf.linalg.trace, lambda a: np.trace(a, axis1=-2, axis2=-1), (Arg((2, 3, 3)),)),
    OpSpec(
        "compat_v1_diag_rank2",
        lambda d: tf.linalg.diag_part(tf.reshape(tf.compat.v1.diag(d), [6, 6])),
        lambda d: d.reshape(-1),
        (Arg((2, 3)),),
    ),
]

# -- norms ---------------------------------------------------------------------------------
AWAY = Arg((3, 4), low=0.3, high=2.0)  # |x| has a kink at 0
SIGNED = Arg((3, 4), low=-2.0, high=2.0)


def _norm(x, **kwargs):
    """tf.norm, checking TF's result dtype: a complex input's euclidean / Frobenius / vector
    2-norm stays in the complex dtype (TF computes sqrt(sum(x * conj(x))))."""
    n = tf.norm(x, **kwargs)
    assert n.dtype == x.dtype, (n.dtype, x.dtype)
    return n


SPECS += [
    OpSpec("norm_euclidean_all", _norm, lambda x: np.linalg.norm(x.ravel()), (SIGNED,)),
    OpSpec(
        "norm_euclidean_axis",
        lambda x: _norm(x, axis=1, keepdims=True),
        lambda x: np.linalg.norm(x, axis=1, keepdims=True),
        (SIGNED,),
    ),
    OpSpec(
        "norm_1_axis",
        lambda x: tf.norm(-x, ord=1, axis=0),
        lambda x: np.linalg.norm(x, ord=1, axis=0),
        (AWAY,),
    ),
    OpSpec(
        "norm_inf_vector",
        lambda x: tf.norm(x, ord=np.inf, axis=-1),
        lambda x: np.linalg.norm(x, ord=np.inf, axis=-1),
        (SIGNED,),
    ),
    OpSpec(
        "norm_2_vector",
        lambda x: _norm(x, ord=2, axis=0),
        lambda x: np.linalg.norm(x, ord=2, axis=0),
        (SIGNED,),
    ),
    OpSpec(
        "norm_p3",
        lambda x: tf.norm(x, ord=3, axis=1),
        lambda x: np.linalg.norm(x, ord=3, axis=1),
        (AWAY,),
    ),
    OpSpec(
        "norm_fro_matrix",
        lambda x: _norm(x, ord="fro", axis=[-2, -1]),
        lambda x: np.linalg.norm(x, ord="fro", axis=(-2, -1)),
        (Arg((2, 3, 4)),),
    ),
    OpSpec(
        "norm_1_matrix",
        lambda x: tf.norm(x, ord=1, axis=(0, 1)),
        lambda x: np.linalg.norm(x, ord=1, axis=(0, 1)),
        (AWAY,),
    ),
    OpSpec(
        "norm_inf_matrix",
        lambda x: tf.linalg.norm(x, ord=np.inf, axis=(0, 1)),
        lambda x: np.linalg.norm(x, ord=np.inf, axis=(0, 1)),
        (AWAY,),
    ),
]


def _spd(a):
    """A Hermitian (real: symmetric) positive definite matrix from any square one."""
    return a @ np.conj(np.swapaxes(a, -1, -2)) + 3.0 * np.eye(a.shape[-1], dtype=a.dtype)


def _tf_spd(a):
    n = a.shape[-1]
    return tf.matmul(a, a, adjoint_b=True) + 3.0 * tf.eye(n, dtype=a.dtype)


# -- solves and factorizations (decomposition_ops.py) -------------------------------------------
SPECS += [
    OpSpec(
        "solve",
        lambda a, b: tf.linalg.solve(a + 3.0 * tf.eye(3, dtype=a.dtype), b),
        lambda a, b: np.linalg.solve(_well_conditioned(a), b),
        (Arg((2, 3, 3)), Arg((2, 3, 2))),
        rtol=1e-4,
    ),
    OpSpec(
        "solve_adjoint",
        lambda a, b: tf.linalg.solve(a + 3.0 * tf.eye(3, dtype=a.dtype), b, adjoint=True),
        lambda a, b: np.linalg.solve(_well_conditioned(a).conj().T, b),
        (Arg((3, 3)), Arg((3, 1))),
        rtol=1e-4,
    ),
    OpSpec(
        "cholesky",
        lambda a: tf.linalg.cholesky(_tf_spd(a)),
        lambda a: np.linalg.cholesky(_spd(a)),
        (Arg((2, 3, 3)),),
        rtol=1e-4,
    ),
    OpSpec(
        "slogdet",
        lambda a: list(tf.linalg.slogdet(a + 3.0 * tf.eye(3, dtype=a.dtype) * tf.sign(a[0, 0]))),
        lambda a: list(
            np.linalg.slogdet(_well_conditioned(a * np.sign(a[0, 0])) * np.sign(a[0, 0]))
        ),
        (Arg((3, 3)),),
        rtol=1e-4,
        complex=False,  # sign(a[0, 0]) is piecewise constant for real inputs only
    ),
    # Complex inputs: the sign is a phase, exp(i arg det), differentiable like log|det|.
    OpSpec(
        "slogdet_shifted",
        lambda a: list(tf.linalg.slogdet(a + 3.0 * tf.eye(3, dtype=a.dtype))),
        lambda a: list(np.linalg.slogdet(_well_conditioned(a))),
        (Arg((2, 3, 3)),),
        rtol=1e-4,
    ),
    OpSpec(
        "logdet",
        lambda a: tf.linalg.logdet(_tf_spd(a)),
        lambda a: np.linalg.slogdet(_spd(a))[1],
        (Arg((2, 3, 3)),),
        rtol=1e-4,
    ),
    OpSpec(
        "band_part",
        lambda a: tf.linalg.band_part(a, 1, 0),
        lambda a: np.tril(np.triu(a, -1)),
        (Arg((2, 3, 4)),),
    ),
]

SPECS += [
    OpSpec(
        "matmul_complex",
        lambda a, b: tf.math.real(
            tf.matmul(tf.complex(a, b), tf.complex(b, a), adjoint_b=True)
            * tf.math.conj(tf.complex(a, a))
        ),
        lambda a, b: np.real(((a + 1j * b) @ (b + 1j * a).conj().T) * (a - 1j * a)),
        (Arg((3, 3)), Arg((3, 3))),
    ),
]

SPECS += [
    OpSpec(
        "einsum_complex",
        lambda a, b: tf.math.real(
            tf.einsum("ij,jk->ik", tf.complex(a, b), tf.complex(b, a)) * tf.complex(a, a)
        ),
        lambda a, b: np.real(((a + 1j * b) @ (b + 1j * a)) * (a + 1j * a)),
        (Arg((3, 3)), Arg((3, 3))),
    ),
]


def _canonical_eigh(a):
    """eigh of a Hermitian (real: symmetric) input, each eigenvector's phase (real: sign) fixed
    so its first entry is real and positive: v * conj(v0) / |v0|, smooth in the input."""
    e, v = tf.linalg.eigh(
        a
        + tf.linalg.matrix_transpose(a, conjugate=True)
        + tf.linalg.diag(tf.constant([0.0, 2.0, 4.0], a.dtype))
    )
    assert e.dtype == a.dtype, (e.dtype, a.dtype)  # as TF: complex inputs, complex (real) values
    first = v[..., :1, :]
    return [e, v * tf.math.conj(first) / tf.cast(tf.abs(first), v.dtype)]


def _np_canonical_eigh(a):
    shift = np.diag([0.0, 2.0, 4.0]).astype(a.dtype)
    e, v = np.linalg.eigh(a + np.conj(np.swapaxes(a, -1, -2)) + shift)
    first = v[..., :1, :]
    return [e, v * np.conj(first) / np.abs(first)]


SPECS += [
    OpSpec(
        "triangular_solve_lower",
        lambda a, b: tf.linalg.triangular_solve(a + 3.0 * tf.eye(3, dtype=a.dtype), b),
        lambda a, b: np.linalg.solve(np.tril(_well_conditioned(a)), b),
        (Arg((2, 3, 3)), Arg((2, 3, 2))),
        rtol=1e-4,
    ),
    OpSpec(
        "triangular_solve_upper_adjoint",
        lambda a, b: tf.linalg.triangular_solve(
            a + 3.0 * tf.eye(3, dtype=a.dtype), b, lower=False, adjoint=True
        ),
        lambda a, b: np.linalg.solve(np.triu(_well_conditioned(a)).conj().T, b),
        (Arg((3, 3)), Arg((3, 2))),
        rtol=1e-4,
    ),
    OpSpec(
        "eigh",
        _canonical_eigh,
        _np_canonical_eigh,
        (Arg((3, 3), low=-0.3, high=0.3),),
        rtol=1e-4,
        atol=1e-4,
    ),
    OpSpec(
        "set_diag",
        lambda a, d: tf.linalg.set_diag(a, d, k=1),
        lambda a, d: a - np.diag(np.diag(a, 1), 1)[:3, :4] + np.diag(d, 1)[:3, :4],
        (Arg((3, 4)), Arg((3,))),
    ),
]

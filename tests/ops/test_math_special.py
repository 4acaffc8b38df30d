"""Special cases of the math, reduction and linalg families that the op table cannot express:
dtype rules and errors, tie-breaking gradients, integer semantics, operators."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf


def _grad(fn, *values):
    xs = [tf.constant(np.asarray(v, dtype=np.float64)) for v in values]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = fn(*xs)
    grads = tape.gradient(y, xs)
    return [None if g is None else g.numpy() for g in grads]


# -- dtype rules ---------------------------------------------------------------------------------
def test_mixed_dtypes_raise_naming_both() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="int32.*float32"):
        tf.constant(1) + tf.constant(1.0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="float32.*float64"):
        tf.maximum(tf.constant(1.0), tf.constant(1.0, tf.float64))


def test_python_scalars_adopt_the_tensor_dtype() -> None:
    x = tf.constant([1.0, 2.0], tf.float64)
    assert (x * 0.1).dtype == tf.float64
    assert (x * 0.1).numpy()[0] == 0.1  # the exact double, not a float32 rounding
    assert (tf.constant([1, 2], tf.int64) + 1).dtype == tf.int64
    assert tf.pow(tf.constant([2.0], tf.float16), 2).dtype == tf.float16
    assert (2 ** tf.constant([3], tf.int64)).dtype == tf.int64
    with pytest.raises(TypeError):
        tf.constant([1, 2]) + 0.5


def test_integer_true_division_gives_float64() -> None:
    out = tf.constant([3, 4]) / tf.constant([2, 2])
    assert out.dtype == tf.float64
    np.testing.assert_array_equal(out.numpy(), [1.5, 2.0])
    assert (tf.constant([3], tf.int16) / 2).dtype == tf.float32


def test_tf1_div_floors_integers_only() -> None:
    np.testing.assert_array_equal(tf.compat.v1.div(tf.constant([-7, 7]), 2).numpy(), [-4, 3])
    np.testing.assert_allclose(tf.compat.v1.div(tf.constant([-7.0]), 2.0).numpy(), [-3.5])


def test_reduce_mean_of_integers_truncates() -> None:
    assert tf.reduce_mean(tf.constant([1, 2])).numpy() == 1
    assert tf.reduce_mean(tf.constant([1, 2])).dtype == tf.int32
    assert tf.reduce_mean(tf.constant([-1, -2])).numpy() == -1  # toward zero, not floor


def test_reductions_keep_integer_dtypes() -> None:
    x = tf.constant([[1, 2], [3, 4]])
    for fn in (tf.reduce_sum, tf.reduce_prod, tf.reduce_max, tf.reduce_min):
        assert fn(x, axis=0).dtype == tf.int32
    assert tf.cumsum(x, axis=1).dtype == tf.int32
    assert tf.math.cumprod(x).dtype == tf.int32


def test_argmax_is_int64_by_default_and_first_on_ties() -> None:
    x = tf.constant([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    out = tf.argmax(x, axis=1)
    assert out.dtype == tf.int64
    np.testing.assert_array_equal(out.numpy(), [1, 0])
    assert tf.argmin(x, axis=-1, output_type=tf.int32).dtype == tf.int32
    np.testing.assert_array_equal(tf.argmax(x).numpy(), [1, 0, 0])  # axis None means 0


def test_float_only_ops_reject_integers() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="Sqrt.*int32"):
        tf.sqrt(tf.constant(4))
    with pytest.raises(tf.errors.InvalidArgumentError, match="LogicalAnd.*float32"):
        tf.logical_and(tf.constant(1.0), tf.constant(0.0))


def test_integer_pow_to_negative_power_raises() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="negative"):
        tf.pow(tf.constant([2]), -1)
    np.testing.assert_array_equal(tf.pow(tf.constant([2, 3]), 2).numpy(), [4, 9])


# -- gradients with ties and kinks ----------------------------------------------------------------
def test_maximum_minimum_ties_send_the_gradient_to_x() -> None:
    gx, gy = _grad(lambda x, y: tf.reduce_sum(tf.maximum(x, y)), [1.0, 2.0], [1.0, 0.0])
    np.testing.assert_array_equal(gx, [1.0, 1.0])
    np.testing.assert_array_equal(gy, [0.0, 0.0])
    gx, gy = _grad(lambda x, y: tf.reduce_sum(tf.minimum(x, y)), [1.0, 2.0], [1.0, 0.0])
    np.testing.assert_array_equal(gx, [1.0, 0.0])
    np.testing.assert_array_equal(gy, [0.0, 1.0])


def test_reduce_max_splits_the_gradient_among_ties() -> None:
    (g,) = _grad(lambda x: tf.reduce_max(x), [1.0, 3.0, 3.0, 0.0])
    np.testing.assert_array_equal(g, [0.0, 0.5, 0.5, 0.0])
    (g,) = _grad(lambda x: tf.reduce_sum(tf.reduce_min(x, axis=1)), [[1.0, 1.0], [2.0, 0.0]])
    np.testing.assert_array_equal(g, [[0.5, 0.5], [0.0, 1.0]])


def test_reduce_prod_gradient_with_zeros() -> None:
    (g,) = _grad(lambda x: tf.reduce_prod(x), [2.0, 0.0, 3.0])
    np.testing.assert_array_equal(g, [0.0, 6.0, 0.0])
    (g,) = _grad(lambda x: tf.reduce_prod(x), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.0])


def test_pow_gradient_wrt_exponent_is_zero_for_non_positive_base() -> None:
    gx, gy = _grad(lambda x, y: tf.reduce_sum(tf.pow(x, y)), [0.0, -2.0, 2.0], [2.0, 2.0, 2.0])
    np.testing.assert_allclose(gx, [0.0, -4.0, 4.0])
    np.testing.assert_allclose(gy, [0.0, 0.0, 4.0 * np.log(2.0)])


def test_divide_no_nan_gradient_is_finite_at_zero() -> None:
    gx, gy = _grad(lambda x, y: tf.reduce_sum(tf.math.divide_no_nan(x, y)), [1.0, 2.0], [0.0, 2.0])
    np.testing.assert_allclose(gx, [0.0, 0.5])
    np.testing.assert_allclose(gy, [0.0, -0.5])


def test_abs_of_integer_has_no_gradient_path_but_works() -> None:
    np.testing.assert_array_equal(abs(tf.constant([-3, 2])).numpy(), [3, 2])


def test_higher_order_lgamma_chain() -> None:
    x = tf.constant(2.5, tf.float64)
    with tf.GradientTape() as t3:
        t3.watch(x)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = tf.math.lgamma(x)
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    from scipy import special

    np.testing.assert_allclose(
        [float(d1), float(d2), float(d3)],
        [special.digamma(2.5), special.polygamma(1, 2.5), special.polygamma(2, 2.5)],
        rtol=1e-10,
    )


# -- values at special points ------------------------------------------------------------------
def test_round_is_bankers_rounding() -> None:
    x = tf.constant([0.5, 1.5, 2.5, -0.5, -1.5, 2.4])
    np.testing.assert_array_equal(tf.round(x).numpy(), [0.0, 2.0, 2.0, -0.0, -2.0, 2.0])
    np.testing.assert_array_equal(tf.round(tf.constant([3])).numpy(), [3])


def test_logsumexp_handles_infinities() -> None:
    out = tf.reduce_logsumexp(tf.constant([[-np.inf, -np.inf], [np.inf, 1.0], [1000.0, 1000.0]]), 1)
    np.testing.assert_allclose(out.numpy(), [-np.inf, np.inf, 1000.0 + np.log(2.0)])


def test_lgamma_at_poles_and_sigmoid_extremes() -> None:
    assert np.isinf(tf.math.lgamma(tf.constant([0.0, -2.0])).numpy()).all()
    np.testing.assert_array_equal(tf.sigmoid(tf.constant([-1000.0, 1000.0])).numpy(), [0.0, 1.0])


def test_predicates() -> None:
    x = tf.constant([1.0, np.nan, np.inf, -np.inf])
    np.testing.assert_array_equal(tf.math.is_nan(x).numpy(), [False, True, False, False])
    np.testing.assert_array_equal(tf.math.is_inf(x).numpy(), [False, False, True, True])
    np.testing.assert_array_equal(tf.math.is_finite(x).numpy(), [True, False, False, False])


# -- logical and bitwise operators ---------------------------------------------------------------
def test_operators_are_logical_for_bool_and_bitwise_for_ints() -> None:
    a, b = tf.constant([True, True, False]), tf.constant([True, False, False])
    np.testing.assert_array_equal((a & b).numpy(), [True, False, False])
    np.testing.assert_array_equal((a | b).numpy(), [True, True, False])
    np.testing.assert_array_equal((a ^ b).numpy(), [False, True, False])
    np.testing.assert_array_equal((~a).numpy(), [False, False, True])
    np.testing.assert_array_equal((True & b).numpy(), [True, False, False])
    i = tf.constant([12, 5])
    np.testing.assert_array_equal((i & 10).numpy(), [8, 0])
    np.testing.assert_array_equal((10 | i).numpy(), [14, 15])
    np.testing.assert_array_equal((i ^ 1).numpy(), [13, 4])
    np.testing.assert_array_equal((~i).numpy(), [-13, -6])
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.constant([1.0]) & tf.constant([1.0])


def test_pow_and_abs_operators() -> None:
    x = tf.constant([-2.0, 3.0])
    np.testing.assert_array_equal((x**2).numpy(), [4.0, 9.0])
    np.testing.assert_array_equal((2.0**x).numpy(), [0.25, 8.0])
    np.testing.assert_array_equal(abs(x).numpy(), [2.0, 3.0])
    v = tf.Variable([1.0, -2.0])
    np.testing.assert_array_equal((v**2).numpy(), [1.0, 4.0])


# -- reductions: axis forms and top_k --------------------------------------------------------------
@pytest.mark.parametrize("axis", [1, -1, [1], (1,), tf.constant(1), tf.constant([-1])])
def test_axis_forms(axis) -> None:
    x = tf.constant([[1.0, 5.0], [7.0, 2.0]])
    np.testing.assert_array_equal(tf.reduce_max(x, axis=axis).numpy(), [5.0, 7.0])


def test_invalid_axis_names_the_op() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="Max.*2"):
        tf.reduce_max(tf.constant([[1.0]]), axis=2)


def test_top_k_is_sorted_stable_and_named() -> None:
    result = tf.math.top_k(tf.constant([1.0, 3.0, 3.0, 2.0]), k=3)
    np.testing.assert_array_equal(result.values.numpy(), [3.0, 3.0, 2.0])
    np.testing.assert_array_equal(result.indices.numpy(), [1, 2, 3])
    assert result.indices.dtype == tf.int32
    with pytest.raises(tf.errors.InvalidArgumentError, match="k=5"):
        tf.math.top_k(tf.constant([1.0, 2.0]), k=5)


def test_count_nonzero_and_any_all() -> None:
    assert tf.math.count_nonzero(tf.constant([0, 1, 2, 0])).dtype == tf.int64
    assert int(tf.math.count_nonzero(tf.constant([0.0, 1.5]))) == 1
    assert bool(tf.reduce_any(tf.constant([False, True])))
    with pytest.raises(tf.errors.InvalidArgumentError, match="bool"):
        tf.reduce_all(tf.constant([1.0]))


# -- linalg ------------------------------------------------------------------------------------
def test_inv_of_singular_matrix_raises() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="not invertible"):
        tf.linalg.inv(tf.constant([[1.0, 2.0], [2.0, 4.0]]))


def test_eye_and_batch_shape() -> None:
    e = tf.eye(2, 3, batch_shape=[4], dtype=tf.int32)
    assert e.shape == (4, 2, 3) and e.dtype == tf.int32
    np.testing.assert_array_equal(e.numpy()[1], np.eye(2, 3))


def test_einsum_errors_name_the_equation() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="ij,jk"):
        tf.einsum("ij,jk->ik", tf.ones([2, 3]), tf.ones([4, 2]))
    with pytest.raises(ValueError, match="rank"):
        tf.einsum("ij->i", tf.ones([2, 3, 4]))


def test_norm_rejects_unsupported_orders() -> None:
    with pytest.raises(ValueError, match="ord"):
        tf.norm(tf.ones([2, 2]), ord=2, axis=[0, 1])
    with pytest.raises(ValueError, match="ord"):
        tf.norm(tf.ones([2]), ord=-1)


def test_tf1_names() -> None:
    v1 = tf.compat.v1
    np.testing.assert_allclose(v1.rsqrt(4.0).numpy(), 0.5)
    np.testing.assert_allclose(v1.squared_difference(3.0, 1.0).numpy(), 4.0)
    np.testing.assert_array_equal(v1.diag([1, 2]).numpy(), [[1, 0], [0, 2]])
    np.testing.assert_array_equal(v1.diag_part([[1, 0], [0, 2]]).numpy(), [1, 2])
    assert tf.log is not None and tf.rsqrt is v1.rsqrt and tf.matrix_inverse is tf.linalg.inv


def test_tf1_reduction_signatures() -> None:
    v1 = tf.compat.v1
    x = tf.constant([[1.0, 2.0], [3.0, 5.0]])
    out = v1.reduce_sum(x, reduction_indices=[1], keep_dims=True)
    np.testing.assert_array_equal(out.numpy(), [[3.0], [8.0]])
    assert v1.reduce_mean(x, 0, True).shape == (1, 2)
    np.testing.assert_array_equal(v1.argmax(x, dimension=0).numpy(), [1, 1])
    np.testing.assert_array_equal(v1.arg_min(x, 1).numpy(), [0, 0])
    assert int(v1.count_nonzero(input=tf.constant([0, 3]))) == 1
    with pytest.raises(ValueError, match="keep_dims"):
        v1.reduce_max(x, keepdims=True, keep_dims=True)


def test_truncating_integer_division() -> None:
    x, y = tf.constant([-7, 7, -6, 7, -7]), tf.constant([2, 2, 3, -2, -2])
    np.testing.assert_array_equal(tf.truncatediv(x, y).numpy(), [-3, 3, -2, -3, 3])
    np.testing.assert_array_equal(tf.truncatemod(x, y).numpy(), [-1, 1, 0, 1, -1])
    assert tf.truncatediv(x, y).dtype == tf.int32


def test_empty_max_and_min_give_the_dtype_extremes() -> None:
    assert tf.reduce_max(tf.zeros([0])).numpy() == np.finfo(np.float32).min  # not -inf
    np.testing.assert_array_equal(
        tf.reduce_min(tf.zeros([2, 0], tf.int32), axis=1).numpy(), [2**31 - 1] * 2
    )
    assert tf.reduce_max(tf.zeros([0, 3]), axis=0, keepdims=True).shape == (1, 3)


def test_reduce_mean_empty_and_half_precision() -> None:
    assert np.isnan(tf.reduce_mean(tf.zeros([0])).numpy())
    half = tf.reduce_mean(tf.fill([4096], tf.constant(1.0, tf.float16)))
    assert half.dtype == tf.float16 and half.numpy() == 1.0  # float16 sums would saturate


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: tf.reduce_sum(x, 1),
        lambda x: tf.reduce_mean(x),
        lambda x: tf.reduce_max(x, 0),
        lambda x: tf.reduce_prod(x, 1),
        lambda x: tf.math.reduce_std(x, 0),
        lambda x: tf.einsum("ij->j", x),
        lambda x: tf.math.top_k(x, 2).values,
        lambda x: tf.math.cumprod(x, 0, exclusive=True),
    ],
    ids=["sum", "mean", "max", "prod", "std", "einsum", "top_k", "cumprod"],
)
def test_gradients_traced_with_unknown_dims(fn) -> None:
    x = tf.constant(np.random.default_rng(0).uniform(0.5, 1.5, size=(3, 4)))

    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(fn(x))
        return tape.gradient(y, x)

    traced = tf.function(grad, input_signature=[tf.TensorSpec([None, 4], tf.float64)])
    np.testing.assert_allclose(traced(x).numpy(), grad(x).numpy(), rtol=1e-12)


def test_segment_edge_cases() -> None:
    empty_max = tf.math.unsorted_segment_max(tf.constant([1.0]), [0], 2).numpy()
    assert empty_max[1] == np.finfo(np.float32).min  # lowest, not -inf, as TF
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_segments"):
        tf.math.unsorted_segment_sum(tf.constant([1.0, 2.0]), [0, 5], 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="sorted"):
        tf.math.segment_sum(tf.constant([1.0, 2.0]), [1, 0])
    (g,) = _grad(
        lambda x: tf.reduce_sum(tf.math.unsorted_segment_max(x, [0, 0, 1], 2)), [2.0, 2.0, 1.0]
    )
    np.testing.assert_array_equal(g, [0.5, 0.5, 1.0])


def test_bincount_and_confusion_matrix() -> None:
    np.testing.assert_array_equal(
        tf.math.bincount([1, 1, 3], minlength=6).numpy(), [0, 2, 0, 1, 0, 0]
    )
    np.testing.assert_array_equal(tf.math.bincount([1, 1, 3], maxlength=2).numpy(), [0, 2])
    weighted = tf.math.bincount([0, 2], weights=tf.constant([0.5, 2.0]))
    assert weighted.dtype == tf.float32
    np.testing.assert_array_equal(weighted.numpy(), [0.5, 0.0, 2.0])
    cm = tf.math.confusion_matrix(
        [0, 1, 1], [0, 0, 1], num_classes=3, weights=[1.0, 2.0, 3.0], dtype=tf.float32
    )
    np.testing.assert_array_equal(cm.numpy(), [[1, 0, 0], [2, 3, 0], [0, 0, 0]])


def test_top_k_partition_path_breaks_ties_like_a_stable_sort() -> None:
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.int32, np.uint8):
        x = rng.integers(0, 4, size=(5, 64)).astype(dtype)
        values, indices = tf.math.top_k(x, 3)  # 8 * k < n: the partition path
        want = np.argsort(-x.astype(np.float64), axis=-1, kind="stable")[:, :3]
        np.testing.assert_array_equal(indices.numpy(), want)
        np.testing.assert_array_equal(values.numpy(), np.take_along_axis(x, want, -1))
    lowest = tf.constant([np.iinfo(np.int32).min, 0, 5], tf.int32)
    np.testing.assert_array_equal(tf.math.top_k(lowest, 3).indices.numpy(), [2, 1, 0])


def test_float16_sums_accumulate_in_float32() -> None:
    ones = tf.ones([24000], tf.float16)
    total = tf.reduce_sum(ones)
    assert total.dtype == tf.float16 and float(total) == 24000.0

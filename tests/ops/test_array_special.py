"""Array ops: error messages, dtypes and cases the op-spec table does not reach."""

from __future__ import annotations

import numpy as np
import pytest

import eagerflow as tf


def _grad(fn, x):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x).numpy()


# -- concat / split -------------------------------------------------------------------------
def test_concat_mismatch_names_both_shapes() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\(2, 3\).*\(2, 4\)"):
        tf.concat([tf.zeros([2, 3]), tf.zeros([2, 4])], axis=0)


def test_concat_dtype_mismatch_and_single_value() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="float32.*int32"):
        tf.concat([tf.zeros([2]), tf.constant([1, 2])], 0)
    x = tf.constant([1, 2])
    assert tf.concat([x], 0) is x


def test_split_uneven_and_num_mismatch() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="evenly divide"):
        tf.split(tf.zeros([5]), 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="sizes"):
        tf.split(tf.zeros([5]), [2, 2])
    with pytest.raises(ValueError, match="num=3"):
        tf.split(tf.zeros([4]), 2, num=3)


# -- getitem --------------------------------------------------------------------------------
def test_getitem_out_of_range_raises() -> None:
    t = tf.constant([[1, 2], [3, 4]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="slice index 2 of dimension 0"):
        t[2]
    with pytest.raises(tf.errors.InvalidArgumentError, match="dimension 1"):
        t[0, -3]
    with pytest.raises(tf.errors.InvalidArgumentError, match="too many indices"):
        t[0, 0, 0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of bounds"):
        t[[0, 5]]


def test_getitem_rejects_floats_and_two_ellipses() -> None:
    t = tf.zeros([2, 2])
    with pytest.raises(TypeError, match="valid indices"):
        t[1.5]
    with pytest.raises(ValueError, match="single ellipsis"):
        t[..., ...]
    with pytest.raises(ValueError, match="step cannot be zero"):
        t[::0]


def test_getitem_full_slice_returns_same_tensor_and_newaxis_is_none() -> None:
    t = tf.zeros([2, 2])
    assert t[:] is t and t[...] is t
    assert tf.newaxis is None
    assert t[tf.newaxis].shape == [1, 2, 2]


def test_iteration_and_variable_getitem_gradient() -> None:
    t = tf.constant([[1, 2], [3, 4]])
    assert [r.numpy().tolist() for r in t] == [[1, 2], [3, 4]]
    v = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = v[0] * 2.0 + v[2] * v[2] + tf.reduce_sum(v[::2])
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), [3.0, 0.0, 7.0])
    assert v[1:].numpy().tolist() == [2.0, 3.0]


def test_getitem_gradient_is_dense_and_scatters_into_zeros() -> None:
    g = _grad(lambda x: x[1, ::-2] * 3.0, np.arange(8.0).reshape(2, 4))
    np.testing.assert_allclose(g, [[0, 0, 0, 0], [0, 3, 0, 3]])


def test_third_order_gradient_through_slicing() -> None:
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as t3:
        t3.watch(x)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = tf.reduce_sum(x[1:] * x[1:] * x[1:])
            g1 = t1.gradient(y, x)
        g2 = t2.gradient(g1, x)
    g3 = t3.gradient(g2, x)
    np.testing.assert_allclose(g3.numpy(), [0.0, 6.0, 6.0])


def test_strided_slice_shrink_out_of_range() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.strided_slice(tf.zeros([3]), [3], [4], shrink_axis_mask=1)


# -- gather and friends --------------------------------------------------------------------
def test_gather_gradient_with_repeated_indices_is_dense() -> None:
    g = _grad(lambda x: tf.gather(x, [0, 0, 2, 0]), np.ones((3, 2)))
    np.testing.assert_allclose(g, [[3, 3], [0, 0], [1, 1]])


def test_gather_out_of_range_and_bad_dtype() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"is not in \[0, 3\)"):
        tf.gather(tf.zeros([3]), [0, 3])
    with pytest.raises(TypeError, match="int32 or int64"):
        tf.gather(tf.zeros([3]), [0.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="indices"):
        tf.gather_nd(tf.zeros([2, 2]), [[0, 2]])


def test_scatter_nd_shape_check() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="updates must have shape"):
        tf.scatter_nd([[0], [1]], [1.0, 2.0, 3.0], [4])


# -- where ----------------------------------------------------------------------------------
def test_where_one_argument_gives_int64_coordinates() -> None:
    out = tf.where([[True, False], [False, True]])
    assert out.dtype == tf.int64
    assert out.numpy().tolist() == [[0, 0], [1, 1]]
    assert tf.where(tf.zeros([3])).shape == [0, 1]
    assert tf.where([0, 3, 0, 1]).numpy().tolist() == [[1], [3]]


def test_where_select_errors() -> None:
    with pytest.raises(ValueError, match="both"):
        tf.where([True], [1.0])
    with pytest.raises(TypeError, match="bool"):
        tf.where([1, 0], [1.0, 2.0], [3.0, 4.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="float32.*int32|int32.*float32"):
        tf.where([True, False], tf.constant([1.0, 2.0]), tf.constant([1, 2]))


def test_boolean_mask_shape_mismatch() -> None:
    with pytest.raises(ValueError, match="mask of shape"):
        tf.boolean_mask(tf.zeros([3, 2]), [True, False])


# -- one_hot --------------------------------------------------------------------------------
def test_one_hot_dtypes_and_out_of_range() -> None:
    out = tf.one_hot([1, -1, 5], 3)
    assert out.dtype == tf.float32
    assert out.numpy().tolist() == [[0, 1, 0], [0, 0, 0], [0, 0, 0]]
    assert tf.one_hot([0], 2, on_value=tf.constant(5), off_value=tf.constant(1)).dtype == tf.int32
    assert tf.one_hot([0], 2, dtype=tf.int64).dtype == tf.int64


# -- range, linspace, fill ------------------------------------------------------------------
@pytest.mark.parametrize(
    "args, kwargs, dtype",
    [
        ((5,), {}, "int32"),
        ((5.0,), {}, "float32"),
        ((0, 5.0), {}, "float32"),
        ((np.int64(5),), {}, "int64"),
        ((tf.constant(5, tf.int64),), {}, "int64"),
        ((tf.constant(2.0, tf.float64), 5), {}, "float64"),
        ((0, 5), {"dtype": tf.float64}, "float64"),
    ],
)
def test_range_dtypes(args, kwargs, dtype) -> None:
    assert tf.range(*args, **kwargs).dtype.name == dtype


def test_range_errors_and_empty() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="delta != 0"):
        tf.range(0, 5, 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="start <= limit"):
        tf.range(5, 2)
    assert tf.range(0).shape == [0]
    assert tf.range(10, 0, -3).numpy().tolist() == [10, 7, 4, 1]


def test_linspace_edges() -> None:
    assert tf.linspace(2.0, 3.0, 1).numpy().tolist() == [2.0]
    assert tf.linspace(2.0, 3.0, 0).shape == [0]
    assert tf.linspace(0.0, 1.0, 2).numpy().tolist() == [0.0, 1.0]
    assert tf.linspace(0, 4, 5).dtype == tf.float32


def test_fill_value_must_be_scalar() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="scalar"):
        tf.fill([2], [1, 2])
    assert tf.fill(tf.constant([2, 1]), 1.5).numpy().tolist() == [[1.5], [1.5]]


# -- sort and unique ------------------------------------------------------------------------
def test_unique_outputs_in_order_of_first_appearance() -> None:
    y, idx = tf.unique([4, 1, 4, 2, 1, 7])
    assert y.numpy().tolist() == [4, 1, 2, 7]
    assert idx.numpy().tolist() == [0, 1, 0, 2, 1, 3]
    assert idx.dtype == tf.int32
    y, idx, count = tf.unique_with_counts(tf.constant([2.0, 2.0, 1.0]), out_idx=tf.int64)
    assert y.numpy().tolist() == [2.0, 1.0] and count.numpy().tolist() == [2, 1]
    assert idx.dtype == tf.int64
    with pytest.raises(tf.errors.InvalidArgumentError, match="rank 1"):
        tf.unique([[1, 2]])


def test_sort_descending_ties_keep_order_and_gradient_follows() -> None:
    assert tf.argsort([1, 3, 1, 3], direction="DESCENDING").numpy().tolist() == [1, 3, 0, 2]
    g = _grad(lambda x: tf.sort(x) * np.array([1.0, 10.0, 100.0]), np.array([3.0, 1.0, 2.0]))
    np.testing.assert_allclose(g, [100.0, 1.0, 10.0])
    with pytest.raises(ValueError, match="direction"):
        tf.sort([1.0], direction="UP")


# -- layout ops -----------------------------------------------------------------------------
def test_transpose_squeeze_expand_dims_errors() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="permutation"):
        tf.transpose(tf.zeros([2, 3]), [0, 0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="squeeze dim"):
        tf.squeeze(tf.zeros([2, 1]), axis=0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        tf.expand_dims(tf.zeros([2]), 3)


def test_pad_errors() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="REFLECT"):
        tf.pad(tf.zeros([2]), [[2, 0]], "REFLECT")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"shape \[1, 2\]"):
        tf.pad(tf.zeros([2]), [[1, 1], [1, 1]])
    with pytest.raises(ValueError, match="mode"):
        tf.pad(tf.zeros([2]), [[1, 1]], "EDGE")
    assert tf.pad(tf.zeros([2]), [[1, 1]], "symmetric").shape == [4]


def test_shape_size_rank_values() -> None:
    x = tf.zeros([2, 3, 4])
    assert tf.shape(x).numpy().tolist() == [2, 3, 4]
    assert tf.shape(x, out_type=tf.int64).dtype == tf.int64
    assert int(tf.size(x)) == 24 and int(tf.rank(x)) == 3
    assert [s.numpy().tolist() for s in tf.shape_n([x, tf.zeros([1])])] == [[2, 3, 4], [1]]


def test_shapes_are_not_differentiable() -> None:
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cast(tf.shape(x)[0], tf.float32) * x
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 2.0])


# -- repeat, roll, meshgrid, searchsorted, sequence_mask, shape helpers ---------------------
def test_repeat_and_roll_errors() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="repeats"):
        tf.repeat(tf.zeros([3]), [1, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="same size"):
        tf.roll(tf.zeros([3]), [1, 2], [0])
    assert tf.roll(tf.range(3), 3, 0).numpy().tolist() == [0, 1, 2]


def test_repeat_gradient_sums_copies() -> None:
    g = _grad(lambda x: tf.repeat(x, [3, 1]), np.array([1.0, 2.0]))
    np.testing.assert_allclose(g, [3.0, 1.0])


def test_meshgrid_keyword_errors() -> None:
    with pytest.raises(ValueError, match="indexing"):
        tf.meshgrid([1], [2], indexing="xx")
    with pytest.raises(TypeError, match="unexpected"):
        tf.meshgrid([1], sparse=True)


def test_sequence_mask_default_maxlen_and_searchsorted_side() -> None:
    assert tf.sequence_mask([0, 2]).numpy().tolist() == [[False, False], [True, True]]
    assert tf.searchsorted([1, 2, 2, 3], [2]).numpy().tolist() == [1]
    assert tf.searchsorted([1, 2, 2, 3], [2], side="right").numpy().tolist() == [3]
    with pytest.raises(ValueError, match="side"):
        tf.searchsorted([1], [1], side="middle")


def test_shape_helpers() -> None:
    assert tf.broadcast_static_shape(tf.TensorShape([2, 1]), tf.TensorShape([3])) == [2, 3]
    with pytest.raises(ValueError, match="incompatible"):
        tf.broadcast_static_shape(tf.TensorShape([2]), tf.TensorShape([3]))
    assert tf.broadcast_dynamic_shape([2, 1], [4, 1, 3]).numpy().tolist() == [4, 2, 3]
    x = tf.zeros([2, 3])
    assert tf.ensure_shape(x, [None, 3]) is x
    with pytest.raises(tf.errors.InvalidArgumentError, match="not compatible"):
        tf.ensure_shape(x, [3, 3])
    assert [t.numpy().item() for t in tf.identity_n([1, 2.0])] == [1, 2.0]


def test_unravel_index_out_of_range() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[0, 6\)"):
        tf.unravel_index([6], [2, 3])


def test_one_hot_dtype_follows_python_on_value_and_unique_fields() -> None:
    assert tf.one_hot([0], 2, on_value=5).dtype == tf.int32
    with pytest.raises(TypeError, match="same dtype"):
        tf.one_hot([0], 2, on_value=1.0, off_value=tf.constant(0))
    u = tf.unique([3, 3, 1])
    assert u.y.numpy().tolist() == [3, 1] and u.idx.numpy().tolist() == [0, 0, 1]
    assert tf.unique_with_counts([3, 3, 1]).count.numpy().tolist() == [2, 1]


# -- sliced variable assignment ------------------------------------------------------------
def test_sliced_variable_assign_writes_into_the_variable() -> None:
    v = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert v[0, 1:].assign([7.0, 8.0]) is v
    v[:, 0].assign(0.0)
    v[-1, ::-2].assign(tf.constant([9.0, 10.0]))
    np.testing.assert_allclose(v.numpy(), [[0, 7, 8], [10, 5, 9]])
    with pytest.raises(ValueError, match="does not fit"):
        v[0].assign([1.0, 2.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="dtype"):
        v[0].assign(tf.constant([1, 2, 3]))


def test_sliced_variable_is_still_a_differentiable_tensor() -> None:
    v = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v[1:] * v[1:])
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), [0.0, 4.0, 6.0])
    assert not hasattr(v[[0, 1]], "assign")


# -- TF1 signatures (tf.compat.v1) --------------------------------------------------------
def test_compat_v1_where_selects_rows_with_a_vector_condition() -> None:
    v1 = tf.compat.v1
    x, y = tf.constant([[1, 2], [3, 4]]), tf.constant([[5, 6], [7, 8]])
    assert v1.where([True, False], x, y).numpy().tolist() == [[1, 2], [7, 8]]
    assert v1.where([[True, False], [False, True]], x, y).numpy().tolist() == [[1, 6], [7, 4]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="same shape"):
        v1.where([True, False], x, tf.constant([5, 6]))
    assert v1.where([False, True]).numpy().tolist() == [[1]]


def test_compat_v1_argument_names() -> None:
    v1 = tf.compat.v1
    assert v1.gather([1, 2, 3], [2], None, "name").numpy().tolist() == [3]
    assert v1.expand_dims([1, 2], dim=1).shape == [2, 1]
    assert v1.squeeze(tf.zeros([1, 2, 1]), squeeze_dims=[2]).shape == [1, 2]
    with pytest.raises(ValueError, match="exactly one"):
        v1.expand_dims([1], axis=0, dim=0)

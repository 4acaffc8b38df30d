"""nn, conv and pooling special cases: stability, tie rules, errors, dropout, higher order."""

import numpy as np
import pytest

import eagerflow as tf


@pytest.fixture(autouse=True)
def _reset_seed():
    tf.random.set_seed(None)
    yield
    tf.random.set_seed(None)


# -- numerical stability ---------------------------------------------------------------------
def test_softmax_and_log_softmax_are_stable_for_huge_logits():
    x = tf.constant([[1000.0, 0.0, -1000.0]])
    np.testing.assert_allclose(tf.nn.softmax(x).numpy(), [[1.0, 0.0, 0.0]])
    np.testing.assert_allclose(tf.nn.log_softmax(x).numpy(), [[0.0, -1000.0, -2000.0]])


def test_sparse_xent_is_stable_and_gradient_is_probs_minus_onehot():
    logits = tf.constant([[1000.0, 0.0], [0.0, 0.0]])
    labels = tf.constant([1, 0])
    with tf.GradientTape() as tape:
        tape.watch(logits)
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    np.testing.assert_allclose(loss.numpy(), [1000.0, np.log(2)], rtol=1e-6)
    grad = tape.gradient(loss, logits).numpy()
    np.testing.assert_allclose(grad, [[1.0, -1.0], [-0.5, 0.5]], atol=1e-6)


def test_sparse_xent_validates_labels():
    with pytest.raises(tf.errors.InvalidArgumentError, match="label value"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[2], logits=[[0.0, 1.0]])
    with pytest.raises(TypeError, match="int32 or int64"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1.0], logits=[[0.0, 1.0]])
    with pytest.raises(ValueError, match="shape"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[[1]], logits=[[0.0, 1.0]])


def test_sigmoid_xent_and_softplus_do_not_overflow():
    x = tf.constant([-1000.0, 1000.0])
    np.testing.assert_allclose(tf.nn.softplus(x).numpy(), [0.0, 1000.0])
    loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant([1.0, 0.0]), logits=x)
    np.testing.assert_allclose(loss.numpy(), [1000.0, 1000.0])


def test_softmax_xent_gradient_reaches_labels():
    labels = tf.constant([[0.3, 0.7]])
    logits = tf.constant([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        tape.watch(labels)
        loss = tf.nn.softmax_cross_entropy_with_logits(labels, logits)
    np.testing.assert_allclose(
        tape.gradient(loss, labels).numpy(), -tf.nn.log_softmax(logits).numpy(), rtol=1e-6
    )


def test_relu_gradient_at_zero_is_zero_like_tf():
    x = tf.constant([0.0, -1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.relu(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 0.0, 1.0])


def test_elu_third_order_gradient():
    x = tf.constant([-0.5, 0.7], dtype=tf.float64)
    with tf.GradientTape() as t3:
        t3.watch(x)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = tf.nn.elu(x)
            g1 = t1.gradient(y, x)
        g2 = t2.gradient(g1, x)
    g3 = t3.gradient(g2, x).numpy()
    np.testing.assert_allclose(g3, [np.exp(-0.5), 0.0], rtol=1e-12)


# -- pooling and conv rules ------------------------------------------------------------------
def test_max_pool_gradient_goes_to_the_first_maximum():
    x = tf.constant(np.array([[1.0, 3.0], [3.0, 3.0]]).reshape(1, 2, 2, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool2d(x, 2, 2, "VALID")
    np.testing.assert_array_equal(
        tape.gradient(y, x).numpy().reshape(2, 2), [[0.0, 1.0], [0.0, 0.0]]
    )


def test_avg_pool_same_counts_only_real_elements():
    x = tf.ones([1, 3, 3, 1])
    y = tf.nn.avg_pool2d(x, 2, 2, "SAME").numpy()
    np.testing.assert_allclose(y, np.ones((1, 2, 2, 1)))


def test_same_padding_puts_the_extra_row_at_the_bottom():
    # 4x4 input, 2x2 kernel, stride 2 -> no padding; 5x5 input, 2x2, stride 2 -> pad 1 below.
    x = tf.constant(np.arange(25.0, dtype=np.float32).reshape(1, 5, 5, 1))
    w = tf.constant(np.array([[1.0, 0.0], [0.0, 0.0]], np.float32).reshape(2, 2, 1, 1))
    y = tf.nn.conv2d(x, w, 2, "SAME").numpy()[0, :, :, 0]
    np.testing.assert_array_equal(y, [[0, 2, 4], [10, 12, 14], [20, 22, 24]])


def test_conv_errors_name_the_op_and_shapes():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Conv2D: input depth"):
        tf.nn.conv2d(tf.ones([1, 4, 4, 2]), tf.ones([3, 3, 3, 1]), 1, "SAME")
    with pytest.raises(ValueError, match="padding"):
        tf.nn.conv2d(tf.ones([1, 4, 4, 2]), tf.ones([3, 3, 2, 1]), 1, "FULL")
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-positive"):
        tf.nn.conv2d(tf.ones([1, 2, 2, 1]), tf.ones([3, 3, 1, 1]), 1, "VALID")
    with pytest.raises(tf.errors.InvalidArgumentError, match="does not match"):
        tf.nn.conv2d_transpose(tf.ones([1, 3, 3, 1]), tf.ones([3, 3, 1, 1]), [1, 4, 4, 1], 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="BiasAdd"):
        tf.nn.bias_add(tf.ones([2, 3]), tf.ones([4]))


def test_conv_third_order_through_backprop_pair():
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(1, 5, 5, 2)))
    w = tf.constant(rng.normal(size=(3, 3, 2, 2)))
    with tf.GradientTape() as t2:
        t2.watch([x, w])
        with tf.GradientTape() as t1:
            t1.watch([x, w])
            y = tf.reduce_sum(tf.nn.conv2d(x, w, 2, "SAME") ** 2)
        gx, gw = t1.gradient(y, [x, w])
        z = tf.reduce_sum(gx * gx) + tf.reduce_sum(gw)
    hx, hw = t2.gradient(z, [x, w])
    assert hx.shape == x.shape and hw.shape == w.shape


def test_conv_grad_with_unknown_stride_remainder():
    # VALID with stride 2 on an even input leaves the last row unused: it gets zero gradient.
    x = tf.ones([1, 6, 6, 1])
    w = tf.ones([3, 3, 1, 1])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.conv2d(x, w, 2, "VALID")
    g = tape.gradient(y, x).numpy()[0, :, :, 0]
    assert (g[5] == 0).all() and (g[:, 5] == 0).all() and g[2, 2] == 4


# -- dropout -----------------------------------------------------------------------------------
def test_dropout_scales_kept_values_and_is_seeded():
    x = tf.ones([2000])
    tf.random.set_seed(3)
    y = tf.nn.dropout(x, rate=0.25)
    kept = y.numpy() != 0
    np.testing.assert_allclose(y.numpy()[kept], 1 / 0.75, rtol=1e-6)
    assert abs(kept.mean() - 0.75) < 0.04
    tf.random.set_seed(3)
    np.testing.assert_array_equal(y.numpy(), tf.nn.dropout(x, rate=0.25).numpy())
    assert tf.nn.dropout(x, rate=0.0) is x


def test_dropout_noise_shape_shares_decisions_and_gradient_uses_the_mask():
    x = tf.ones([4, 50])
    y = tf.nn.dropout(x, 0.5, noise_shape=[1, 50], seed=1).numpy()
    assert (y == y[0]).all()
    v = tf.Variable(tf.ones([100]))
    with tf.GradientTape() as tape:
        out = tf.nn.dropout(v, 0.5, seed=2)
        loss = tf.reduce_sum(out)
    grad = tape.gradient(loss, v).numpy()
    np.testing.assert_array_equal(grad, out.numpy())
    with pytest.raises(ValueError, match="rate"):
        tf.nn.dropout(x, 1.0)


# -- small composites ----------------------------------------------------------------------------
def test_in_top_k_counts_ties_and_zero_fraction():
    predictions = tf.constant([[0.5, 0.5, 0.1], [0.1, 0.2, 0.7]])
    np.testing.assert_array_equal(tf.nn.in_top_k([1, 0], predictions, 1).numpy(), [True, False])
    np.testing.assert_array_equal(tf.nn.in_top_k([0, 1], predictions, 2).numpy(), [True, True])
    assert float(tf.nn.zero_fraction(tf.constant([[0, 1], [0, 0]]))) == 0.75


def test_dtype_rules_of_activations():
    assert tf.nn.relu(tf.constant([-1, 2])).numpy().tolist() == [0, 2]
    assert tf.nn.leaky_relu(tf.constant([-1, 2])).dtype == tf.float32
    with pytest.raises(TypeError, match="Softmax: `features` must be a floating"):
        tf.nn.softmax(tf.constant([1, 2]))
    assert tf.nn.softmax(tf.constant([1.0, 2.0], tf.float16)).dtype == tf.float16


def test_compat_v1_nn_takes_tf1_signatures():
    v1 = tf.compat.v1.nn
    assert v1.relu is tf.nn.relu
    x = tf.ones([1000])
    kept = v1.dropout(x, keep_prob=0.9, seed=1).numpy() != 0
    assert kept.mean() > 0.85
    assert v1.dropout(x, 0.9, seed=1).shape == [1000]  # positional keep_prob
    np.testing.assert_array_equal(
        v1.in_top_k([[0.1, 0.9], [0.8, 0.2]], [1, 1], 1).numpy(), [True, False]
    )
    assert v1.max_pool(tf.ones([1, 4, 4, 1]), [1, 2, 2, 1], [1, 2, 2, 1], "VALID").shape == [
        1,
        2,
        2,
        1,
    ]
    assert v1.conv2d(
        tf.ones([1, 4, 4, 1]), filter=tf.ones([3, 3, 1, 2]), strides=[1, 1, 1, 1], padding="SAME"
    ).shape == [1, 4, 4, 2]
    labels, logits = tf.constant([[0.2, 0.8]]), tf.constant([[1.0, 2.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(labels)
        v1_loss = v1.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        v2_loss = v1.softmax_cross_entropy_with_logits_v2(labels, logits)
    assert tape.gradient(v1_loss, labels) is None
    assert tape.gradient(v2_loss, labels) is not None
    mean, var = v1.moments(tf.constant([[1.0, 3.0]]), [1], keep_dims=True)
    assert mean.shape == [1, 1] and float(var[0, 0]) == 1.0
    assert v1.softmax(tf.constant([[0.0, 0.0]]), dim=0).shape == [1, 2]

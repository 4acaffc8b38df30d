"""Op specs: activations, softmax, losses and normalization (nn_*_ops.py)."""

import numpy as np
from scipy import special

import eagerflow as tf
from tests.ops.op_spec import Arg, OpSpec

M = Arg((3, 4))
# Inputs kept away from the kinks at 0 (and 6 for relu6): |x| >= 0.1.
AWAY = Arg((3, 4), low=0.1, high=2.0)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _signed(x):
    signs = np.where(np.arange(x.size).reshape(x.shape) % 2 == 0, 1.0, -1.0)
    return signs.astype(x.dtype)


def mirrored(fn, ref):
    """Spec callables on x * (+-1): inputs on both sides of 0, never near it."""
    return (
        lambda x: fn(x * tf.constant(_signed(x.numpy()))),
        lambda x: ref(x * _signed(x)),
    )


def elu_ref(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def selu_ref(x):
    return SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0)))


def softmax_ref(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax_ref(x, axis=-1):
    return np.log(softmax_ref(x, axis))


def sparse_xent_ref(labels, logits):
    lse = special.logsumexp(logits, axis=-1)
    return lse - np.take_along_axis(logits, labels[..., None].astype(np.int64), -1)[..., 0]


def grad_of(fn, x, g):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x, output_gradients=g)


def real_only(ref):
    """A reference that raises on complex inputs, as TF's kernels do (no order, no complex
    kernel): if eagerflow accepted them, the op table's complex forward check would fail."""

    def checked(*arrays):
        if any(np.iscomplexobj(a) for a in arrays):
            raise TypeError("real inputs only, as TensorFlow")
        return ref(*arrays)

    return checked


def _spec(name, fn, ref, args=(M,), **kw):
    return OpSpec(name, fn, ref, args, **kw)


LABELS = Arg(fixed=np.array([0, 3, 1, 3, 2], dtype=np.int32))
LOGITS = Arg((5, 4), low=-3, high=3)
PROBS = Arg((5, 4), low=0.0, high=1.0)

SPECS = [
    _spec("relu", *mirrored(tf.nn.relu, lambda x: np.maximum(x, 0)), (AWAY,)),
    _spec(
        "relu6", *mirrored(lambda x: tf.nn.relu6(x * 4.0), lambda x: np.clip(x * 4, 0, 6)), (AWAY,)
    ),
    _spec(
        "leaky_relu", *mirrored(tf.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)), (AWAY,)
    ),
    _spec(
        "leaky_relu_alpha",
        *mirrored(
            lambda x: tf.nn.leaky_relu(x, alpha=0.01), lambda x: np.where(x > 0, x, 0.01 * x)
        ),
        (AWAY,),
    ),
    _spec("elu", *mirrored(tf.nn.elu, elu_ref), (AWAY,)),
    _spec("selu", *mirrored(tf.nn.selu, selu_ref), (AWAY,)),
    _spec(
        "softplus",
        tf.nn.softplus,
        lambda x: np.logaddexp(0, x),
        (Arg((3, 4), low=-30, high=30),),
        eps=1e-6,
    ),
    _spec("softsign", *mirrored(tf.nn.softsign, lambda x: x / (1 + np.abs(x))), (AWAY,)),
    _spec("gelu_exact", tf.nn.gelu, lambda x: 0.5 * x * (1 + special.erf(x / np.sqrt(2)))),
    _spec(
        "gelu_tanh",
        lambda x: tf.nn.gelu(x, approximate=True),
        lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))),
    ),
    # Complex inputs run too (TF's composite takes them): no expit, which is real-only.
    _spec("silu", tf.nn.silu, lambda x: x / (1 + np.exp(-x))),
    _spec("swish_beta", lambda x: tf.nn.swish(x, beta=2.0), lambda x: x / (1 + np.exp(-2 * x))),
    _spec("sigmoid_nn", tf.nn.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    _spec("softmax", tf.nn.softmax, softmax_ref),
    _spec("softmax_axis0", lambda x: tf.nn.softmax(x, axis=0), lambda x: softmax_ref(x, 0)),
    _spec(
        "softmax_large",
        lambda x: tf.nn.softmax(x * 100.0),
        lambda x: softmax_ref(x * 100),
        eps=1e-8,
    ),
    _spec("log_softmax", tf.nn.log_softmax, log_softmax_ref),
    _spec(
        "log_softmax_axis0_large",
        lambda x: tf.nn.log_softmax(x + 1000.0, axis=0),
        lambda x: log_softmax_ref(x + 1000, 0),
        rtol=1e-4,
    ),
    _spec(
        "sparse_softmax_xent",
        lambda labels, logits: tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits
        ),
        sparse_xent_ref,
        (LABELS, LOGITS),
    ),
    _spec(
        "softmax_xent",
        lambda labels, logits: tf.nn.softmax_cross_entropy_with_logits(labels, logits),
        lambda labels, logits: -(labels * log_softmax_ref(logits)).sum(-1),
        (PROBS, LOGITS),
    ),
    _spec(
        "softmax_xent_axis0",
        lambda labels, logits: tf.nn.softmax_cross_entropy_with_logits(labels, logits, axis=0),
        lambda labels, logits: -(labels * log_softmax_ref(logits, 0)).sum(0),
        (PROBS, LOGITS),
    ),
    _spec(
        "sigmoid_xent",
        lambda z, x: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
        lambda z, x: np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x))),
        (PROBS, Arg((5, 4), low=-30, high=30)),
    ),
    _spec(
        "weighted_xent",
        lambda z, x: tf.nn.weighted_cross_entropy_with_logits(z, x, pos_weight=3.0),
        lambda z, x: (1 - z) * x + (1 + 2 * z) * np.logaddexp(0, -x),
        (PROBS, LOGITS),
    ),
    _spec("l2_loss", tf.nn.l2_loss, real_only(lambda x: np.sum(x * x) / 2)),
    _spec(
        "bias_add",
        lambda x, b: tf.nn.bias_add(x, b),
        lambda x, b: x + b,
        (Arg((2, 3, 4)), Arg((4,))),
    ),
    _spec(
        "bias_add_nchw",
        lambda x, b: tf.nn.bias_add(x, b, data_format="NCHW"),
        lambda x, b: x + b[:, None, None],
        (Arg((2, 3, 4, 5)), Arg((3,))),
    ),
    _spec(
        "moments",
        lambda x: tf.nn.moments(x, axes=[0, 2]),
        lambda x: (x.mean(axis=(0, 2)), x.var(axis=(0, 2))),
        (Arg((3, 4, 5)),),
    ),
    _spec(
        "moments_keepdims",
        lambda x: tf.nn.moments(x, axes=[1], keepdims=True),
        lambda x: (x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)),
        (M,),
    ),
    _spec(
        "batch_normalization",
        lambda x, m, v, o, s: tf.nn.batch_normalization(x, m, v, o, s, 1e-3),
        lambda x, m, v, o, s: s * (x - m) / np.sqrt(v + 1e-3) + o,
        (M, Arg((4,)), Arg((4,), low=0.5, high=2.0), Arg((4,)), Arg((4,))),
    ),
    _spec(
        "batch_normalization_no_affine",
        lambda x, m, v: tf.nn.batch_normalization(x, m, v, None, None, 1e-3),
        lambda x, m, v: (x - m) / np.sqrt(v + 1e-3),
        (M, Arg((4,)), Arg((4,), low=0.5, high=2.0)),
    ),
]

# The `...Grad` primitives, reached as ops so that their own gradients are checked too.
for _name, _fn, _dfn in [
    ("relu", tf.nn.relu, lambda x: (x > 0) * 1.0),
    ("relu6", lambda x: tf.nn.relu6(x * 4.0), lambda x: ((x * 4 > 0) & (x * 4 < 6)) * 4.0),
    ("leaky_relu", tf.nn.leaky_relu, lambda x: np.where(x > 0, 1.0, 0.2)),
    ("elu", tf.nn.elu, lambda x: np.where(x > 0, 1.0, np.exp(np.minimum(x, 0)))),
    (
        "selu",
        tf.nn.selu,
        lambda x: SELU_SCALE * np.where(x > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(x, 0))),
    ),
]:
    SPECS.append(
        OpSpec(
            f"{_name}_grad",
            lambda x, g, f=_fn: grad_of(f, x * tf.constant(_signed(x.numpy())), g),
            lambda x, g, d=_dfn: (g * d(x * _signed(x))).astype(x.dtype),
            (AWAY, M),
        )
    )

SPECS += [
    _spec(
        "embedding_lookup",
        lambda p: tf.nn.embedding_lookup(p, [2, 0, 2]),
        lambda p: p[[2, 0, 2]],
        (Arg((3, 4)),),
    ),
    _spec(
        "embedding_lookup_max_norm",
        lambda p: tf.nn.embedding_lookup(p, [1, 0], max_norm=1.0),
        lambda p: p[[1, 0]] / np.maximum(np.linalg.norm(p[[1, 0]], axis=1, keepdims=True), 1.0),
        (Arg((3, 4), low=0.5, high=2.0),),
    ),
    _spec(
        "crelu",
        *mirrored(tf.nn.crelu, lambda x: np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], -1)),
        (AWAY,),
    ),
    _spec(
        "log_poisson_loss_full",
        lambda z, c: tf.nn.log_poisson_loss(z, c, compute_full_loss=True),
        real_only(
            lambda z, c: (
                np.exp(c)
                - z * c
                + np.where(z > 1, z * np.log(z) - z + 0.5 * np.log(2 * np.pi * z), 0.0)
            )
        ),
        (Arg((3, 4), low=1.5, high=4.0), M),
    ),
    _spec(
        "compute_average_loss",
        lambda x, w: tf.nn.compute_average_loss(x, sample_weight=w, global_batch_size=8),
        lambda x, w: np.sum(x * w) / 8,
        (Arg((4,)), Arg((4,))),
    ),
]

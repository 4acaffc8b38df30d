"""`tf.nn`: activations, losses, convolutions, pooling and normalization."""
# ruff: noqa: F401

from eagerflow.ops.conv_ops import (
    atrous_conv2d,
    conv1d,
    conv2d,
    conv2d_transpose,
    convolution,
)
from eagerflow.ops.depthwise_conv_ops import (
    depthwise_conv2d,
    separable_conv2d,
)
from eagerflow.ops.math_ops import tanh
from eagerflow.ops.math_unary_ops import (
    l2_normalize,
    sigmoid,
)
from eagerflow.ops.nn_activation_ops import (
    elu,
    gelu,
    leaky_relu,
    log_softmax,
    relu,
    relu6,
    selu,
    silu,
    softmax,
    softplus,
    softsign,
    swish,
)
from eagerflow.ops.nn_loss_ops import (
    l2_loss,
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits,
    weighted_cross_entropy_with_logits,
)
from eagerflow.ops.nn_ops import (
    batch_normalization,
    bias_add,
    compute_average_loss,
    crelu,
    dropout,
    embedding_lookup,
    in_top_k,
    log_poisson_loss,
    moments,
    scale_regularization_loss,
    zero_fraction,
)
from eagerflow.ops.pooling_ops import (
    avg_pool,
    avg_pool1d,
    avg_pool2d,
    max_pool,
    max_pool1d,
    max_pool2d,
)
from eagerflow.ops.ranking_ops import top_k

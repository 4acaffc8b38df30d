"""`tf.nn`: activations, losses, convolutions, pooling and normalization."""
# ruff: noqa: F401

from eagerflow.ops.conv_ops import (
    conv1d,
    conv2d,
    conv2d_transpose,
    depthwise_conv2d,
)
from eagerflow.ops.pooling_ops import (
    avg_pool,
    avg_pool1d,
    avg_pool2d,
    max_pool,
    max_pool1d,
    max_pool2d,
)

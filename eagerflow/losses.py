"""`tf.losses` (and `tf.compat.v1.losses`): TF1's scalar losses, plus the Keras loss classes.

Name map only; the TF1 forms live in eagerflow/keras/losses_tf1.py, the Keras ones in
eagerflow/keras/losses.py.
"""
# ruff: noqa: F401, I001

from eagerflow.keras.losses_tf1 import (
    Reduction,
    absolute_difference,
    compute_weighted_loss,
    huber_loss,
    log_loss,
    mean_squared_error,
    sigmoid_cross_entropy,
    softmax_cross_entropy,
    sparse_softmax_cross_entropy,
)
from eagerflow.keras.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    Huber,
    KLDivergence,
    Loss,
    MeanAbsoluteError,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
)

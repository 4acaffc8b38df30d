"""`tf.metrics`: in TensorFlow 2, the Keras metrics (name map only)."""
# ruff: noqa: F401, F403, I001

from eagerflow.keras.metrics import *
from eagerflow.keras.metrics import Metric, MeanMetricWrapper, Reduce, get, serialize, deserialize

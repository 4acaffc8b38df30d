"""`tf.linalg`: matrix products and linear algebra."""
# ruff: noqa: F401

from eagerflow.ops.linalg_ops import matmul

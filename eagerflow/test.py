"""`tf.test`: test helpers (`is_gpu_available`)."""
# ruff: noqa: F401

from eagerflow.device_scope import is_gpu_available

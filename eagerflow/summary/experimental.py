"""`tf.summary.experimental`: the default step."""
# ruff: noqa: F401

from eagerflow.summary.writer import get_step, set_step

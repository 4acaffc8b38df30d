"""`tf.compat`: the TF1 API (`tf.compat.v1`) and `tf.compat.v2` (this package)."""

from eagerflow.compat import v1  # noqa: F401

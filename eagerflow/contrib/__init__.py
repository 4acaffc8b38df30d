"""`tf.contrib`: the TF1 contrib names the Eager Execution guide uses."""

from eagerflow.contrib import eager  # noqa: F401

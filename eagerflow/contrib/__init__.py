"""`tf.contrib`: the TF1 contrib names the Eager Execution guide uses."""
# ruff: noqa: F401, I001

from eagerflow.contrib import eager
from eagerflow.contrib import summary

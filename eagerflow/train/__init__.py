"""`tf.train`: checkpoints, the global step and the TF1 optimizer names.

One import block per owner module; add names with small edits.
"""
# ruff: noqa: F401, I001

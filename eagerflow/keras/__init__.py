"""`tf.keras`: layers, models, and (from their own modules) optimizers, losses, metrics and
callbacks, over eagerflow's eager ops.

One import block per owner module; add names with small edits.
"""
# ruff: noqa: E402, F401, I001

# -- layers, models, initializers, datasets ----------------------------------------------------
from eagerflow.keras import (
    activations,
    backend,
    constraints,
    datasets,
    initializers,
    layers,
    models,
    regularizers,
)
from eagerflow.keras.engine.input_layer import Input
from eagerflow.keras.engine.model import Model
from eagerflow.keras.engine.sequential import Sequential

# -- optimizers, losses, metrics, callbacks (the training helper's modules) --------------------
from eagerflow.keras import callbacks, losses, metrics, optimizers

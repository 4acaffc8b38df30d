"""Seeds for random transformations (shuffle, sample_from_datasets), as TensorFlow derives them.

An explicit `seed=` is combined with the global seed of `tf.random.set_seed`; with neither,
the order is different in every run. Each random transformation keeps an iteration counter so
that, with `reshuffle_each_iteration`, every epoch has a new but reproducible order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

try:  # the global seed lives with the random ops (written separately)
    from eagerflow.ops import random_ops as _random_ops
except ImportError:  # pragma: no cover - until the random ops land
    _random_ops = None

# TensorFlow's seed for an op seed given without a global seed.
DEFAULT_GRAPH_SEED = 87654321


def _global_seeds(op_seed: int | None) -> tuple[int | None, int | None]:
    get_seed = getattr(_random_ops, "get_seed", None)
    if get_seed is None:
        return None, op_seed
    return get_seed(op_seed)


def op_seeds(seed: Any) -> tuple[int, int]:
    """The (global, op) seed pair for a random transformation created now."""
    op_seed = None if seed is None else int(seed)
    global_seed, op_seed = _global_seeds(op_seed)
    if global_seed is None and op_seed is None:
        entropy = np.random.SeedSequence().entropy
        return int(entropy % 2**63), int(entropy // 2**63 % 2**63)
    if global_seed is None:
        global_seed = DEFAULT_GRAPH_SEED
    return int(global_seed), int(op_seed if op_seed is not None else 0)


def generator(seeds: tuple[int, int], iteration: int) -> np.random.Generator:
    return np.random.default_rng([seeds[0] % 2**63, seeds[1] % 2**63, iteration])

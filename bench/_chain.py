"""The 50-op chain (mul, add, tanh on a small vector) that the core and tf.function
benchmarks both time, written once."""

from __future__ import annotations

from typing import Any

CHAIN_LENGTH = 50  # ops: repeating (mul, add, tanh)


def chain(tf: Any, x: Any, w: Any) -> Any:
    """Runs the chain forward with eagerflow ops (`tf` is the imported package)."""
    for i in range(CHAIN_LENGTH):
        kind = i % 3
        if kind == 0:
            x = x * w
        elif kind == 1:
            x = x + w
        else:
            x = tf.tanh(x)
    return x

"""Per-op overhead, tape overhead and BLAS-bound matmul chains against NumPy (and PyTorch /
TensorFlow when installed). Run: `python bench/bench_core.py`. Prints ratios; asserts nothing.
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _chain import CHAIN_LENGTH, chain  # noqa: E402
from _timing import best_time, report  # noqa: E402

import eagerflow as tf  # noqa: E402


def bench_scalar_add() -> None:
    a = np.ones(1, np.float32)
    b = np.ones(1, np.float32)
    x, y = tf.constant(a), tf.constant(b)
    t_np = best_time(lambda: np.add(a, b), 100_000)
    t_ef = best_time(lambda: x + y, 100_000)
    report("x + y, float32 (1,)", t_ef, t_np, "numpy", "<= 8x")


def _chain_numpy(x0: np.ndarray, w: np.ndarray) -> np.ndarray:
    # Forward, keeping what backward needs, then the hand-written backward.
    saved = []
    x = x0
    for i in range(CHAIN_LENGTH):
        kind = i % 3
        if kind == 0:
            saved.append(x)
            x = x * w
        elif kind == 1:
            x = x + w
        else:
            x = np.tanh(x)
            saved.append(x)
    g = np.ones_like(x)
    for i in reversed(range(CHAIN_LENGTH)):
        kind = i % 3
        if kind == 0:
            g = g * w
            saved.pop()
        elif kind == 2:
            y = saved.pop()
            g = g * (1 - y * y)
    return g


def _chain_eagerflow(x0: tf.Tensor, w: tf.Tensor) -> tf.Tensor:
    with tf.GradientTape() as tape:
        tape.watch(x0)
        x = chain(tf, x0, w)
    return tape.gradient(x, x0)


def bench_chain() -> None:
    rng = np.random.default_rng(0)
    x0 = rng.uniform(-1, 1, 8).astype(np.float32)
    w = rng.uniform(0.5, 1.0, 8).astype(np.float32)
    tx, tw = tf.constant(x0), tf.constant(w)
    np.testing.assert_allclose(_chain_eagerflow(tx, tw).numpy(), _chain_numpy(x0, w), rtol=1e-4)
    t_np = best_time(lambda: _chain_numpy(x0, w), 2000)
    t_ef = best_time(lambda: _chain_eagerflow(tx, tw), 500)
    report(f"{CHAIN_LENGTH}-op chain + gradient, (8,)", t_ef, t_np, "numpy", "<= 6x")
    try:
        import torch
    except ImportError:
        return
    px = torch.tensor(x0, requires_grad=True)
    pw = torch.tensor(w)

    def torch_chain() -> None:
        x = px
        for i in range(CHAIN_LENGTH):
            x = x * pw if i % 3 == 0 else (x + pw if i % 3 == 1 else torch.tanh(x))
        torch.autograd.grad(x.sum(), px)

    report(
        f"{CHAIN_LENGTH}-op chain + gradient vs PyTorch",
        t_ef,
        best_time(torch_chain, 500),
        "torch",
        "informational",
    )


def bench_matmul_chain(steps: int = 200, n: int = 1000) -> None:
    rng = np.random.default_rng(0)
    # Scaled so the chain neither overflows nor underflows in float32.
    a = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32)

    def numpy_chain() -> None:
        x = a
        for _ in range(steps):
            x = np.matmul(x, x)

    t = tf.constant(a)

    def eagerflow_chain() -> None:
        x = t
        for _ in range(steps):
            x = tf.matmul(x, x)
        x.numpy()

    t_np = best_time(numpy_chain, 1, repeat=3)
    t_ef = best_time(eagerflow_chain, 1, repeat=3)
    report(f"{steps} chained {n}x{n} matmuls", t_ef, t_np, "numpy", "<= 1.05x")


if __name__ == "__main__":
    bench_scalar_add()
    bench_chain()
    bench_matmul_chain()

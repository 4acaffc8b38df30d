"""tf.function against eagerflow's own eager mode: the 50-op chain (mul, add, tanh on shape
(8,)) forward + gradient, and an MLP train step. Run: `python bench/bench_function.py`.
Prints times and ratios; asserts nothing.
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _chain import CHAIN_LENGTH, chain  # noqa: E402
from _timing import best_time  # noqa: E402

import eagerflow as tf  # noqa: E402


def _chain(x: tf.Tensor, w: tf.Tensor) -> tf.Tensor:
    return chain(tf, x, w)


def _chain_and_gradient(x0: tf.Tensor, w: tf.Tensor) -> tuple:
    with tf.GradientTape() as tape:
        tape.watch(x0)
        y = _chain(x0, w)
    return y, tape.gradient(y, x0)


def _line(label: str, eager: float, graph: float, target: str) -> None:
    print(
        f"{label:<56} eager {eager * 1e6:9.1f} us  tf.function {graph * 1e6:9.1f} us  "
        f"speedup {eager / graph:6.2f}x  (target {target})"
    )


def bench_chain() -> None:
    rng = np.random.default_rng(0)
    x0 = tf.constant(rng.uniform(-1, 1, 8).astype(np.float32))
    w = tf.constant(rng.uniform(0.5, 1.0, 8).astype(np.float32))
    traced = tf.function(_chain_and_gradient)
    want, got = _chain_and_gradient(x0, w), traced(x0, w)
    for a, b in zip(want, got):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
    t_eager = best_time(lambda: _chain_and_gradient(x0, w), 300)
    t_graph = best_time(lambda: traced(x0, w), 3000)
    _line(f"{CHAIN_LENGTH}-op chain + gradient, tape inside", t_eager, t_graph, ">= 5x")

    # The tape outside: the call is one recorded op whose gradient is a traced graph.
    forward = tf.function(_chain)

    def outside() -> None:
        with tf.GradientTape() as tape:
            tape.watch(x0)
            y = forward(x0, w)
        tape.gradient(y, x0)

    outside()
    _line(
        f"{CHAIN_LENGTH}-op chain + gradient, tape outside",
        t_eager,
        best_time(outside, 1000),
        "informational",
    )
    t_fwd_eager = best_time(lambda: _chain(x0, w), 500)
    t_fwd_graph = best_time(lambda: forward(x0, w), 5000)
    _line(f"{CHAIN_LENGTH}-op chain, forward only", t_fwd_eager, t_fwd_graph, "informational")


def bench_large_elementwise() -> None:
    """Fusion territory: the same chain on 1M elements (numexpr when installed)."""
    rng = np.random.default_rng(0)
    x0 = tf.constant(rng.uniform(-1, 1, 1 << 20).astype(np.float32))
    w = tf.constant(rng.uniform(0.5, 1.0, 1 << 20).astype(np.float32))
    forward = tf.function(_chain)
    np.testing.assert_allclose(forward(x0, w).numpy(), _chain(x0, w).numpy(), rtol=1e-4)
    t_eager = best_time(lambda: _chain(x0, w), 3, repeat=3)
    t_graph = best_time(lambda: forward(x0, w), 3, repeat=3)
    _line(f"{CHAIN_LENGTH}-op chain forward, (1048576,)", t_eager, t_graph, "informational")


def bench_mlp_train_step(batch: int = 128, steps: int = 30) -> None:
    """MLP 784-256-256-10, Adam (Keras optimizer), one train_step per call."""
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(batch, 784)).astype(np.float32))
    y = tf.constant(rng.integers(0, 10, batch).astype(np.int32))
    sizes = [784, 256, 256, 10]

    def make():
        params = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            params.append(tf.Variable(rng.normal(0, a**-0.5, (a, b)).astype(np.float32)))
            params.append(tf.Variable(np.zeros(b, np.float32)))
        return params, tf.keras.optimizers.Adam(1e-3)

    def step(params, optimizer):
        with tf.GradientTape() as tape:
            h = x
            for i in range(0, len(params), 2):
                h = tf.matmul(h, params[i]) + params[i + 1]
                if i < len(params) - 2:
                    h = tf.nn.relu(h)
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h)
            )
        grads = tape.gradient(loss, params)
        optimizer.apply_gradients(zip(grads, params))
        return loss

    eager_params, eager_opt = make()
    graph_params, graph_opt = make()
    traced = tf.function(step)
    step(eager_params, eager_opt)  # optimizer slots are created on the first (eager) step
    step(graph_params, graph_opt)
    t_eager = best_time(lambda: step(eager_params, eager_opt), steps, repeat=3)
    t_graph = best_time(lambda: traced(graph_params, graph_opt), steps, repeat=3)
    t_torch = _torch_mlp_step_time(x.numpy(), y.numpy(), sizes, steps)
    torch_text = "PyTorch not installed" if t_torch is None else f"PyTorch eager {1 / t_torch:.1f}"
    print(
        f"{'MLP 784-256-256-10 Adam train_step, batch ' + str(batch):<56} eager "
        f"{1 / t_eager:7.1f} steps/s  tf.function {1 / t_graph:7.1f} steps/s  "
        f"speedup {t_eager / t_graph:5.2f}x  ({torch_text} steps/s, target: tf.function >= it)"
    )


def _torch_mlp_step_time(x: np.ndarray, y: np.ndarray, sizes: list, steps: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))

    def step() -> None:
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(tx), ty)
        loss.backward()
        optimizer.step()

    return best_time(step, steps, repeat=3)


if __name__ == "__main__":
    bench_chain()
    bench_large_elementwise()
    bench_mlp_train_step()

"""PyTorch versions of bench_keras's two models, for a same-run reference figure.

Same shapes, initial scale aside: the guide's convnet (Conv 16 3x3 relu, Conv 16 3x3 relu,
global average pool, Dense 10; batch 32, 28x28x1) and the MLP 784-256-256-10 (batch 128),
each trained with Adam on a fixed random batch, as `bench_keras.make_step` does.
"""

from __future__ import annotations

import time


def _models(torch):
    nn = torch.nn
    convnet = nn.Sequential(
        nn.Conv2d(1, 16, 3), nn.ReLU(), nn.Conv2d(16, 16, 3), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10),
    )  # fmt: skip
    mlp = nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)
    )
    return {"convnet": (convnet, (32, 1, 28, 28)), "mlp": (mlp, (128, 784))}


def steps_per_second(name: str, steps: int, repeat: int) -> float:
    import torch  # noqa: PLC0415  (optional: only in the reference child process)

    torch.manual_seed(0)
    model, shape = _models(torch)[name]
    images = torch.rand(*shape)
    labels = torch.randint(0, 10, (shape[0],))
    optimizer = torch.optim.Adam(model.parameters())

    def step():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(3):
        step()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(steps):
            loss = step()
        loss.item()
        best = min(best, time.perf_counter() - start)
    return steps / best

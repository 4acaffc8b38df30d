"""Steps/second of the guide's MNIST convnet and of an MLP, custom GradientTape loops with Adam.

    python bench/bench_keras.py [--steps 40] [--repeat 3] [--profile]

- convnet: the guide's model (Conv2D 16 3x3 relu, Conv2D 16 3x3 relu, GlobalAveragePooling2D,
  Dense 10), batch 32, 28x28x1 inputs.
- mlp: Dense 784-256-256-10 (relu), batch 128.

Targets (issue 3, 2-core machine): convnet >= 3x TensorFlow eager (~32 steps/s), MLP >= 5x
TensorFlow eager (~46 steps/s). TensorFlow's figures are measured in the same run when it is
installed. `--profile` prints where the time goes (cProfile, by function and by file).
The machine is shared: each figure is the best of `--repeat` timed runs of `--steps` steps.
On a loaded machine run with `OPENBLAS_NUM_THREADS=1`: OpenBLAS threads spinning against other
processes' work cut both figures ~8x (convnet 72 -> 8 steps/s at load 2.5 on 2 cores).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import os
import pstats
import time

import numpy as np

import eagerflow as tf

PUBLISHED = {"convnet": 32.0, "mlp": 46.0}  # TensorFlow 2.21 eager, measured on this machine


def convnet(lib):
    layers = lib.keras.layers
    return lib.keras.Sequential(
        [
            layers.Conv2D(16, [3, 3], activation="relu"),
            layers.Conv2D(16, [3, 3], activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(10),
        ]
    )


def mlp(lib):
    layers = lib.keras.layers
    return lib.keras.Sequential(
        [
            layers.Dense(256, activation="relu"),
            layers.Dense(256, activation="relu"),
            layers.Dense(10),
        ]
    )


CASES = {"convnet": (convnet, 32, (28, 28, 1)), "mlp": (mlp, 128, (784,))}


def make_step(lib, model, optimizer):
    def step(images, labels):
        with lib.GradientTape() as tape:
            logits = model(images, training=True)
            loss = lib.reduce_mean(
                lib.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            )
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return step


def steps_per_second(
    lib, name: str, steps: int, profile: str | None = None, repeat: int = 1
) -> float:
    build, batch, shape = CASES[name]
    rng = np.random.default_rng(0)
    images = lib.constant(rng.random((batch, *shape), dtype=np.float32))
    labels = lib.constant(rng.integers(0, 10, batch).astype(np.int64))
    model = build(lib)
    step = make_step(lib, model, lib.keras.optimizers.Adam())
    for _ in range(3):
        step(images, labels)
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
    best = float("inf")
    for _ in range(1 if profile else repeat):
        start = time.perf_counter()
        for _ in range(steps):
            loss = step(images, labels)
        float(loss)
        best = min(best, time.perf_counter() - start)
    if profile:
        profiler.disable()
        profiler.dump_stats(profile)
    return steps / best


def print_profile(path: str, limit: int = 18) -> None:
    stats = pstats.Stats(path)
    stats.sort_stats("tottime").print_stats(limit)
    by_file: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        key = filename.split("eagerflow/")[-1] if "eagerflow/" in filename else "numpy/python"
        by_file[key] = by_file.get(key, 0.0) + tottime
    total = sum(by_file.values())
    print("self time by file:")
    for key, seconds in sorted(by_file.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {seconds / total:6.1%}  {key}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best counts")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", choices=tuple(CASES), default=None)
    args = parser.parse_args()
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
    print(
        f"cpu cores: {os.cpu_count()}  load average: {os.getloadavg()[0]:.1f}  "
        f"BLAS threads: {threads or 'default'}"
    )
    real_tf = None
    if importlib.util.find_spec("tensorflow") is not None:
        import tensorflow as real_tf  # noqa: PLC0415  (optional comparison)
    for name in CASES:
        if args.only and name != args.only:
            continue
        steps = args.steps if name == "convnet" else args.steps * 5
        profile = f"/tmp/bench_keras_{name}.prof" if args.profile else None
        ours = steps_per_second(tf, name, steps, profile, args.repeat)
        if real_tf is not None:
            theirs = steps_per_second(real_tf, name, steps, repeat=args.repeat)
            source = "TensorFlow eager, measured now"
        else:
            theirs = PUBLISHED[name]
            source = "TensorFlow eager, figure from the issue (not installed here)"
        target = 3 if name == "convnet" else 5
        print(
            f"{name:8s} eagerflow {ours:7.1f} steps/s   TF {theirs:6.1f} ({source})   "
            f"ratio {ours / theirs:5.2f}x (target {target}x)"
        )
        if profile:
            print_profile(profile)


if __name__ == "__main__":
    main()

"""Steps/second of an MLP 784-256-256-10 (batch 128, Adam), custom GradientTape loop and fit.

Target (issue 3): at least 5x TensorFlow eager's ~46 steps/s on the 2-core machine. When
TensorFlow is installed, its eager figure is measured in the same run. `--profile` prints
where the time of the tape loop goes (cProfile, grouped by kernel family).

    python bench/bench_keras_mlp.py [--steps 200] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

import numpy as np

import eagerflow as tf

BATCH, SIZES = 128, (784, 256, 256, 10)


def _model(lib):
    layers = lib.keras.layers
    return lib.keras.Sequential(
        [
            layers.Dense(SIZES[1], activation="relu"),
            layers.Dense(SIZES[2], activation="relu"),
            layers.Dense(SIZES[3]),
        ]
    )


def _data(steps):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(steps * BATCH, SIZES[0])).astype(np.float32)
    y = rng.integers(0, 10, size=steps * BATCH).astype(np.int64)
    return x, y


def tape_loop_rate(lib, steps: int, optimizer=None, profiler=None) -> float:
    model = _model(lib)
    optimizer = optimizer or lib.keras.optimizers.Adam()
    loss_fn = lib.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    x, y = _data(steps)
    batches = [
        (lib.constant(x[i * BATCH : (i + 1) * BATCH]), lib.constant(y[i * BATCH : (i + 1) * BATCH]))
        for i in range(steps)
    ]

    def step(images, labels):
        with lib.GradientTape() as tape:
            loss = loss_fn(labels, model(images, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    for images, labels in batches[:5]:
        step(images, labels)
    if profiler is not None:
        profiler.enable()
    start = time.perf_counter()
    for images, labels in batches:
        step(images, labels)
    elapsed = time.perf_counter() - start
    if profiler is not None:
        profiler.disable()
    return steps / elapsed


def fit_rate(lib, steps: int, run_eagerly: bool) -> float:
    model = _model(lib)
    model.compile(
        optimizer="adam",
        loss=lib.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        run_eagerly=run_eagerly,
    )
    x, y = _data(steps)
    model.fit(x[: 5 * BATCH], y[: 5 * BATCH], batch_size=BATCH, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
    return steps / (time.perf_counter() - start)


_GROUPS = (
    ("matmul (forward and backward)", ("_matmul_kernel",)),
    ("optimizer kernels (Adam)", ("optimizers/",)),
    ("loss and softmax kernels", ("nn_loss_ops", "nn_activation_ops")),
    ("bias/relu/elementwise kernels", ("nn_ops", "math_ops", "math_unary_ops")),
    ("tape and backward sweep", ("autodiff/",)),
    ("dispatch", ("core/dispatch",)),
    ("keras layer __call__ overhead", ("keras/engine", "keras/layers")),
)


def profile(steps: int) -> None:
    profiler = cProfile.Profile()
    tape_loop_rate(tf, steps, profiler=profiler)
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())  # tottime
    grouped = dict.fromkeys([g for g, _ in _GROUPS] + ["other"], 0.0)
    for (filename, _, func), row in stats.stats.items():
        where = f"{filename}:{func}"
        for group, keys in _GROUPS:
            if any(k in where for k in keys):
                grouped[group] += row[2]
                break
        else:
            grouped["other"] += row[2]
    print(f"profile of {steps} tape-loop steps ({total:.2f}s under cProfile):")
    for group, seconds in grouped.items():
        print(f"  {group:<34} {seconds / total * 100:5.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    print(f"MLP 784-256-256-10, batch {BATCH}, Adam, {args.steps} steps")
    print(f"eagerflow tape loop           {tape_loop_rate(tf, args.steps):8.1f} steps/s")
    print(f"eagerflow fit (run_eagerly)   {fit_rate(tf, args.steps, True):8.1f} steps/s")
    print(f"eagerflow fit (tf.function)   {fit_rate(tf, args.steps, False):8.1f} steps/s")
    try:
        import tensorflow as real_tf
    except ImportError:
        print("TensorFlow not installed: baseline not measured (issue figure: ~46 steps/s)")
    else:
        print(f"TensorFlow eager tape loop    {tape_loop_rate(real_tf, args.steps):8.1f} steps/s")
    if args.profile:
        profile(args.steps)


if __name__ == "__main__":
    main()

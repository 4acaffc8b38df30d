"""Steps/second of the guide's MNIST convnet and of an MLP, custom GradientTape loops with Adam.

    python bench/bench_keras.py [--steps 40] [--repeat 3] [--profile]

- convnet: the guide's model (Conv2D 16 3x3 relu, Conv2D 16 3x3 relu, GlobalAveragePooling2D,
  Dense 10), batch 32, 28x28x1 inputs.
- mlp: Dense 784-256-256-10 (relu), batch 128.

Targets (issue 3, 2-core machine): convnet >= 3x TensorFlow 2.21 eager, MLP >= 5x TensorFlow
eager, measured in the same run. TensorFlow and PyTorch are measured when the running
interpreter has them, or the ones named by `--tf-python` / `--torch-python` (TensorFlow is not
a dependency; a separate venv with `pip install tensorflow-cpu` works), each in a child
process so their thread pools do not spin against ours (TensorFlow loaded in this process
costs our convnet ~10%). Without TensorFlow the issue's published figures (~32 and ~46
steps/s) stand in. `--profile` prints where the time goes (cProfile, by function and file).
The machine is shared: each figure is the best of `--repeat` timed runs of `--steps` steps.
On a loaded machine run with `OPENBLAS_NUM_THREADS=1`: OpenBLAS threads spinning against other
processes' work cut both figures ~8x (convnet 72 -> 8 steps/s at load 2.5 on 2 cores).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import json
import os
import pstats
import subprocess
import sys
import time

import numpy as np

PUBLISHED = {"convnet": 32.0, "mlp": 46.0}  # TensorFlow 2.21 eager, from issue 3


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


def reference_figure(python: str, library: str, name: str, steps: int, repeat: int) -> float:
    """Steps/s of `library` ("tensorflow" or "torch") on case `name`, in a child process."""
    command = [python, os.path.abspath(__file__), "--reference", library, "--only", name]
    command += ["--steps", str(steps), "--repeat", str(repeat)]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_reference(library: str, name: str, steps: int, repeat: int) -> None:
    """Child-process side of `reference_figure`: prints one number."""
    if library == "torch":
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from _torch_reference import steps_per_second as torch_steps  # noqa: PLC0415

        print(json.dumps(torch_steps(name, steps, repeat)))
        return
    import tensorflow  # noqa: PLC0415  (optional comparison)

    print(json.dumps(steps_per_second(tensorflow, name, steps, repeat=repeat)))


def _interpreter(explicit: str | None, module: str) -> str | None:
    if explicit:
        return explicit
    return sys.executable if importlib.util.find_spec(module) is not None else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best counts")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", choices=tuple(CASES), default=None)
    parser.add_argument("--tf-python", default=None, help="an interpreter with tensorflow")
    parser.add_argument("--torch-python", default=None, help="an interpreter with torch")
    parser.add_argument("--reference", choices=("tensorflow", "torch"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference:
        run_reference(args.reference, args.only, args.steps, args.repeat)
        return
    import eagerflow as tf  # noqa: PLC0415  (not in the reference children)

    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
    print(
        f"cpu cores: {os.cpu_count()}  load average: {os.getloadavg()[0]:.1f}  "
        f"BLAS threads: {threads or 'default'}"
    )
    tf_python = _interpreter(args.tf_python, "tensorflow")
    torch_python = _interpreter(args.torch_python, "torch")
    for name in CASES:
        if args.only and name != args.only:
            continue
        steps = args.steps if name == "convnet" else args.steps * 5
        profile = f"/tmp/bench_keras_{name}.prof" if args.profile else None
        ours = steps_per_second(tf, name, steps, profile, args.repeat)
        if tf_python:
            theirs = reference_figure(tf_python, "tensorflow", name, steps, args.repeat)
            source = "TensorFlow eager, measured now"
        else:
            theirs = PUBLISHED[name]
            source = "TensorFlow eager, the issue's figure (not installed here)"
        target = 3 if name == "convnet" else 5
        line = (
            f"{name:8s} eagerflow {ours:7.1f} steps/s   TF {theirs:6.1f} ({source})   "
            f"ratio {ours / theirs:5.2f}x (target {target}x)"
        )
        if torch_python:
            torch_figure = reference_figure(torch_python, "torch", name, steps, args.repeat)
            line += f"   PyTorch {torch_figure:6.1f} ({ours / torch_figure:4.2f}x)"
        print(line)
        if profile:
            print_profile(profile)


if __name__ == "__main__":
    main()

"""tf.data speed checks (plain Python, not a test): prints times and ratios.

1. One epoch of full MNIST through `from_tensor_slices(...).shuffle(10000).batch(32)`, against
   a hand-written NumPy loop that shuffles indices and slices batches (target: <= 1.5x).
2. A `map` whose function spends its time in NumPy (GIL released), with
   `num_parallel_calls=AUTOTUNE` and `prefetch`, against the sequential pipeline
   (target: >= 1.6x faster on 2 cores).

Run: python bench/bench_data.py [--mnist DIR] [--repeats N]
"""

from __future__ import annotations

import argparse
import gzip
import pathlib
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import eagerflow as tf  # noqa: E402

DEFAULT_MNIST = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


def load_idx(path: pathlib.Path) -> np.ndarray:
    """An MNIST idx file (gzip): big-endian header, magic 2051 images / 2049 labels."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    if magic == 2051:
        n, rows, cols = (int.from_bytes(data[i : i + 4], "big") for i in (4, 8, 12))
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, rows, cols)
    if magic == 2049:
        n = int.from_bytes(data[4:8], "big")
        return np.frombuffer(data, np.uint8, offset=8)[:n]
    raise ValueError(f"{path}: not an idx file (magic {magic})")


def load_mnist(folder: pathlib.Path) -> tuple[np.ndarray, np.ndarray]:
    images = folder / "train-images-idx3-ubyte.gz"
    if not images.exists():
        print(f"MNIST not found in {folder}; using random data of the same shape")
        rng = np.random.default_rng(0)
        return rng.integers(0, 256, (60000, 28, 28), np.uint8), rng.integers(0, 10, 60000)
    return load_idx(images), load_idx(folder / "train-labels-idx1-ubyte.gz")


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_epoch(images: np.ndarray, labels: np.ndarray, repeats: int) -> float:
    x = tf.cast(images[..., tf.newaxis] / 255, tf.float32)
    y = tf.cast(labels, tf.int64)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10000).batch(32)
    xa, ya = x.numpy(), y.numpy()
    rng = np.random.default_rng(0)

    def pipeline() -> None:
        for _images, _labels in dataset:
            pass

    def by_hand() -> None:
        order = rng.permutation(len(xa))
        for start in range(0, len(order), 32):
            idx = order[start : start + 32]
            _images, _labels = xa[idx], ya[idx]

    t_pipe = best_of(pipeline, repeats)
    t_hand = best_of(by_hand, repeats)
    ratio = t_pipe / t_hand
    print(
        f"epoch  shuffle(10000).batch(32): tf.data {t_pipe * 1e3:7.1f} ms   "
        f"NumPy loop {t_hand * 1e3:7.1f} ms   ratio {ratio:.2f}x (target <= 1.5x)"
    )
    return ratio


def heavy(x: tf.Tensor) -> np.ndarray:
    """Time spent inside NumPy kernels that release the GIL."""
    a = np.asarray(x)
    for _ in range(4):
        a = np.sort(np.sqrt(a * a + 1.0), axis=-1)
    return a


def bench_parallel_map(repeats: int, elements: int = 64) -> float:
    rng = np.random.default_rng(0)
    data = rng.random((elements, 256, 1024)).astype(np.float32)
    source = tf.data.Dataset.from_tensor_slices(data)
    sequential = source.map(heavy)
    parallel = source.map(heavy, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)

    def run(ds: tf.data.Dataset) -> None:
        for _ in ds:
            pass

    t_seq = best_of(lambda: run(sequential), repeats)
    t_par = best_of(lambda: run(parallel), repeats)
    speedup = t_seq / t_par
    print(
        f"map    NumPy-heavy function:     sequential {t_seq * 1e3:7.1f} ms   "
        f"parallel+prefetch {t_par * 1e3:7.1f} ms   speedup {speedup:.2f}x (target >= 1.6x, "
        f"{tf.data._threads.cpu_count()} cores)"
    )
    return speedup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", type=pathlib.Path, default=DEFAULT_MNIST)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    images, labels = load_mnist(args.mnist)
    bench_epoch(images, labels, args.repeats)
    bench_parallel_map(args.repeats)


if __name__ == "__main__":
    main()

"""Checkpoint benchmark: save and restore a 50-million-parameter model vs numpy.save/load.

    python bench/bench_checkpoint.py [--params 50] [--repeats 3] [--dir /tmp/somewhere]

The model is a Keras MLP (2048 -> 4096 -> 4096 -> 4096 -> 2048, float32, ~50.3 M parameters),
or a tf.Module with the same variables when Keras is not importable. The baseline is one
`numpy.save` per array into a directory (overwriting the files of the previous run) and one
`numpy.load` per array. Best of `--repeats` runs each, taken in turn with the baseline, page
cache warm. Lines:

- save: `CheckpointManager(max_to_keep=1).save()`, the training-loop path (a new numbered
  file and the state file, atomic, not fsync'ed, as TensorFlow) vs `numpy.save`. The previous
  checkpoint is deleted by a background thread once the new file is synced to disk; the
  benchmark waits for that (`manager.sync()`) outside the timed call, so it does not overlap
  the next measurement. Target: at most 1.5x.
- save over the same path: `Checkpoint.write(path)` again and again. The temporary file is
  renamed over the previous checkpoint, and ext4 (auto_da_alloc) starts writeback of a file
  renamed over another inside `rename`, to keep that replacement safe across a crash.
- durable save: the manager save with `CheckpointOptions(experimental_sync_to_disk=True)`
  (fsync of the file, the state file and the directory) vs `numpy.save` + fsync of each file.
- async save: how long the manager save blocks with `enable_async=True`, and when the file
  is complete.
- load: `Checkpoint.read` vs `numpy.load`. Target: at most 1.5x.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import eagerflow as tf  # noqa: E402
from eagerflow import train  # noqa: E402


def _build_model(scale: float) -> object:
    widths = [int(w * scale) for w in (2048, 4096, 4096, 4096, 2048)]
    try:
        from eagerflow import keras
    except ImportError:
        keras = None
    if keras is not None:
        model = keras.Sequential([keras.layers.Dense(w) for w in widths[1:]])
        model(tf.zeros([1, widths[0]]))
        return model
    module = tf.Module()
    rng = np.random.default_rng(0)
    module.layers = [
        [tf.Variable(rng.standard_normal((a, b), np.float32)), tf.Variable(np.zeros(b, np.float32))]
        for a, b in zip(widths, widths[1:])
    ]
    return module


def _best(functions: list, repeats: int, settle=lambda: None) -> list[float]:
    """The best time of each function, run in turn round after round: on a shared machine
    both sides of a ratio then meet the same background load. `settle` runs untimed after
    each call (it waits for the manager's background work, which must not overlap the next
    measurement)."""
    best = [float("inf")] * len(functions)
    for _ in range(repeats):
        for i, fn in enumerate(functions):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
            settle()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", type=float, default=50.0, help="millions of parameters")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dir", default=None, help="where to write (default: a temp dir)")
    args = parser.parse_args()

    model = _build_model((args.params / 50.3) ** 0.5)
    variables = list(model.variables)
    arrays = [v.numpy() for v in variables]
    count = sum(a.size for a in arrays)
    print(f"model: {len(variables)} variables, {count / 1e6:.1f} M float32 parameters")

    root = tempfile.mkdtemp(dir=args.dir)
    try:
        checkpoint = train.Checkpoint(model=model)
        prefix = os.path.join(root, "ckpt")
        npy_dir = os.path.join(root, "npy")
        os.makedirs(npy_dir)
        files = [os.path.join(npy_dir, f"{i}.npy") for i in range(len(arrays))]

        def numpy_save() -> None:
            for name, array in zip(files, arrays):
                np.save(name, array)

        def numpy_save_fsync() -> None:
            for name, array in zip(files, arrays):
                with open(name, "wb") as file:
                    np.save(file, array)
                    file.flush()
                    os.fsync(file.fileno())

        def numpy_load() -> None:
            for name in files:
                np.load(name)

        durable = train.CheckpointOptions(experimental_sync_to_disk=True)
        asynchronous = train.CheckpointOptions(enable_async=True)
        manager = train.CheckpointManager(checkpoint, os.path.join(root, "run"), max_to_keep=1)
        save_ours, save_numpy, overwrite_ours = _best(
            [manager.save, numpy_save, lambda: checkpoint.write(prefix)],
            args.repeats,
            manager.sync,
        )
        save_ours_sync, save_numpy_fsync = _best(
            [lambda: manager.save(options=durable), numpy_save_fsync], args.repeats, manager.sync
        )
        returns, completes = float("inf"), float("inf")
        for _ in range(args.repeats):
            start = time.perf_counter()
            manager.save(options=asynchronous)
            returned = time.perf_counter()
            checkpoint.sync()  # the file is complete (superseded ones go after, untimed)
            returns = min(returns, returned - start)
            completes = min(completes, time.perf_counter() - start)
            manager.sync()
        latest = manager.latest_checkpoint
        load_ours, load_numpy = _best(
            [lambda: checkpoint.read(latest).assert_consumed(), numpy_load], args.repeats
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print(
        f"save:              ours {save_ours:.3f} s   numpy.save {save_numpy:.3f} s   "
        f"ratio {save_ours / save_numpy:.2f}x (target <= 1.5x)"
    )
    print(
        f"save, same path:   ours {overwrite_ours:.3f} s   "
        f"ratio {overwrite_ours / save_numpy:.2f}x (rename over the previous file)"
    )
    print(
        f"durable save:      ours, experimental_sync_to_disk=True {save_ours_sync:.3f} s   "
        f"numpy.save + fsync {save_numpy_fsync:.3f} s   "
        f"ratio {save_ours_sync / save_numpy_fsync:.2f}x"
    )
    print(
        f"async save:        enable_async=True returns in {returns:.3f} s, "
        f"file complete after {completes:.3f} s"
    )
    print(
        f"load:              ours {load_ours:.3f} s   numpy.load {load_numpy:.3f} s   "
        f"ratio {load_ours / load_numpy:.2f}x (target <= 1.5x)"
    )
    total = (save_ours + load_ours) / (save_numpy + load_numpy)
    print(f"save+restore ratio {total:.2f}x")


if __name__ == "__main__":
    main()

"""Trains an MNIST convnet eagerly with a custom `GradientTape` loop (the guide's "Train a model").

    python -m eagerflow.examples.mnist                # full MNIST if found, else the sample
    python -m eagerflow.examples.mnist --sample       # the small sample shipped in the package
    python -m eagerflow.examples.mnist --data-dir /path/to/mnist --epochs 3

The full data comes from the Keras cache folder (`$KERAS_HOME/datasets`, downloaded there if
missing and possible) or from `--data-dir` (a folder holding `mnist.npz` or the four idx
`.gz` files). When neither is available the run says so and uses the shipped sample.
The loss history is plotted to `--plot` (default `mnist_loss.png`) when matplotlib is installed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

import numpy as np

import eagerflow as tf
from eagerflow.train.checkpoint_format import atomic_write

L = tf.keras.layers


def build_model(kind: str) -> Any:
    """`convnet`: a small convnet (98.6% after 3 epochs on MNIST); `guide`: the guide's model."""
    if kind == "guide":
        return tf.keras.Sequential(
            [
                L.Conv2D(16, [3, 3], activation="relu"),
                L.Conv2D(16, [3, 3], activation="relu"),
                L.GlobalAveragePooling2D(),
                L.Dense(10),
            ]
        )
    return tf.keras.Sequential(
        [
            L.Conv2D(32, [3, 3], activation="relu"),
            L.MaxPooling2D(),
            L.Conv2D(64, [3, 3], activation="relu"),
            L.MaxPooling2D(),
            L.Flatten(),
            L.Dense(10),
        ]
    )


def load(args: argparse.Namespace) -> tuple[tuple, tuple, str]:
    mnist = tf.keras.datasets.mnist
    if args.sample:
        return (*mnist.load_sample(), "the MNIST sample shipped with eagerflow (5000/1000)")
    if args.data_dir:
        found = mnist.find_local(args.data_dir)
        if found is None:
            raise SystemExit(
                f"--data-dir {args.data_dir}: no mnist.npz and no MNIST idx files "
                f"({', '.join(mnist.IDX_FILES)}) there."
            )
        return (*found, f"full MNIST from {args.data_dir}")
    try:
        train, test = mnist.load_data()
        return train, test, "full MNIST from the Keras cache folder"
    except FileNotFoundError as error:
        print(f"Full MNIST is not available:\n{error}\n")
        print("Using the MNIST sample shipped with eagerflow instead (5000 train / 1000 test).")
        return (*mnist.load_sample(), "the MNIST sample shipped with eagerflow (5000/1000)")


def make_dataset(images: np.ndarray, labels: np.ndarray, batch_size: int, seed: int) -> Any:
    """The guide's pipeline: scale to [0, 1], add a channel axis, shuffle, batch."""
    dataset = tf.data.Dataset.from_tensor_slices(
        (tf.cast(images[..., tf.newaxis] / 255, tf.float32), tf.cast(labels, tf.int64))
    )
    return dataset.shuffle(10000, seed=seed).batch(batch_size)


def evaluate(model: Any, images: np.ndarray, labels: np.ndarray, batch_size: int = 500) -> float:
    correct = 0
    for start in range(0, len(images), batch_size):
        batch = tf.cast(images[start : start + batch_size, ..., None] / 255, tf.float32)
        logits = model(batch, training=False)
        predicted = np.argmax(logits.numpy(), axis=1)
        correct += int(np.sum(predicted == labels[start : start + batch_size]))
    return correct / len(images)


class Progress:
    """One line per epoch, redrawn in place on a terminal, every 10% otherwise."""

    def __init__(self, epoch: int, epochs: int, steps: int) -> None:
        self.epoch, self.epochs, self.steps = epoch, epochs, steps
        self.start = time.time()
        self.tty = sys.stdout.isatty()
        self.every = max(1, steps // 10)

    def update(self, step: int, loss: float, final: bool = False) -> None:
        if not (final or self.tty and step % 5 == 0 or step % self.every == 0):
            return
        elapsed = time.time() - self.start
        rate = step / elapsed if elapsed > 0 else 0.0
        width = 20
        filled = int(width * step / self.steps)
        bar = "=" * filled + "." * (width - filled)
        line = (
            f"epoch {self.epoch}/{self.epochs} [{bar}] {step}/{self.steps} "
            f"loss {loss:.4f}  {rate:.1f} steps/s  {elapsed:.0f}s"
        )
        end = "\n" if final or not self.tty else ""
        print(("\r" if self.tty else "") + line, end=end, flush=True)


def save_plot(loss_history: list, path: str) -> None:
    try:
        import matplotlib  # noqa: PLC0415  (optional extra)

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        print("matplotlib is not installed (pip install 'eagerflow[plot]'): no loss plot saved.")
        return
    plt.figure(figsize=(7, 4))
    plt.plot(loss_history)
    plt.xlabel("Batch #")
    plt.ylabel("Loss [entropy]")
    plt.title("MNIST training loss (eagerflow)")
    plt.tight_layout()
    # Written under a temporary name and renamed, as checkpoints are: a crash mid-write never
    # leaves a broken plot where the previous run's was.
    image_format = os.path.splitext(path)[1].lstrip(".").lower() or "png"
    atomic_write(path, lambda file: plt.savefig(file, format=image_format))
    plt.close()
    print(f"Loss history plot saved to {path}")


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--data-dir", default=None, help="folder with mnist.npz or idx files")
    parser.add_argument("--sample", action="store_true", help="use the shipped sample")
    parser.add_argument("--model", choices=("convnet", "guide"), default="convnet")
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--max-steps", type=int, default=None, help="stop each epoch early")
    parser.add_argument("--plot", default="mnist_loss.png", help="loss plot file ('' for none)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    tf.random.set_seed(args.seed)
    (x_train, y_train), (x_test, y_test), source = load(args)
    print(f"Data: {source}: {len(x_train)} training and {len(x_test)} test images.")
    dataset = make_dataset(x_train, y_train, args.batch_size, args.seed)
    model = build_model(args.model)
    optimizer = tf.keras.optimizers.Adam(learning_rate=args.learning_rate)
    steps = -(-len(x_train) // args.batch_size)
    if args.max_steps:
        steps = min(steps, args.max_steps)

    loss_history = []
    start = time.time()
    for epoch in range(1, args.epochs + 1):
        progress = Progress(epoch, args.epochs, steps)
        for batch, (images, labels) in enumerate(dataset.take(steps), start=1):
            with tf.GradientTape() as tape:
                logits = model(images, training=True)
                loss_value = tf.reduce_mean(
                    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
                )
            loss_history.append(float(loss_value.numpy()))
            grads = tape.gradient(loss_value, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            progress.update(batch, float(np.mean(loss_history[-50:])), final=batch == steps)
    train_time = time.time() - start
    accuracy = evaluate(model, x_test, y_test)
    print(f"Training took {train_time:.1f}s ({len(loss_history) / train_time:.1f} steps/s).")
    print(f"Test accuracy: {accuracy:.4f} ({len(x_test)} test images)")
    if args.plot:
        save_plot(loss_history, os.path.abspath(args.plot))
    return accuracy


if __name__ == "__main__":
    main()

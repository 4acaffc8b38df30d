"""GPU benchmarks (needs CuPy and a CUDA GPU; PyTorch comparisons run when torch is installed).

    python bench/bench_gpu.py [--resnet-steps 5] [--batch 64]

Prints: the guide's 200 chained 1000x1000 matmuls on GPU vs CPU; training steps/s of a
Keras-style ResNet50 (batch 64, 224x224; eager and tf.function) and of the guide's MNIST
convnet (batch 32), each against PyTorch eager on the same GPU. Asserts nothing.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import eagerflow as tf

layers = tf.keras.layers


def _sync() -> None:
    import cupy

    cupy.cuda.Device().synchronize()


def bench_matmul_chain(steps: int = 200) -> None:
    def measure(x):
        tf.matmul(x, x)
        start = time.time()
        for _ in range(steps):
            x = tf.matmul(x, x)
        _ = x.numpy()
        return time.time() - start

    shape = (1000, 1000)
    with tf.device("/cpu:0"):
        cpu = measure(tf.random_normal(shape) / 40.0)
    with tf.device("/gpu:0"):
        gpu = measure(tf.random_normal(shape) / 40.0)
    print(
        f"guide matmul chain {steps}x{shape}: CPU {cpu:.3f} s, GPU {gpu:.3f} s "
        f"(GPU {cpu / gpu:.1f}x faster)"
    )


class Bottleneck(tf.keras.Model):
    def __init__(self, filters: int, strides: int, project: bool):
        super().__init__()
        self.conv1 = layers.Conv2D(filters, 1, strides=strides, use_bias=False)
        self.bn1 = layers.BatchNormalization()
        self.conv2 = layers.Conv2D(filters, 3, padding="same", use_bias=False)
        self.bn2 = layers.BatchNormalization()
        self.conv3 = layers.Conv2D(filters * 4, 1, use_bias=False)
        self.bn3 = layers.BatchNormalization()
        self.shortcut = None
        if project:
            self.shortcut = layers.Conv2D(filters * 4, 1, strides=strides, use_bias=False)
            self.bn_short = layers.BatchNormalization()

    def call(self, x, training=None):
        y = tf.nn.relu(self.bn1(self.conv1(x), training=training))
        y = tf.nn.relu(self.bn2(self.conv2(y), training=training))
        y = self.bn3(self.conv3(y), training=training)
        short = x if self.shortcut is None else self.bn_short(self.shortcut(x), training=training)
        return tf.nn.relu(y + short)


class ResNet50(tf.keras.Model):
    def __init__(self, classes: int = 1000):
        super().__init__()
        self.stem = layers.Conv2D(64, 7, strides=2, padding="same", use_bias=False)
        self.bn = layers.BatchNormalization()
        self.pool = layers.MaxPooling2D(3, strides=2, padding="same")
        self.blocks = []
        for stage, (filters, count) in enumerate([(64, 3), (128, 4), (256, 6), (512, 3)]):
            for i in range(count):
                strides = 2 if i == 0 and stage > 0 else 1
                self.blocks.append(Bottleneck(filters, strides, project=i == 0))
        self.head = layers.Dense(classes)

    def call(self, x, training=None):
        x = self.pool(tf.nn.relu(self.bn(self.stem(x), training=training)))
        for block in self.blocks:
            x = block(x, training=training)
        return self.head(tf.reduce_mean(x, axis=[1, 2]))


def _train_step_fn(model, optimizer):
    def step(images, labels):
        with tf.GradientTape() as tape:
            logits = model(images, training=True)
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
            )
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return step


def _steps_per_second(step, images, labels, steps: int) -> float:
    for _ in range(2):
        step(images, labels).numpy()
    _sync()
    start = time.time()
    for _ in range(steps):
        loss = step(images, labels)
    loss.numpy()
    _sync()
    return steps / (time.time() - start)


def bench_eagerflow_model(
    name: str, model_fn, shape, classes: int, batch: int, steps: int, use_function: bool
) -> float | None:
    with tf.device("/gpu:0"):
        model = model_fn()
        optimizer = tf.keras.optimizers.SGD(0.01, momentum=0.9)
        rng = np.random.default_rng(0)
        images = tf.constant(rng.standard_normal((batch,) + shape).astype(np.float32))
        labels = tf.constant(rng.integers(0, classes, batch).astype(np.int64))
        step = _train_step_fn(model, optimizer)
        if use_function:
            step = tf.function(step)
        try:
            rate = _steps_per_second(step, images, labels, steps)
        except Exception as exc:  # noqa: BLE001  (report and go on: a benchmark, not a test)
            print(f"{name} ({'tf.function' if use_function else 'eager'}): failed: {exc!r}")
            return None
    mode = "tf.function" if use_function else "eager"
    print(f"eagerflow {name} {mode}: {rate:.2f} steps/s ({1000 / rate:.1f} ms/step)")
    return rate


def bench_torch_model(
    name: str, build, shape, classes: int, batch: int, steps: int
) -> float | None:
    try:
        import torch
    except ImportError:
        print("PyTorch not installed: no comparison")
        return None
    device = torch.device("cuda")
    model = build().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    images = torch.randn((batch,) + (shape[2], shape[0], shape[1]), device=device)
    labels = torch.randint(0, classes, (batch,), device=device)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(2):
        step()
    torch.cuda.synchronize()
    start = time.time()
    for _ in range(steps):
        step()
    torch.cuda.synchronize()
    rate = steps / (time.time() - start)
    print(f"PyTorch {name} eager: {rate:.2f} steps/s ({1000 / rate:.1f} ms/step)")
    return rate


def mnist_convnet():
    return tf.keras.Sequential(
        [
            layers.Conv2D(16, [3, 3], activation="relu"),
            layers.Conv2D(16, [3, 3], activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(10),
        ]
    )


def torch_mnist_convnet():
    import torch.nn as nn

    return nn.Sequential(
        nn.Conv2d(1, 16, 3),
        nn.ReLU(),
        nn.Conv2d(16, 16, 3),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(16, 10),
    )


def torch_resnet50():
    import torchvision

    return torchvision.models.resnet50()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resnet-steps", type=int, default=5)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--skip-function", action="store_true")
    args = parser.parse_args()
    bench_matmul_chain()
    mn = bench_eagerflow_model("MNIST convnet", mnist_convnet, (28, 28, 1), 10, 32, 50, False)
    pt = bench_torch_model("MNIST convnet", torch_mnist_convnet, (28, 28, 1), 10, 32, 50)
    if mn and pt:
        print(f"  MNIST convnet step time vs PyTorch: {pt / mn:.2f}x")
    r_eager = bench_eagerflow_model(
        "ResNet50", ResNet50, (224, 224, 3), 1000, args.batch, args.resnet_steps, False
    )
    if not args.skip_function:
        bench_eagerflow_model(
            "ResNet50", ResNet50, (224, 224, 3), 1000, args.batch, args.resnet_steps, True
        )
    r_torch = bench_torch_model(
        "ResNet50", torch_resnet50, (224, 224, 3), 1000, args.batch, args.resnet_steps
    )
    if r_eager and r_torch:
        print(
            f"  ResNet50 eager step time vs PyTorch eager: {r_torch / r_eager:.2f}x "
            "(target <= 1.5x)"
        )


if __name__ == "__main__":
    main()

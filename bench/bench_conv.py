"""Conv benchmark: forward + backward of the Keras MNIST convnet's convolutions (CPU or GPU).

    python bench/bench_conv.py [--device /gpu:0] [--repeats 20]

Times one conv layer (32x28x28x1 -> 16 channels, 3x3, VALID, input and filter gradients),
the second layer (32x26x26x16 -> 16) and a whole two-conv + relu + max-pool + dense step.
"""

import argparse
import time

import numpy as np

import eagerflow as tf


def _time(fn, repeats):
    fn()  # warm-up
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeats):
            fn()
        best = min(best, (time.perf_counter() - start) / repeats)
    return best * 1e3


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="/cpu:0")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    with tf.device(args.device):
        x = tf.constant(rng.normal(size=(32, 28, 28, 1)).astype(np.float32))
        w1 = tf.Variable(rng.normal(size=(3, 3, 1, 16)).astype(np.float32) * 0.3)
        w2 = tf.Variable(rng.normal(size=(3, 3, 16, 16)).astype(np.float32) * 0.1)
        b1, b2 = tf.Variable(tf.zeros([16])), tf.Variable(tf.zeros([16]))
        wd = tf.Variable(rng.normal(size=(12 * 12 * 16, 10)).astype(np.float32) * 0.01)
        labels = tf.constant(rng.integers(0, 10, size=32).astype(np.int32))
        h1 = tf.constant(rng.normal(size=(32, 26, 26, 16)).astype(np.float32))

        def layer(inp, w):
            with tf.GradientTape() as tape:
                tape.watch(inp)
                loss = tf.reduce_sum(tf.nn.conv2d(inp, w, 1, "VALID"))
            return tape.gradient(loss, [inp, w])

        def step():
            with tf.GradientTape() as tape:
                h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w1, 1, "VALID"), b1))
                h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, w2, 1, "VALID"), b2))
                h = tf.nn.max_pool2d(h, 2, 2, "VALID")
                logits = tf.matmul(tf.reshape(h, [32, -1]), wd)
                loss = tf.reduce_mean(
                    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
                )
            grads = tape.gradient(loss, [w1, b1, w2, b2, wd])
            return [g.numpy() for g in grads]

        conv1 = _time(lambda: [g.numpy() for g in layer(x, w1)], args.repeats)
        conv2 = _time(lambda: [g.numpy() for g in layer(h1, w2)], args.repeats)
        whole = _time(step, max(args.repeats // 4, 3))
    print(f"device {args.device}")
    print(f"conv 32x28x28x1 -> 16 (3x3) forward+backward: {conv1:.2f} ms")
    print(f"conv 32x26x26x16 -> 16 (3x3) forward+backward: {conv2:.2f} ms")
    print(f"MNIST convnet train step (2 conv, pool, dense, loss): {whole:.2f} ms")


if __name__ == "__main__":
    main()

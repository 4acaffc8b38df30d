"""`tf.keras.datasets`: MNIST (with a small sample shipped in the package) and Fashion-MNIST."""
# ruff: noqa: F401

from eagerflow.keras.datasets import fashion_mnist, mnist

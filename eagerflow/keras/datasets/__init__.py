"""`tf.keras.datasets`: MNIST and Fashion-MNIST loaders."""

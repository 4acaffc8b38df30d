"""`tf.keras.datasets.fashion_mnist`: Zalando's Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017).

Same layout as MNIST (28x28 grayscale, 10 classes). `load_data()` reads the four idx `.gz`
files from `$KERAS_HOME/datasets/fashion-mnist` (Keras's folder), downloading any that are
missing. The files are checked for their idx structure (Keras publishes no checksums).
"""

from __future__ import annotations

import os

from eagerflow.keras.datasets import _files

BASE_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


def load_data(download: bool = True, folder: str | None = None) -> tuple:
    """Loads Fashion-MNIST: `(x_train, y_train), (x_test, y_test)` as uint8 NumPy arrays.

    Args:
        download: fetch missing files (eagerflow extension; False raises an error that
            says which files to put where).
        folder: where the idx files are (default `$KERAS_HOME/datasets/fashion-mnist`).
    """
    folder = folder or os.path.join(_files.cache_dir(), "fashion-mnist")
    missing = [n for n in FILES if not os.path.isfile(os.path.join(folder, n))]
    if missing:
        if not download:
            raise FileNotFoundError(
                _files.missing_files_message("Fashion-MNIST", folder, list(FILES), "download=False")
            )
        for name in missing:
            try:
                _files.download(BASE_URL + name, os.path.join(folder, name))
            except Exception as error:
                if _files.is_offline_error(error):
                    raise FileNotFoundError(
                        _files.missing_files_message("Fashion-MNIST", folder, list(FILES), error)
                    ) from None
                raise
    x_train, y_train, x_test, y_test = (_files.read_idx(os.path.join(folder, n)) for n in FILES)
    for images, labels, part in ((x_train, y_train, "train"), (x_test, y_test, "t10k")):
        if images.shape[0] != labels.shape[0]:
            raise ValueError(
                f"Fashion-MNIST: {part} images ({images.shape[0]}) and labels "
                f"({labels.shape[0]}) differ in count; a file is corrupted."
            )
    return (x_train, y_train), (x_test, y_test)

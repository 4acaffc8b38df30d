"""`tf.keras.datasets.mnist`: the MNIST handwritten digits (LeCun, Cortes and Burges).

`load_data()` looks in the Keras cache folder (`$KERAS_HOME/datasets`, default
`~/.keras/datasets`) for Keras's `mnist.npz` or for the four original idx `.gz` files,
verifies their sha256, and otherwise downloads `mnist.npz`. `load_sample()` returns a small
real subset that ships inside the package (no download).
"""

from __future__ import annotations

import os

import numpy as np

from eagerflow.keras.datasets import _files

NPZ_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
NPZ_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
# The original idx files (byte-identical to those published by LeCun et al.).
IDX_FILES = {
    "train-images-idx3-ubyte.gz": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
    ),
    "train-labels-idx1-ubyte.gz": (
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
    ),
    "t10k-images-idx3-ubyte.gz": (
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
    ),
}
SAMPLE_PATH = os.path.join(os.path.dirname(__file__), "mnist_sample.npz")


def _from_idx(folder: str, files: dict) -> tuple:
    arrays = []
    for name, digest in files.items():
        path = os.path.join(folder, name)
        _files.verify(path, digest)
        arrays.append(_files.read_idx(path))
    x_train, y_train, x_test, y_test = arrays
    return (x_train, y_train), (x_test, y_test)


def find_local(folder: str, npz_name: str = "mnist.npz") -> tuple | None:
    """The dataset from `folder` (an `mnist.npz` or the four idx files), or None if absent.

    Files that are present but fail their checksum or format check raise ValueError.
    """
    npz = os.path.join(folder, npz_name)
    if os.path.isfile(npz):
        _files.verify(npz, NPZ_SHA256 if npz_name == "mnist.npz" else None)
        x_train, y_train, x_test, y_test = _files.read_npz(
            npz, ("x_train", "y_train", "x_test", "y_test")
        )
        return (x_train, y_train), (x_test, y_test)
    present = [n for n in IDX_FILES if os.path.isfile(os.path.join(folder, n))]
    if present:
        missing = [n for n in IDX_FILES if n not in present]
        if missing:
            raise ValueError(
                f"MNIST: {folder} holds some of the idx files but not {missing}; add them "
                "(or mnist.npz) to use the folder."
            )
        return _from_idx(folder, IDX_FILES)
    return None


def load_data(path: str = "mnist.npz", download: bool = True) -> tuple:
    """Loads MNIST: `(x_train, y_train), (x_test, y_test)` as uint8 NumPy arrays.

    Args:
        path: file name of the archive in the cache folder; a path with a folder part
            makes that folder the one searched (for the archive or the four idx files).
        download: fetch `mnist.npz` when nothing is found locally (eagerflow extension;
            False raises an error that says which files to put where).

    Returns:
        x_train (60000, 28, 28), y_train (60000,), x_test (10000, 28, 28), y_test (10000,).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
    """
    folder, name = os.path.split(os.path.expanduser(path))
    folder = folder or _files.cache_dir()
    found = find_local(folder, name)
    if found is not None:
        return found
    options = [f"mnist.npz (sha256 {NPZ_SHA256})"] + [
        f"{n} (sha256 {d})" for n, d in IDX_FILES.items()
    ]
    if not download:
        raise FileNotFoundError(
            _files.missing_files_message("MNIST", folder, options, "download=False")
        )
    try:
        target = _files.download(NPZ_URL, os.path.join(folder, name), NPZ_SHA256)
    except Exception as error:
        if _files.is_offline_error(error):
            raise FileNotFoundError(
                _files.missing_files_message("MNIST", folder, options, error)
            ) from None
        raise
    found = find_local(os.path.dirname(target), os.path.basename(target))
    return found


def load_sample() -> tuple:
    """A real MNIST subset shipped with eagerflow: 5000 training and 1000 test images.

    Drawn at random (seed 0) from the original training and test sets; use it when the full
    data is not available. Same format as `load_data()`.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_sample()
        >>> x_train.shape, x_test.shape
        ((5000, 28, 28), (1000, 28, 28))
    """
    with np.load(SAMPLE_PATH, allow_pickle=False) as data:
        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])

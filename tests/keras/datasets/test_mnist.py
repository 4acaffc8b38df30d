"""MNIST loading: the shared idx files, checksums, corrupted files, the shipped sample.

Nothing here downloads: `download=False` turns a missing dataset into an error message.
"""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

import eagerflow as tf
from eagerflow.keras.datasets import _files, fashion_mnist, mnist


def test_loads_the_shared_idx_files(shared_mnist) -> None:
    (x_train, y_train), (x_test, y_test) = mnist.load_data(
        str(shared_mnist / "mnist.npz"), download=False
    )
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (60000,) and x_test.shape == (10000, 28, 28)
    assert y_test.shape == (10000,)
    counts = np.bincount(y_train, minlength=10)
    assert counts.tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert x_train.max() == 255 and x_train.min() == 0


def test_keras_home_cache_folder(tmp_path, monkeypatch, shared_mnist) -> None:
    cache = tmp_path / "datasets"
    cache.mkdir()
    for name in mnist.IDX_FILES:
        if "t10k" in name:
            shutil.copy(shared_mnist / name, cache / name)
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        (cache / name).symlink_to(shared_mnist / name)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert _files.cache_dir() == str(cache)
    (_, _), (x_test, y_test) = mnist.load_data(download=False)
    assert x_test.shape == (10000, 28, 28) and y_test[:5].tolist() == [7, 2, 1, 0, 4]


def _write_idx(path, array: np.ndarray, magic: int) -> None:
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def test_corrupted_file_fails_with_a_clear_error(tmp_path, shared_mnist) -> None:
    for name in mnist.IDX_FILES:
        shutil.copy(shared_mnist / name, tmp_path / name)
    broken = tmp_path / "t10k-labels-idx1-ubyte.gz"
    data = bytearray(broken.read_bytes())
    data[100] ^= 0xFF
    broken.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte.gz: sha256 is .* corrupted"):
        mnist.load_data(str(tmp_path / "mnist.npz"), download=False)


def test_idx_reader_checks_magic_and_size(tmp_path) -> None:
    good = tmp_path / "labels.gz"
    _write_idx(good, np.arange(5), 2049)
    np.testing.assert_array_equal(_files.read_idx(str(good)), np.arange(5))
    bad_magic = tmp_path / "magic.gz"
    _write_idx(bad_magic, np.arange(5), 1234)
    with pytest.raises(ValueError, match="bad idx magic number"):
        _files.read_idx(str(bad_magic))
    truncated = tmp_path / "short.gz"
    with gzip.open(truncated, "wb") as f:
        f.write((2051).to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in (3, 2, 2)))
        f.write(b"\x00" * 5)
    with pytest.raises(ValueError, match="corrupted or truncated"):
        _files.read_idx(str(truncated))
    not_gzip = tmp_path / "plain.gz"
    not_gzip.write_bytes(b"not a gzip file at all")
    with pytest.raises(ValueError, match="cannot read the idx file"):
        _files.read_idx(str(not_gzip))


def test_missing_data_says_which_files_to_put_where(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError) as info:
        mnist.load_data(download=False)
    message = str(info.value)
    assert str(tmp_path / "datasets") in message
    assert "mnist.npz (sha256 731c5ac6" in message
    assert "train-images-idx3-ubyte.gz" in message and "t10k-labels-idx1-ubyte.gz" in message


def test_partial_idx_folder_is_reported(tmp_path, shared_mnist) -> None:
    shutil.copy(shared_mnist / "t10k-labels-idx1-ubyte.gz", tmp_path)
    with pytest.raises(ValueError, match="holds some of the idx files"):
        mnist.find_local(str(tmp_path))


def test_offline_download_failure_becomes_the_same_message(tmp_path, monkeypatch) -> None:
    def offline(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(_files.urllib.request, "urlopen", offline)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="could not be downloaded .*unreachable"):
        mnist.load_data()
    with pytest.raises(FileNotFoundError, match="Fashion-MNIST"):
        fashion_mnist.load_data()


def test_fashion_mnist_reads_idx_files(tmp_path) -> None:
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte.gz": (rng.integers(0, 256, (6, 28, 28)), 2051),
        "train-labels-idx1-ubyte.gz": (rng.integers(0, 10, 6), 2049),
        "t10k-images-idx3-ubyte.gz": (rng.integers(0, 256, (2, 28, 28)), 2051),
        "t10k-labels-idx1-ubyte.gz": (rng.integers(0, 10, 2), 2049),
    }
    for name, (array, magic) in arrays.items():
        _write_idx(tmp_path / name, array, magic)
    (x_train, y_train), (x_test, _) = fashion_mnist.load_data(folder=str(tmp_path))
    assert x_train.shape == (6, 28, 28) and x_test.shape == (2, 28, 28)
    np.testing.assert_array_equal(y_train, arrays["train-labels-idx1-ubyte.gz"][0])


def test_shipped_sample(shared_mnist) -> None:
    (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_sample()
    assert x_train.shape == (5000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert set(np.unique(y_train)) == set(range(10))
    # The sample is real MNIST: the stored indices point at the same images.
    (full_x, full_y), (test_x, test_y) = mnist.load_data(
        str(shared_mnist / "mnist.npz"), download=False
    )
    with np.load(mnist.SAMPLE_PATH) as data:
        train_idx, test_idx = data["train_indices"], data["test_indices"]
    np.testing.assert_array_equal(full_x[train_idx], x_train)
    np.testing.assert_array_equal(full_y[train_idx], y_train)
    np.testing.assert_array_equal(test_x[test_idx], x_test)
    np.testing.assert_array_equal(test_y[test_idx], y_test)


def test_npz_archives(tmp_path) -> None:
    arrays = {
        "x_train": np.zeros((4, 28, 28), np.uint8),
        "y_train": np.arange(4, dtype=np.uint8),
        "x_test": np.ones((2, 28, 28), np.uint8),
        "y_test": np.arange(2, dtype=np.uint8),
    }
    np.savez(tmp_path / "custom.npz", **arrays)
    (x_train, y_train), (x_test, _) = mnist.load_data(str(tmp_path / "custom.npz"), download=False)
    assert x_train.shape == (4, 28, 28) and x_test.shape == (2, 28, 28)
    np.testing.assert_array_equal(y_train, arrays["y_train"])
    # Keras's own archive name is checked against its published sha256.
    np.savez(tmp_path / "mnist.npz", **arrays)
    with pytest.raises(ValueError, match=r"mnist.npz: sha256 is .*expected 731c5ac6"):
        mnist.load_data(str(tmp_path / "mnist.npz"), download=False)

"""The checkpoint file: version-2 layout and validation, version-1 `.npz` reading, fsync policy."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import struct
import zipfile

import numpy as np
import pytest

import eagerflow as tf
from eagerflow import keras, train
from eagerflow.train import checkpoint_format

MAGIC = b"\x89EFCKPT\n"
V1_FIXTURE = pathlib.Path(__file__).parent / "data" / "checkpoint_v1.npz"
_METADATA = {"format": "eagerflow-checkpoint", "version": 2, "nodes": []}


def _round_trip(tmp_path, arrays: dict) -> dict:
    checkpoint_format.write_file(str(tmp_path / "t"), _METADATA, iter(arrays.items()))
    with checkpoint_format.CheckpointReader(str(tmp_path / "t")) as reader:
        return {key: reader.get_tensor(key) for key in reader.keys()}


def test_dtypes_and_shapes_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {
        "f32": rng.standard_normal((3, 5)).astype(np.float32),
        "scalar": np.array(2.5),
        "empty": np.zeros((0, 7), np.float32),
        "bool": np.array([True, False, True]),
        "f16": np.array([1.5, -0.25], np.float16),
        "c128": np.array([1 + 2j, -3j]),
        "i8": np.array([-128, 127], np.int8),
        "u64": np.array([2**64 - 1], np.uint64),
        "big_endian": np.arange(3, dtype=">i4"),
        "str": np.array(["alpha", "ß"]),
        "bytes": np.array([b"\x00x", b"yz"]),
        "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "strided": np.arange(20, dtype=np.int16)[::3],
    }
    back = _round_trip(tmp_path, arrays)
    assert list(back) == list(arrays)
    for key, array in arrays.items():
        assert back[key].dtype == array.dtype and back[key].shape == array.shape, key
        np.testing.assert_array_equal(back[key], array)
        assert back[key].flags.c_contiguous and back[key].flags.writeable


def test_bfloat16_round_trips_when_ml_dtypes_is_installed(tmp_path):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    array = np.array([1.0, -2.5, 3.0], ml_dtypes.bfloat16)
    back = _round_trip(tmp_path, {"b": array})["b"]
    assert back.dtype == array.dtype
    np.testing.assert_array_equal(back, array)


def test_layout_alignment_and_footer(tmp_path):
    arrays = {"a": np.arange(3, dtype=np.uint8), "b": np.ones(5), "c": np.zeros(0)}
    path = checkpoint_format.write_file(str(tmp_path / "t"), _METADATA, iter(arrays.items()))
    assert path == str(tmp_path / "t.ckpt")
    data = pathlib.Path(path).read_bytes()
    assert data[:8] == MAGIC and data[-8:] == MAGIC
    (length,) = struct.unpack("<Q", data[-16:-8])
    index = json.loads(data[-16 - length : -16])
    assert index["metadata"] == _METADATA
    assert index["tensors"]["a"] == {"dtype": "|u1", "shape": [3], "offset": 64, "nbytes": 3}
    assert index["tensors"]["b"] == {"dtype": "<f8", "shape": [5], "offset": 128, "nbytes": 40}
    for key, entry in index["tensors"].items():
        assert entry["offset"] % 64 == 0
        start, stop = entry["offset"], entry["offset"] + entry["nbytes"]
        raw = np.frombuffer(data[start:stop], entry["dtype"]).reshape(entry["shape"])
        np.testing.assert_array_equal(raw, arrays[key])
    assert data[8:128] == bytes(56) + b"\x00\x01\x02" + bytes(61)  # zero padding around a


def test_a_path_ending_in_ckpt_is_used_as_is(tmp_path):
    v = tf.Variable(1.0)
    train.Checkpoint(v=v).write(str(tmp_path / "w.ckpt"))
    assert os.listdir(tmp_path) == ["w.ckpt"]
    train.Checkpoint(v=v).read(str(tmp_path / "w.ckpt")).assert_consumed()
    train.Checkpoint(v=v).read(str(tmp_path / "w")).assert_consumed()


def test_object_arrays_are_refused(tmp_path):
    bad = np.array([{"a": 1}], dtype=object)
    with pytest.raises(TypeError, match=r"variable 'x' has dtype object.*without pickle"):
        checkpoint_format.write_file(str(tmp_path / "t"), _METADATA, iter([("x", bad)]))
    assert os.listdir(tmp_path) == []  # the temporary file went too


def test_arrays_are_streamed_one_at_a_time(tmp_path):
    sizes_on_disk = []

    def arrays():
        for i in range(3):
            # What is in the temporary file when the writer asks for the next array.
            sizes_on_disk.append(sum(p.stat().st_size for p in tmp_path.iterdir()))
            yield f"k{i}", np.full(1 << 14, i, np.float32)  # 64 KiB: past the write buffer

    checkpoint_format.write_file(str(tmp_path / "t"), _METADATA, arrays())
    assert sizes_on_disk == [0, 64 + (1 << 16), 64 + (2 << 16)]
    with checkpoint_format.CheckpointReader(str(tmp_path / "t")) as reader:
        assert reader.keys() == ["k0", "k1", "k2"]
        assert reader.get_tensor("k2")[-1] == 2


def _index_and_data(path: pathlib.Path) -> tuple[dict, bytes]:
    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[-16:-8])
    return json.loads(data[-16 - length : -16]), data[: -16 - length]


def _with_index(path: pathlib.Path, index: dict, data: bytes) -> None:
    document = json.dumps(index).encode()
    path.write_bytes(data + document + struct.pack("<Q", len(document)) + MAGIC)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.update(offset=e["offset"] + 64), r"tensor 'w'.*outside the data"),
        (lambda e: e.update(offset=0), r"tensor 'w'.*outside the data"),
        (lambda e: e.update(nbytes=e["nbytes"] - 4), r"tensor 'w'.*bytes do not hold shape"),
        (lambda e: e.update(shape=[4, 4]), r"tensor 'w'.*bytes do not hold shape"),
        (lambda e: e.update(dtype="|O"), r"tensor 'w' holds objects"),
        (lambda e: e.update(dtype="no-such-type"), r"tensor 'w' has a bad index entry"),
        (lambda e: e.pop("offset"), r"tensor 'w' has a bad index entry"),
    ],
)
def test_bad_index_entries_raise_data_loss_naming_file_and_key(tmp_path, change, message):
    path = tmp_path / "t.ckpt"
    checkpoint_format.write_file(str(path), _METADATA, iter([("w", np.ones((2, 3)))]))
    index, data = _index_and_data(path)
    change(index["tensors"]["w"])
    _with_index(path, index, data)
    with pytest.raises(tf.errors.DataLossError, match=r"t\.ckpt.*" + message):
        checkpoint_format.CheckpointReader(str(path))


def test_truncated_and_garbled_files_raise_data_loss(tmp_path):
    path = tmp_path / "t.ckpt"
    checkpoint_format.write_file(str(path), _METADATA, iter([("w", np.ones(100))]))
    whole = path.read_bytes()
    for cut in (len(whole) - 1, len(whole) // 2, 20, 8):
        path.write_bytes(whole[:cut])
        with pytest.raises(tf.errors.DataLossError, match=r"t\.ckpt.*truncated"):
            checkpoint_format.CheckpointReader(str(path))
    path.write_bytes(whole[:-20] + b"}" * 4 + whole[-16:])
    with pytest.raises(tf.errors.DataLossError, match="bad index"):
        checkpoint_format.CheckpointReader(str(path))
    path.write_bytes(whole[:-16] + struct.pack("<Q", len(whole)) + MAGIC)
    with pytest.raises(tf.errors.DataLossError, match="does not fit"):
        checkpoint_format.CheckpointReader(str(path))
    path.write_bytes(b"GARBAGE!" + whole[8:])
    with pytest.raises(tf.errors.DataLossError, match="neither the checkpoint magic nor a zip"):
        checkpoint_format.CheckpointReader(str(path))
    index, data = _index_and_data(path)
    index["metadata"]["format"] = "something-else"
    _with_index(path, index, MAGIC + data[8:])
    with pytest.raises(tf.errors.DataLossError, match="not an eagerflow checkpoint"):
        checkpoint_format.CheckpointReader(str(path))


def test_every_truncation_and_any_garbled_index_byte_gives_data_loss_or_a_valid_read(tmp_path):
    # Without checksums a flipped tensor byte goes unnoticed (docs/checkpoints.md); what the
    # reader must never do is fail with anything but DataLossError or hand back a tensor of the
    # wrong shape or dtype.
    path = tmp_path / "t.ckpt"
    arrays = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.array([True, False])}
    checkpoint_format.write_file(str(path), _METADATA, iter(arrays.items()))
    whole = path.read_bytes()
    for cut in range(len(whole)):
        path.write_bytes(whole[:cut])
        with pytest.raises(tf.errors.DataLossError):
            checkpoint_format.CheckpointReader(str(path))
    index_start = len(whole) - 16 - struct.unpack("<Q", whole[-16:-8])[0]
    rng = np.random.default_rng(0)
    for position in range(index_start, len(whole)):
        garbled = bytearray(whole)
        garbled[position] = (garbled[position] + int(rng.integers(1, 256))) % 256
        path.write_bytes(bytes(garbled))
        try:
            with checkpoint_format.CheckpointReader(str(path)) as reader:
                for key in reader.keys():
                    value = reader.get_tensor(key)
                    if key in arrays:
                        assert value.nbytes <= arrays[key].nbytes
        except (tf.errors.DataLossError, tf.errors.NotFoundError):
            pass


def test_missing_key_is_not_found(tmp_path):
    checkpoint_format.write_file(str(tmp_path / "t"), _METADATA, iter([("w", np.ones(1))]))
    with checkpoint_format.CheckpointReader(str(tmp_path / "t")) as reader:
        assert reader.has_tensor("w") and not reader.has_tensor("v")
        with pytest.raises(tf.errors.NotFoundError, match="key 'v' not found"):
            reader.get_tensor("v")


# -- version 1 (.npz) ---------------------------------------------------------------------


def _write_v1(path: pathlib.Path, metadata: dict, arrays: dict) -> None:
    """A version-1 checkpoint as the previous release wrote it: a stored zip whose first
    member is `checkpoint.json`, then one `.npy` member per tensor."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("checkpoint.json", json.dumps(metadata, indent=1))
        for key, array in arrays.items():
            with archive.open(key + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, version=(2, 0), allow_pickle=False)


def test_hand_built_version_1_checkpoint_restores(tmp_path):
    kernel = np.arange(6, dtype=np.float32).reshape(2, 3)
    metadata = {
        "format": "eagerflow-checkpoint",
        "version": 1,
        "nodes": [
            {"path": "(root)", "class": "Checkpoint", "children": [{"name": "m", "node": 1}]},
            {"path": "m", "class": "dict", "children": [{"name": "kernel", "node": 2}]},
            {
                "path": "m/kernel",
                "class": "Variable",
                "tensor": "m/kernel",
                "dtype": "float32",
                "shape": [2, 3],
                "trainable": True,
            },
        ],
    }
    _write_v1(tmp_path / "old-1.npz", metadata, {"m/kernel": kernel})
    v = tf.Variable(np.zeros((2, 3), np.float32))
    train.Checkpoint(m={"kernel": v}).restore(str(tmp_path / "old-1")).assert_consumed()
    np.testing.assert_array_equal(v.numpy(), kernel)
    assert train.list_variables(str(tmp_path / "old-1")) == [("m/kernel", [2, 3])]
    with train.load_checkpoint(str(tmp_path / "old-1.npz")) as reader:
        assert reader.path == str(tmp_path / "old-1.npz")
        assert reader.keys() == ["m/kernel"]


def _model_and_optimizer():
    model = keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(2)])
    return model, keras.optimizers.Adam(0.1)


def test_checkpoint_written_by_the_previous_release_restores(tmp_path):
    """data/checkpoint_v1.npz was written by the version-1 writer (commit 6ddc75a): a trained
    Sequential with Adam slots, string, bool, float16, scalar and empty variables."""
    shutil.copy(V1_FIXTURE, tmp_path / "ckpt-1.npz")
    model, optimizer = _model_and_optimizer()
    extras = {
        "words": tf.Variable(["", ""]),
        "flag": tf.Variable(False),
        "half": tf.Variable(np.zeros(2, np.float16)),
        "scalar": tf.Variable(np.float64(0)),
        "empty": tf.Variable(np.zeros((0, 3), np.float32)),
    }
    checkpoint = train.Checkpoint(model=model, optimizer=optimizer, extras=extras)
    status = checkpoint.restore(str(tmp_path / "ckpt-1"))
    x = tf.constant(np.ones((4, 5), np.float32))
    with tf.GradientTape() as tape:  # builds the model: its deferred weights land
        loss = tf.reduce_sum(model(x) ** 2)
    with np.load(V1_FIXTURE, allow_pickle=False) as saved:  # NumPy's own reading of the file
        for i, layer in enumerate(model.layers):
            for name in ("kernel", "bias"):
                expected = saved[f"model/layer_with_weights-{i}/{name}.npy"]
                np.testing.assert_array_equal(getattr(layer, name).numpy(), expected)
        np.testing.assert_array_equal(extras["half"].numpy(), saved["extras/half.npy"])
    assert int(checkpoint.save_counter) == 1
    assert extras["words"].numpy().tolist() == ["alpha", "beta"]
    assert bool(extras["flag"]) is True and float(extras["scalar"]) == 3.25
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))  # slots land
    status.assert_consumed()
    assert int(optimizer.iterations) == 2  # 1 restored, then one step
    with train.load_checkpoint(str(tmp_path / "ckpt-1")) as reader, np.load(V1_FIXTURE) as saved:
        assert saved.files[0] == "checkpoint.json"
        assert sorted(reader.keys()) == sorted(saved.files[1:])
        for key in reader.keys():
            np.testing.assert_array_equal(reader.get_tensor(key), saved[key])


def test_prefix_resolution_prefers_ckpt_and_falls_back_to_npz(tmp_path):
    prefix = str(tmp_path / "ckpt-1")
    shutil.copy(V1_FIXTURE, prefix + ".npz")
    assert checkpoint_format.checkpoint_files(prefix) == [prefix + ".npz"]
    assert train.checkpoint_exists(prefix) and not train.checkpoint_exists(prefix + "x")
    v = tf.Variable(7.0)
    train.Checkpoint(v=v).write(prefix)
    assert checkpoint_format.checkpoint_files(prefix) == [prefix + ".ckpt", prefix + ".npz"]
    with train.load_checkpoint(prefix) as reader:
        assert reader.path == prefix + ".ckpt"
    with train.load_checkpoint(prefix + ".npz") as reader:
        assert reader.path == prefix + ".npz"
    from eagerflow.train import checkpoint_management

    checkpoint_management.remove_checkpoint(prefix)
    assert os.listdir(tmp_path) == []


def test_manager_and_latest_checkpoint_on_a_version_1_directory(tmp_path):
    for n in (1, 2):
        shutil.copy(V1_FIXTURE, tmp_path / f"ckpt-{n}.npz")
    train.update_checkpoint_state(
        str(tmp_path), str(tmp_path / "ckpt-2"), [str(tmp_path / f"ckpt-{n}") for n in (1, 2)]
    )
    assert train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "ckpt-2")
    assert ("extras/flag", []) in train.list_variables(str(tmp_path))
    model, optimizer = _model_and_optimizer()
    checkpoint = train.Checkpoint(model=model, optimizer=optimizer)
    manager = train.CheckpointManager(checkpoint, str(tmp_path), max_to_keep=2)
    assert manager.restore_or_initialize() == str(tmp_path / "ckpt-2")
    assert int(checkpoint.save_counter) == 1
    manager.save()  # ckpt-2 again: a .ckpt beside the old .npz
    manager.save()  # ckpt-3: the oldest, ckpt-1.npz, goes
    manager.sync()
    names = sorted(os.listdir(tmp_path))
    assert names == ["checkpoint", "ckpt-2.ckpt", "ckpt-2.npz", "ckpt-3.ckpt"]
    manager.save()  # ckpt-4: both files of ckpt-2 go
    manager.sync()
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "ckpt-3.ckpt", "ckpt-4.ckpt"]


def test_saver_and_load_weights_read_version_1_files(tmp_path):
    weights = {"dense/kernel": np.full((2, 2), 3.0, np.float32)}
    metadata = {
        "format": "eagerflow-checkpoint",
        "version": 1,
        "nodes": [{"path": "(root)", "class": "Saver", "children": []}],
    }
    _write_v1(tmp_path / "model-5.npz", metadata, weights)
    v = tf.Variable(np.zeros((2, 2), np.float32), name="dense/kernel")
    tf.compat.v1.train.Saver([v]).restore(None, str(tmp_path / "model-5"))
    np.testing.assert_array_equal(v.numpy(), weights["dense/kernel"])

    model = keras.Sequential([keras.layers.Dense(2)])
    x = tf.constant(np.ones((1, 3), np.float32))
    model(x)
    path = str(tmp_path / "w")
    model.save_weights(path)
    with train.load_checkpoint(path) as reader:  # rewritten as an old weights file
        metadata = dict(reader.metadata, version=1)
        arrays = {key: reader.get_tensor(key) for key in reader.keys()}
    os.remove(path + ".ckpt")
    _write_v1(tmp_path / "w.npz", metadata, arrays)
    fresh = keras.Sequential([keras.layers.Dense(2)])
    status = fresh.load_weights(path)
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())
    status.assert_consumed()
    with pytest.raises(FileExistsError, match=r"w\.npz' exists"):
        model.save_weights(path, overwrite=False)


# -- durability: fsync only when asked ------------------------------------------------------


@pytest.fixture
def syncs(monkeypatch):
    calls = []
    real_fsync = os.fsync

    def fsync(fd):
        calls.append("fsync")
        real_fsync(fd)

    def fdatasync(fd):
        calls.append("fdatasync")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    if hasattr(os, "fdatasync"):
        monkeypatch.setattr(os, "fdatasync", fdatasync)
    monkeypatch.delenv(checkpoint_format.SYNC_ENV, raising=False)
    return calls


def test_saves_do_not_fsync_by_default(tmp_path, syncs):
    checkpoint = train.Checkpoint(v=tf.Variable(1.0))
    checkpoint.save(str(tmp_path / "ckpt"))
    manager = train.CheckpointManager(checkpoint, str(tmp_path / "m"), max_to_keep=2)
    manager.save()
    manager.save(options=train.CheckpointOptions(enable_async=True))
    manager.sync()
    assert syncs == []
    # Only before deleting a superseded checkpoint is the new one synced (in a thread).
    manager.save()
    manager.sync()
    assert len(syncs) == 2  # the new file and the directory


def test_sync_to_disk_option_fsyncs_file_directory_and_state_file(tmp_path, syncs):
    durable = train.CheckpointOptions(experimental_sync_to_disk=True)
    checkpoint = train.Checkpoint(v=tf.Variable(1.0))
    checkpoint.write(str(tmp_path / "w"), options=durable)
    assert len(syncs) == 2  # the data file, then its directory after the rename
    syncs.clear()
    checkpoint.save(str(tmp_path / "ckpt"), options=durable)
    assert len(syncs) == 4  # and the same for the state file
    syncs.clear()
    manager = train.CheckpointManager(checkpoint, str(tmp_path / "m"), max_to_keep=1)
    manager.save(options=train.CheckpointOptions(enable_async=True, experimental_sync_to_disk=1))
    checkpoint.sync()
    assert len(syncs) == 4
    syncs.clear()
    checkpoint.save(str(tmp_path / "ckpt"), options=train.CheckpointOptions())
    assert syncs == []


def test_environment_variable_sets_the_process_default(tmp_path, syncs, monkeypatch):
    monkeypatch.setenv(checkpoint_format.SYNC_ENV, "1")
    checkpoint = train.Checkpoint(v=tf.Variable(1.0))
    checkpoint.save(str(tmp_path / "ckpt"))
    assert len(syncs) == 4
    syncs.clear()
    no_sync = train.CheckpointOptions(experimental_sync_to_disk=False)  # the option wins
    checkpoint.save(str(tmp_path / "ckpt"), options=no_sync)
    assert syncs == []
    train.update_checkpoint_state(str(tmp_path), str(tmp_path / "ckpt-1"))
    assert len(syncs) == 2
    monkeypatch.setenv(checkpoint_format.SYNC_ENV, "0")
    syncs.clear()
    checkpoint.save(str(tmp_path / "ckpt"))
    tf.compat.v1.train.Saver([tf.Variable(1.0, name="s")]).save(None, str(tmp_path / "s"))
    assert syncs == []

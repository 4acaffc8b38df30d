"""tf.train.Checkpoint on variables, tf.Module and plain user objects."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import eagerflow as tf
from eagerflow import train


def test_guide_object_based_saving(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x = tf.Variable(10.0)
    checkpoint = train.Checkpoint(x=x)
    x.assign(2.0)
    checkpoint_path = "./ckpt/"
    assert checkpoint.save("./ckpt/") == "./ckpt/-1"
    x.assign(11.0)
    checkpoint.restore(train.latest_checkpoint(checkpoint_path))
    assert x.numpy() == 2.0
    assert repr(x) == "<tf.Variable 'Variable:0' shape=() dtype=float32, numpy=2.0>"


def test_save_numbers_checkpoints_and_updates_state_file(tmp_path):
    v = tf.Variable([1.0, 2.0])
    checkpoint = train.Checkpoint(v=v)
    prefix = str(tmp_path / "ckpt")
    assert checkpoint.save(prefix) == prefix + "-1"
    v.assign([3.0, 4.0])
    assert checkpoint.save(prefix) == prefix + "-2"
    assert int(checkpoint.save_counter) == 2
    assert train.latest_checkpoint(str(tmp_path)) == prefix + "-2"
    state = (tmp_path / "checkpoint").read_text()
    assert 'model_checkpoint_path: "ckpt-2"' in state
    checkpoint.restore(prefix + "-1").assert_consumed()
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    # The save counter came back too: the next save continues after 1.
    assert checkpoint.save(prefix) == prefix + "-2"


def test_restored_save_counter_continues_numbering_in_fresh_checkpoint(tmp_path):
    prefix = str(tmp_path / "ckpt")
    checkpoint = train.Checkpoint(v=tf.Variable(1.0))
    checkpoint.save(prefix)
    checkpoint.save(prefix)
    fresh = train.Checkpoint(v=tf.Variable(0.0))
    fresh.restore(train.latest_checkpoint(str(tmp_path))).assert_consumed()
    assert fresh.save(prefix) == prefix + "-3"


def test_write_and_read_are_unnumbered(tmp_path):
    v = tf.Variable(np.arange(6, dtype=np.float64).reshape(2, 3))
    checkpoint = train.Checkpoint(v=v)
    path = str(tmp_path / "weights")
    assert checkpoint.write(path) == path
    assert not (tmp_path / "checkpoint").exists()
    v.assign(np.zeros((2, 3)))
    checkpoint.read(path).assert_consumed()
    np.testing.assert_array_equal(v.numpy(), np.arange(6).reshape(2, 3))


class _Net(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable(np.ones((2, 2), np.float32), name="w")
        self.blocks = [tf.Variable(1.0), {"scale": tf.Variable(2.0)}]


class _Plain:
    """A user class that is not a Module: its attributes are tracked all the same."""

    def __init__(self):
        self.net = _Net()
        self._step = tf.Variable(np.int64(7))
        self.note = "not state"


def _keys(path: str) -> set[str]:
    with train.load_checkpoint(path) as reader:
        return set(reader.keys())


def test_module_and_user_object_round_trip(tmp_path):
    obj = _Plain()
    checkpoint = train.Checkpoint(obj=obj)
    path = checkpoint.write(str(tmp_path / "c"))
    assert _keys(path) == {"obj/net/w", "obj/net/blocks/0", "obj/net/blocks/1/scale", "obj/_step"}
    fresh = _Plain()
    fresh.net.w.assign(np.zeros((2, 2), np.float32))
    fresh.net.blocks[1]["scale"].assign(0.0)
    fresh._step.assign(np.int64(0))
    train.Checkpoint(obj=fresh).read(path).assert_consumed()
    np.testing.assert_array_equal(fresh.net.w.numpy(), np.ones((2, 2)))
    assert float(fresh.net.blocks[1]["scale"]) == 2.0
    assert int(fresh._step) == 7


def test_shared_variable_is_saved_once_and_restored_through_both_paths(tmp_path):
    shared = tf.Variable(5.0)
    checkpoint = train.Checkpoint(a=[shared], b={"s": shared})
    path = checkpoint.write(str(tmp_path / "c"))
    assert _keys(path) == {"a/0"}
    shared.assign(0.0)
    checkpoint.read(path).assert_consumed()
    assert float(shared) == 5.0


def test_file_is_raw_bytes_then_json_index_and_footer_readable_with_numpy_alone(tmp_path):
    v = tf.Variable(np.arange(4, dtype=np.int32))
    path = train.Checkpoint(layer={"kernel": v}).write(str(tmp_path / "c"))
    # The NumPy-only reader of docs/checkpoints.md.
    with open(path + ".ckpt", "rb") as f:
        f.seek(-16, 2)
        length = int(np.frombuffer(f.read(8), "<u8")[0])
        assert f.read(8) == b"\x89EFCKPT\n"
        f.seek(-16 - length, 2)
        index = json.loads(f.read(length))
        entry = index["tensors"]["layer/kernel"]
        f.seek(entry["offset"])
        kernel = np.frombuffer(f.read(entry["nbytes"]), entry["dtype"]).reshape(entry["shape"])
        f.seek(0)
        assert f.read(8) == b"\x89EFCKPT\n"
    np.testing.assert_array_equal(kernel, np.arange(4))
    assert entry["dtype"] == "<i4" and entry["offset"] % 64 == 0
    metadata = index["metadata"]
    assert metadata["format"] == "eagerflow-checkpoint" and metadata["version"] == 2
    node = next(n for n in metadata["nodes"] if n.get("tensor") == "layer/kernel")
    assert node["dtype"] == "int32" and node["shape"] == [4]
    with train.load_checkpoint(path) as reader:
        assert reader.keys() == ["layer/kernel"]
        assert reader.metadata == metadata
        np.testing.assert_array_equal(reader.get_tensor("layer/kernel"), np.arange(4))
    assert train.list_variables(path) == [("layer/kernel", [4])]


def test_dict_keys_with_slashes_are_escaped(tmp_path):
    v = tf.Variable(1.0)
    path = train.Checkpoint(d={"a/b.c": v}).write(str(tmp_path / "c"))
    assert "d/a.Sb..c" in _keys(path)


def test_restore_none_is_initialization_only():
    status = train.Checkpoint(v=tf.Variable(1.0)).restore(None)
    with pytest.raises(AssertionError, match="No checkpoint specified"):
        status.assert_consumed()


def test_latest_checkpoint_of_empty_directory_is_none(tmp_path):
    assert train.latest_checkpoint(str(tmp_path)) is None


def test_partial_restore_status_and_report(tmp_path):
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    path = train.Checkpoint(a=a, b=b).write(str(tmp_path / "c"))
    only_a = tf.Variable(0.0)
    extra = tf.Variable(9.0)
    status = train.Checkpoint(a=only_a, extra=extra).read(path)
    assert float(only_a) == 1.0
    report = status.report()
    assert report["restored"] == ["a"]
    assert report["unused"] == ["b"]
    assert report["pending"] == []
    assert report["not_in_checkpoint"] == ["extra"]
    with pytest.raises(AssertionError, match="not restored yet"):
        status.assert_consumed()
    with pytest.raises(AssertionError, match="extra"):
        status.assert_existing_objects_matched()
    assert status.expect_partial() is status
    text = str(status)
    assert "restored (1):\n    a" in text and "unused (1):\n    b" in text

    status = train.Checkpoint(a=tf.Variable(0.0)).read(path)
    assert status.assert_existing_objects_matched() is status
    assert status.assert_nontrivial_match() is status


def test_restore_that_matches_nothing_warns_naming_the_file(tmp_path):
    path = train.Checkpoint(a=tf.Variable(1.0)).write(str(tmp_path / "c"))
    with pytest.warns(UserWarning, match=r"nothing in .*c\.ckpt.* matched"):
        train.Checkpoint(other=tf.Variable(0.0)).read(path)
    numbered = train.Checkpoint(a=tf.Variable(1.0)).save(str(tmp_path / "ckpt"))
    with pytest.warns(UserWarning, match=r"saved top-level names: \['a', 'save_counter'\]"):
        train.Checkpoint(other=tf.Variable(0.0)).restore(numbered)


def test_shape_mismatch_names_path_and_both_shapes(tmp_path):
    path = train.Checkpoint(m={"kernel": tf.Variable(np.zeros((3, 4), np.float32))}).write(
        str(tmp_path / "c")
    )
    wrong = train.Checkpoint(m={"kernel": tf.Variable(np.zeros((3, 5), np.float32))})
    with pytest.raises(ValueError, match=r"'m/kernel'.*\(3, 4\).*\(3, 5\)"):
        wrong.read(path)


def test_dtype_mismatch_names_path_and_dtypes(tmp_path):
    path = train.Checkpoint(v=tf.Variable(np.zeros(2, np.float32))).write(str(tmp_path / "c"))
    with pytest.raises(ValueError, match="'v'.*float32.*float64"):
        train.Checkpoint(v=tf.Variable(np.zeros(2, np.float64))).read(path)


def test_object_assigned_after_restore_is_restored(tmp_path):
    path = train.Checkpoint(late=tf.Variable(3.0), now=tf.Variable(1.0)).write(str(tmp_path / "c"))
    checkpoint = train.Checkpoint(now=tf.Variable(0.0))
    status = checkpoint.read(path)
    assert status.report()["unused"] == ["late"]
    late = tf.Variable(0.0)
    checkpoint.late = late
    assert float(late) == 3.0
    status.assert_consumed()


def test_missing_and_corrupt_files_raise(tmp_path):
    with pytest.raises(tf.errors.NotFoundError, match="no checkpoint file"):
        train.Checkpoint(v=tf.Variable(1.0)).restore(str(tmp_path / "nope"))
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(tf.errors.DataLossError, match="not a readable checkpoint"):
        train.Checkpoint(v=tf.Variable(1.0)).restore(str(tmp_path / "bad"))
    (tmp_path / "worse.ckpt").write_bytes(b"\x89EFCKPT\n and then nothing useful")
    with pytest.raises(tf.errors.DataLossError, match="not a readable checkpoint"):
        train.Checkpoint(v=tf.Variable(1.0)).restore(str(tmp_path / "worse"))


def test_checkpoint_rejects_non_trackable_values():
    with pytest.raises(ValueError, match="'lr'"):
        train.Checkpoint(lr=0.1)


def test_no_temporary_files_left_behind(tmp_path):
    checkpoint = train.Checkpoint(v=tf.Variable(1.0))
    checkpoint.save(str(tmp_path / "ckpt"))
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "ckpt-1.ckpt"]


def test_string_and_bool_variables(tmp_path):
    words = tf.Variable(["alpha", "beta"])
    raw = tf.Variable(np.array([b"\x01x", b"y"], dtype=object))
    flag = tf.Variable(True)
    checkpoint = train.Checkpoint(words=words, raw=raw, flag=flag)
    path = checkpoint.write(str(tmp_path / "c"))
    with train.load_checkpoint(path) as reader:
        assert reader.get_tensor("words").tolist() == ["alpha", "beta"]  # '<U5', no pickle
    words.assign(np.array(["", ""], dtype=object))
    raw.assign(np.array([b"", b""], dtype=object))
    flag.assign(False)
    checkpoint.read(path).assert_consumed()
    assert words.numpy().tolist() == ["alpha", "beta"]
    assert raw.numpy().tolist() == [b"\x01x", b"y"]
    assert bool(flag) is True


def test_pending_values_are_released_with_their_owners(tmp_path):
    import gc

    from eagerflow.train import restore

    path = train.Checkpoint(m=_Net(), d={"a": tf.Variable(1.0), "b": tf.Variable(2.0)}).write(
        str(tmp_path / "c")
    )
    before = len(restore._WAITING)
    net = tf.Module()  # has none of _Net's variables yet: its edges wait
    train.Checkpoint(m=net, d={"a": tf.Variable(0.0)}).read(path)
    assert len(restore._WAITING) == before + 1
    del net
    gc.collect()
    assert len(restore._WAITING) == before

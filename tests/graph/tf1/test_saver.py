"""tf.compat.v1.train.Saver: name-based save/restore through a session, max_to_keep."""

from __future__ import annotations

import os

import numpy as np
import pytest

import eagerflow as tf

v1 = tf.compat.v1


def _build():
    with v1.variable_scope("m"):
        w = v1.get_variable("w", shape=[2, 2])
    step = v1.train.get_or_create_global_step()
    return w, step


def test_save_and_restore_through_sessions(tmp_path) -> None:
    with tf.Graph().as_default():
        w, step = _build()
        inc = step.assign_add(1)
        saver = v1.train.Saver(max_to_keep=2)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            for _ in range(3):
                sess.run(inc)
                path = saver.save(sess, os.path.join(tmp_path, "model"), global_step=step)
            saved = sess.run(w)
    assert path == os.path.join(tmp_path, "model-3")
    assert saver.last_checkpoints == [os.path.join(tmp_path, f"model-{i}") for i in (2, 3)]
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "model-2.ckpt", "model-3.ckpt"]
    assert tf.train.latest_checkpoint(str(tmp_path)) == path
    assert tf.train.list_variables(str(tmp_path)) == [("global_step", []), ("m/w", [2, 2])]
    with tf.Graph().as_default():
        w, step = _build()
        saver = v1.train.Saver()
        with v1.Session() as sess:
            saver.restore(sess, path)
            np.testing.assert_array_equal(sess.run(w), saved)
            assert sess.run(step) == 3
            saver.restore(sess, path)  # the restore op is built once
    # Eagerly, with an explicit var_list.
    v = tf.Variable(np.zeros((2, 2), np.float32), name="m/w")
    v1.train.Saver([v]).restore(None, path)
    np.testing.assert_array_equal(v.numpy(), saved)


def test_saver_errors(tmp_path) -> None:
    with pytest.raises(RuntimeError, match="var_list` must specify"):
        v1.train.Saver()
    with tf.Graph().as_default():
        a = tf.Variable(1.0, name="same")
        b = tf.Variable(2.0, name="same")
        with pytest.raises(ValueError, match="two variables have the same name: same"):
            v1.train.Saver([a, b])
        saver = v1.train.Saver([a])
        with v1.Session() as sess:
            with pytest.raises(tf.errors.FailedPreconditionError):
                saver.save(sess, os.path.join(tmp_path, "x"))
            with pytest.raises(ValueError, match="not a valid checkpoint"):
                saver.restore(sess, os.path.join(tmp_path, "missing"))
            sess.run(a.initializer)
            path = saver.save(sess, os.path.join(tmp_path, "x"))
        other = v1.train.Saver({"other": b})
        with v1.Session() as sess, pytest.raises(tf.errors.NotFoundError, match="Key other"):
            other.restore(sess, path)

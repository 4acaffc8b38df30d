"""tf.Module tracking of variables and sub-modules through attributes, lists and dicts."""

import pytest

import eagerflow as tf


class Dense(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        with self.name_scope:
            self.w = tf.Variable(tf.ones([2, 2]), name="w")
            self.b = tf.Variable(tf.zeros([2]), name="b", trainable=False)


class Net(tf.Module):
    def __init__(self):
        super().__init__()
        self.layers = [Dense("first"), {"second": Dense("second")}]
        self.scale = tf.Variable(1.0, name="scale")


def test_variables_found_through_lists_and_dicts_once_each() -> None:
    net = Net()
    names = sorted(v.name for v in net.variables)
    assert names == ["first/b:0", "first/w:0", "scale:0", "second/b:0", "second/w:0"]
    assert len(net.trainable_variables) == 3 and len(net.non_trainable_variables) == 2
    assert [m.name for m in net.submodules] == ["first", "second"]


def test_shared_variable_counted_once() -> None:
    net = Net()
    net.alias = net.scale
    assert sum(v is net.scale for v in net.variables) == 1


def test_default_name_and_with_name_scope() -> None:
    class MyBlock(tf.Module):
        @tf.Module.with_name_scope
        def make(self):
            return tf.Variable(0.0, name="v")

    block = MyBlock()
    assert block.name == "my_block"
    assert block.make().name == "my_block/v:0"
    with pytest.raises(ValueError, match="valid module name"):
        tf.Module(name="bad name!")


def test_lazily_created_variable_is_restored_from_an_earlier_restore(tmp_path) -> None:
    class Lazy(tf.Module):
        def __call__(self, x):
            if not hasattr(self, "w"):
                self.w = tf.Variable(tf.zeros([2]), name="w")
            return x * self.w

    saved = Lazy()
    saved(tf.ones([2]))
    saved.w.assign([3.0, 4.0])
    path = tf.train.Checkpoint(m=saved).save(str(tmp_path / "ckpt"))
    fresh = Lazy()
    tf.train.Checkpoint(m=fresh).restore(path)
    fresh(tf.ones([2]))
    assert fresh.w.numpy().tolist() == [3.0, 4.0]

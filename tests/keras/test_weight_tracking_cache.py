"""The cached weight walk (`WeightTracking._direct_children`) sees every structural change."""

import eagerflow as tf


class _Blocks(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.blocks = [tf.keras.layers.Dense(3)]
        self.table = {"a": tf.keras.layers.Dense(2)}

    def call(self, x):
        return x


def _shapes(model):
    return [v.shape.as_list() for v in model.trainable_variables]


def test_cache_sees_appends_replacements_assignments_and_deletions():
    model, x = _Blocks(), tf.ones([1, 4])
    model.blocks[0](x)
    model.table["a"](x)
    assert _shapes(model) == [[4, 3], [3], [4, 2], [2]]
    model.blocks.append(tf.keras.layers.Dense(5))  # in-place append
    model.blocks[1](x)
    assert _shapes(model) == [[4, 3], [3], [4, 5], [5], [4, 2], [2]]
    model.blocks[0] = tf.keras.layers.Dense(7)  # in-place replacement (not built: no weights)
    assert _shapes(model) == [[4, 5], [5], [4, 2], [2]]
    model.table["b"] = tf.Variable(1.0)
    model.table["b"] = tf.Variable(2.0)  # same length, new item
    assert [float(v) for v in model.trainable_variables if v.shape.rank == 0] == [2.0]
    del model.table
    assert _shapes(model) == [[4, 5], [5]]
    model.extra = tf.Variable([1.0, 2.0])  # new attribute
    assert _shapes(model) == [[2], [4, 5], [5]]  # own variables come first


def test_cache_sees_sequential_add_pop_and_trainable():
    model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
    assert len(model.trainable_variables) == 2
    model.add(tf.keras.layers.Dense(4))
    assert len(model.trainable_variables) == 4
    model.pop()
    assert len(model.trainable_variables) == 2
    model.trainable = False
    assert model.trainable_variables == [] and len(model.non_trainable_variables) == 2


def test_plain_module_children_are_never_cached():
    class Holder(tf.Module):
        pass

    layer = tf.keras.layers.Layer()
    layer.holder = Holder()
    assert layer.trainable_variables == []
    layer.holder.w = tf.Variable(1.0)  # a tf.Module attribute: no layer hook runs
    assert len(layer.trainable_variables) == 1

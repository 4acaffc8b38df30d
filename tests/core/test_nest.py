"""tf.nest over lists, tuples, namedtuples and dicts."""

import collections

import pytest

import eagerflow as tf

Point = collections.namedtuple("Point", "x y")


def test_flatten_and_pack_round_trip() -> None:
    structure = {"b": [1, (2, 3)], "a": Point(4, 5)}
    flat = tf.nest.flatten(structure)
    assert flat == [4, 5, 1, 2, 3]  # dicts flatten in sorted key order
    assert tf.nest.pack_sequence_as(structure, flat) == structure


def test_map_structure_and_errors() -> None:
    assert tf.nest.map_structure(lambda a, b: a + b, (1, [2]), (10, [20])) == (11, [22])
    with pytest.raises(ValueError, match="same nested structure"):
        tf.nest.assert_same_structure([1, 2], 3)
    with pytest.raises(ValueError, match="2 atoms"):
        tf.nest.pack_sequence_as([1, 2], [1])

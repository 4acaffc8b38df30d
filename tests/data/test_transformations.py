"""Property tests: every transformation against its plain-Python list meaning, on both the
index-plan fast path ("slices") and the element-by-element path ("range")."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eagerflow as tf
from tests.data import _lists
from tests.data._lists import source, values

KINDS = st.sampled_from(["slices", "range"])
SIZES = st.integers(0, 40)
FAST = settings(max_examples=25, deadline=None)


def _card(ds: tf.data.Dataset) -> int:
    return int(ds.cardinality())


@FAST
@given(KINDS, SIZES, st.integers(1, 12), st.booleans())
def test_batch_matches_list_chunks(kind, n, size, drop):
    ds = source(kind, n).batch(size, drop_remainder=drop)
    expected = _lists.batch(list(range(n)), size, drop)
    assert values(ds) == expected
    assert _card(ds) == len(expected)
    assert ds.element_spec.shape.as_list() == [size if drop else None]


@FAST
@given(KINDS, SIZES, st.integers(-1, 45), st.integers(-1, 45))
def test_take_and_skip(kind, n, take, skip):
    xs = list(range(n))
    taken = source(kind, n).take(take)
    skipped = source(kind, n).skip(skip)
    assert values(taken) == (xs if take == -1 else xs[:take])
    assert values(skipped) == ([] if skip == -1 else xs[skip:])
    assert _card(taken) == len(values(taken))
    assert _card(skipped) == len(values(skipped))


@FAST
@given(KINDS, st.integers(0, 12), st.integers(0, 4))
def test_repeat(kind, n, count):
    ds = source(kind, n).repeat(count)
    assert values(ds) == list(range(n)) * count
    assert _card(ds) == n * count


@FAST
@given(KINDS, st.integers(0, 12), st.integers(0, 30))
def test_repeat_forever_then_take(kind, n, take):
    ds = source(kind, n).repeat()
    assert _card(ds) == (0 if n == 0 else tf.data.INFINITE_CARDINALITY)
    expected = (list(range(n)) * (take // max(n, 1) + 1))[:take] if n else []
    assert values(ds.take(take)) == expected


@FAST
@given(KINDS, SIZES, st.data())
def test_shard(kind, n, data):
    num = data.draw(st.integers(1, 6))
    index = data.draw(st.integers(0, num - 1))
    ds = source(kind, n).shard(num, index)
    assert values(ds) == _lists.shard(list(range(n)), num, index)
    assert _card(ds) == len(values(ds))


@FAST
@given(KINDS, st.integers(0, 60), st.integers(1, 20), st.integers(0, 2**31))
def test_shuffle_is_a_permutation_within_the_buffer_window(kind, n, buffer_size, seed):
    out = values(source(kind, n).shuffle(buffer_size, seed=seed))
    assert sorted(out) == list(range(n))
    # The element at output position t was among the first t + buffer_size inputs.
    assert all(x < t + buffer_size for t, x in enumerate(out))


@FAST
@given(st.integers(0, 60), st.integers(1, 20), st.integers(0, 2**31))
def test_shuffle_same_order_on_both_paths(n, buffer_size, seed):
    a = values(source("slices", n).shuffle(buffer_size, seed=seed))
    b = values(source("range", n).shuffle(buffer_size, seed=seed))
    assert a == b


@FAST
@given(
    st.lists(st.integers(0, 1000), min_size=0, max_size=200),
    st.integers(1, 50),
    st.lists(st.integers(0, 200), min_size=1, max_size=40),
)
def test_vectorized_buffer_step_matches_the_loop(buf, n, picks):
    from eagerflow.data.shuffle import _steady_state

    buf = np.arange(1000, 1000 + max(len(buf), 1), dtype=np.int64)
    picks = np.asarray(picks, dtype=np.int64) % len(buf)
    items = np.arange(len(picks), dtype=np.int64)
    expected_buf = buf.tolist()
    expected = []
    for k, p in enumerate(picks.tolist()):
        expected.append(expected_buf[p])
        expected_buf[p] = int(items[k])
    out = _steady_state(buf, items, picks)
    assert out.tolist() == expected
    assert buf.tolist() == expected_buf


def test_shuffle_buffer_one_keeps_order_and_large_buffer_mixes():
    assert values(source("slices", 10).shuffle(1)) == list(range(10))
    orders = {tuple(values(source("slices", 10).shuffle(10, seed=s))) for s in range(5)}
    assert len(orders) > 1


@FAST
@given(st.lists(st.integers(0, 5), min_size=0, max_size=8), st.integers(1, 4), st.integers(1, 4))
def test_interleave_order(lengths, cycle_length, block_length):
    def make(i):
        return tf.data.Dataset.range(10 * i, 10 * i + lengths[i])

    ds = tf.data.Dataset.range(len(lengths)).interleave(
        lambda i: make(int(i)), cycle_length=cycle_length, block_length=block_length
    )
    expected = _lists.interleave(
        range(len(lengths)),
        lambda i: range(10 * i, 10 * i + lengths[i]),
        cycle_length,
        block_length,
    )
    assert values(ds) == expected


def test_interleave_documented_example():
    ds = tf.data.Dataset.range(1, 6).interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(6), cycle_length=2, block_length=4
    )
    assert values(ds) == [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 4, 4,
                          5, 5, 5, 5, 5, 5]  # fmt: skip


def test_parallel_interleave_keeps_the_order():
    def make(i):
        return tf.data.Dataset.range(i * 10, i * 10 + 3)

    seq = tf.data.Dataset.range(4).interleave(make, cycle_length=2)
    par = tf.data.Dataset.range(4).interleave(make, cycle_length=2, num_parallel_calls=2)
    assert values(seq) == values(par) == [0, 10, 1, 11, 2, 12, 20, 30, 21, 31, 22, 32]


@FAST
@given(st.lists(st.integers(0, 4), min_size=0, max_size=10), st.integers(1, 4), st.data())
def test_padded_batch_shapes(lengths, size, data):
    fixed = data.draw(st.one_of(st.none(), st.integers(4, 6)))
    ds = tf.data.Dataset.from_generator(
        lambda: (np.arange(k, dtype=np.int32) + 1 for k in lengths),
        output_signature=tf.TensorSpec([None], tf.int32),
    ).padded_batch(size, padded_shapes=None if fixed is None else [fixed], padding_values=-1)
    batches = values(ds)
    chunks = _lists.batch(lengths, size, False)
    assert len(batches) == len(chunks)
    for b, ks in zip(batches, chunks):
        width = fixed if fixed is not None else max(ks)
        assert b == [list(range(1, k + 1)) + [-1] * (width - k) for k in ks]
    assert ds.element_spec.shape.as_list() == [None, fixed]


def test_padded_batch_nested_and_errors():
    ds = tf.data.Dataset.range(1, 4).map(lambda x: (tf.fill([x], x), tf.fill([2, x], 1.0)))
    (a, b) = next(iter(ds.padded_batch(3)))
    assert a.numpy().tolist() == [[1, 0, 0], [2, 2, 0], [3, 3, 3]]
    assert b.shape == (3, 2, 3)
    too_small = tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], x)).padded_batch(3, [2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="smaller size"):
        list(too_small)


@FAST
@given(KINDS, st.integers(0, 20), st.integers(1, 5))
def test_unbatch_inverts_batch(kind, n, size):
    ds = source(kind, n).batch(size).unbatch()
    assert values(ds) == list(range(n))


def test_unbatch_cardinality_and_spec():
    ds = source("slices", 12).batch(4, drop_remainder=True).unbatch()
    assert _card(ds) == 12
    assert ds.element_spec == tf.TensorSpec([], tf.int64)


@FAST
@given(st.integers(0, 30), st.integers(1, 5), st.lists(st.integers(1, 6), min_size=1, max_size=3))
def test_rebatch(n, size, sizes):
    rows = list(range(n))
    ds = source("slices", n).batch(size)
    out = values(ds.rebatch(sizes))
    expected, i, k = [], 0, 0
    while i < n:
        expected.append(rows[i : i + sizes[k % len(sizes)]])
        i += sizes[k % len(sizes)]
        k += 1
    assert out == expected
    assert values(ds.rebatch(sizes[0], drop_remainder=True)) == _lists.batch(rows, sizes[0], True)


@FAST
@given(KINDS, st.integers(0, 20), st.integers(1, 5), st.integers(1, 5), st.integers(1, 3),
       st.booleans())  # fmt: skip
def test_window(kind, n, size, shift, stride, drop):
    ds = source(kind, n).window(size, shift, stride, drop)
    out = [values(w) for w in ds]
    assert out == _lists.window(list(range(n)), size, shift, stride, drop)
    assert _card(ds) == len(out)


def test_window_of_tuples_and_flat_map_batch():
    ds = tf.data.Dataset.from_tensor_slices((np.arange(5), np.arange(5) * 10)).window(2)
    a, b = next(iter(ds))
    assert isinstance(a, tf.data.Dataset) and values(b) == [0, 10]
    flat = tf.data.Dataset.range(6).window(3).flat_map(lambda w: w.batch(3))
    assert values(flat) == [[0, 1, 2], [3, 4, 5]]


@FAST
@given(KINDS, SIZES, st.integers(-5, 5))
def test_enumerate(kind, n, start):
    ds = source(kind, n).enumerate(start)
    assert values(ds) == [(start + i, i) for i in range(n)]
    assert _card(ds) == n


@FAST
@given(KINDS, st.integers(0, 10), st.integers(0, 10))
def test_concatenate(kind, n, m):
    ds = source(kind, n).concatenate(source(kind, m).map(lambda x: x + 100))
    assert values(ds) == list(range(n)) + [x + 100 for x in range(m)]
    assert _card(ds) == n + m


def test_concatenate_checks_structure():
    with pytest.raises(TypeError):
        tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(3).map(lambda x: (x, x)))


@FAST
@given(KINDS, SIZES, st.integers(1, 5))
def test_filter_map_flat_map(kind, n, k):
    ds = source(kind, n)
    assert values(ds.filter(lambda x: x % k == 0)) == [x for x in range(n) if x % k == 0]
    assert values(ds.map(lambda x: x * k)) == [x * k for x in range(n)]
    flat = ds.flat_map(lambda x: tf.data.Dataset.range(x % k))
    assert values(flat) == [y for x in range(n) for y in range(x % k)]
    assert _card(ds.filter(lambda x: True)) == tf.data.UNKNOWN_CARDINALITY


@FAST
@given(KINDS, SIZES, st.integers(0, 40))
def test_take_while_scan_reduce(kind, n, limit):
    ds = source(kind, n)
    assert values(ds.take_while(lambda x: x < limit)) == list(range(min(n, limit)))
    scanned = ds.scan(np.int64(0), lambda s, x: (s + x, s * 2))
    sums = [sum(range(i)) for i in range(n)]
    assert values(scanned) == [2 * s for s in sums]
    assert int(ds.reduce(np.int64(0), lambda s, x: s + x)) == sum(range(n))


@FAST
@given(st.lists(st.integers(-3, 3), max_size=30))
def test_unique(xs):
    ds = tf.data.Dataset.from_tensor_slices(np.asarray(xs, dtype=np.int64)).unique()
    assert values(ds) == list(dict.fromkeys(xs))


@FAST
@given(st.lists(st.integers(0, 2), max_size=30), st.booleans())
def test_choose_from_datasets(choices, stop):
    sources = [tf.data.Dataset.range(10 * i, 10 * i + 3) for i in range(3)]
    ds = tf.data.Dataset.choose_from_datasets(
        sources, tf.data.Dataset.from_tensor_slices(np.asarray(choices, np.int64)), stop
    )
    taken, expected = [0, 0, 0], []
    for c in choices:
        if taken[c] == 3:
            if stop:
                break
            continue
        expected.append(10 * c + taken[c])
        taken[c] += 1
    assert values(ds) == expected


def test_sample_from_datasets_uses_every_element_once():
    sources = [tf.data.Dataset.range(0, 5), tf.data.Dataset.range(100, 110)]
    out = values(tf.data.Dataset.sample_from_datasets(sources, [0.5, 0.5], seed=3))
    assert sorted(out) == list(range(5)) + list(range(100, 110))
    fixed = tf.data.Dataset.sample_from_datasets(sources, seed=3)
    assert values(fixed) == values(fixed)
    fresh = tf.data.Dataset.sample_from_datasets(sources, seed=3, rerandomize_each_iteration=True)
    assert len({tuple(values(fresh)) for _ in range(4)}) > 1
    uneven = [tf.data.Dataset.range(1), tf.data.Dataset.range(100, 200)]
    stop = tf.data.Dataset.sample_from_datasets(uneven, seed=3, stop_on_empty_dataset=True)
    assert len(values(stop)) < 50  # ends at the first draw from the exhausted dataset
    only_second = tf.data.Dataset.sample_from_datasets(sources, [0.0, 1.0], seed=3)
    assert values(only_second) == list(range(100, 110))


@pytest.mark.parametrize("filename", ["", "file"])
def test_cache_replays_the_first_complete_pass(tmp_path, filename):
    calls = []

    def gen():
        calls.append(1)
        yield from ([b"ab", b""], [b"c", b"de"])

    ds = tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec([2], tf.string))
    ds = ds.map(lambda s: (s, tf.constant([1.5, 2.5]))).cache(
        str(tmp_path / filename) if filename else ""
    )
    first = values(ds.take(1))  # an abandoned pass caches nothing
    full = values(ds)
    again = values(ds)
    assert len(calls) == 2
    assert first == full[:1] and full == again
    assert again[1] == ([b"c", b"de"], [1.5, 2.5])
    if filename:
        reloaded = (
            tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec([2], tf.string))
            .map(lambda s: (s, tf.constant([1.5, 2.5])))
            .cache(str(tmp_path / filename))
        )
        assert values(reloaded) == full and len(calls) == 2


def test_file_cache_keeps_str_and_bytes_and_nesting(tmp_path):
    ds = tf.data.Dataset.from_tensor_slices({"s": ["é", "b"], "p": ([b"x", b"y"], [1, 2])})
    ds = ds.cache(str(tmp_path / "c"))
    first = values(ds)
    assert values(ds) == first == [{"s": "é", "p": (b"x", 1)}, {"s": "b", "p": (b"y", 2)}]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.data", "c.index"]


@FAST
@given(KINDS, st.integers(0, 20), st.integers(1, 8), st.booleans())
def test_parallel_map_keeps_order(kind, n, workers, prefetch):
    ds = source(kind, n).map(lambda x: x * x, num_parallel_calls=workers)
    if prefetch:
        ds = ds.prefetch(2)
    assert values(ds) == [x * x for x in range(n)]


def test_nondeterministic_parallel_map_yields_every_element():
    ds = source("range", 50).map(
        lambda x: x + 1, num_parallel_calls=tf.data.AUTOTUNE, deterministic=False
    )
    assert sorted(values(ds)) == list(range(1, 51))


def test_apply_and_experimental_names():
    ds = tf.data.Dataset.range(4).apply(lambda d: d.map(lambda x: x + 1))
    assert values(ds) == [1, 2, 3, 4]
    assert values(ds.apply(tf.data.experimental.enumerate_dataset(1))) == [
        (1, 1), (2, 2), (3, 3), (4, 4)]  # fmt: skip
    assert int(tf.data.experimental.cardinality(ds)) == 4
    assert values(tf.data.experimental.Counter(5, 2).take(3)) == [5, 7, 9]


@pytest.mark.parametrize("kind", ["slices", "range"])
def test_batch_of_nested_structures(kind):
    ds = source(kind, 5).map(lambda x: {"a": x, "b": (x * 2, (x * 3,))})
    if kind == "slices":  # the same structure straight from slices (index-plan gather)
        n = np.arange(5, dtype=np.int64)
        ds = tf.data.Dataset.from_tensor_slices({"a": n, "b": (n * 2, (n * 3,))})
    first = values(ds.batch(2))[0]
    assert first == {"a": [0, 1], "b": ([0, 2], ([0, 3],))}


@FAST
@given(KINDS, SIZES, st.integers(1, 4), st.integers(1, 5))
def test_group_by_window(kind, n, keys, size):
    ds = source(kind, n).group_by_window(lambda x: x % keys, lambda k, w: w.batch(size), size)
    groups: dict = {}
    expected = []
    for x in range(n):
        group = groups.setdefault(x % keys, [])
        group.append(x)
        if len(group) == size:
            expected.append(groups.pop(x % keys))
    expected += list(groups.values())
    assert values(ds) == expected


@FAST
@given(st.lists(st.integers(1, 12), max_size=25), st.booleans())
def test_bucket_by_sequence_length(lengths, to_boundary):
    boundaries, sizes = [4, 8, 13], [3, 2, 2, 1]
    ds = tf.data.Dataset.from_generator(
        lambda: (np.arange(1, k + 1) for k in lengths),
        output_signature=tf.TensorSpec([None], tf.int64),
    ).bucket_by_sequence_length(
        lambda x: tf.size(x),
        boundaries,
        sizes,
        pad_to_bucket_boundary=to_boundary,
    )
    seen = []
    for batch in values(ds):
        rows = [[v for v in row if v] for row in batch]
        bucket = {int(np.searchsorted(boundaries, len(r), side="right")) for r in rows}
        assert len(bucket) == 1 and len(rows) <= sizes[bucket.pop()]
        width = len(batch[0])
        longest = max(len(r) for r in rows)
        if to_boundary:
            b = int(np.searchsorted(boundaries, longest, side="right"))
            assert width == boundaries[b] - 1
        else:
            assert width == longest
        seen += [len(r) for r in rows]
    assert sorted(seen) == sorted(lengths)

"""`tf.data`: input pipelines (`tf.data.Dataset`), built from small iterator stages.

    dataset = tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(1000).batch(32)
    for images, labels in dataset.take(1):
        ...

See docs/data.md for the design; each transformation lives in a file of its own.
"""

# ruff: noqa: F401, I001

from eagerflow.data._stage import AUTOTUNE
from eagerflow.data._stage import INFINITE as INFINITE_CARDINALITY
from eagerflow.data._stage import UNKNOWN as UNKNOWN_CARDINALITY
from eagerflow.data._structure import DatasetSpec
from eagerflow.data.dataset_ops import Dataset, Options
from eagerflow.data.iterator_ops import Iterator, NumpyIterator
from eagerflow.data.text_line import TextLineDataset
from eagerflow.data.fixed_length_record import FixedLengthRecordDataset
from eagerflow.data import experimental

DatasetV2 = Dataset

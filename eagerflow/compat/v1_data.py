"""`tf.compat.v1.data`: tf.data's names plus the TF1 iterator functions (no logic)."""
# ruff: noqa: F401, I001

from eagerflow.data import AUTOTUNE, Dataset, DatasetSpec, FixedLengthRecordDataset, Iterator
from eagerflow.data import Options, TextLineDataset, experimental
from eagerflow.graph.tf1.data_ops import get_output_shapes, get_output_types
from eagerflow.graph.tf1.data_ops import make_initializable_iterator, make_one_shot_iterator

"""`tf.summary`: TensorBoard summaries (TensorFlow 2 API).

    writer = tf.summary.create_file_writer("/tmp/logs")
    with writer.as_default():
        tf.summary.scalar("loss", 0.25, step=1)

Event files are written with the `tensorboard` package (an optional extra: `pip install
eagerflow[tensorboard]`); see docs/summaries.md.
"""
# ruff: noqa: F401, I001

from eagerflow.summary.writer import (
    SummaryWriter,
    create_file_writer,
    create_noop_writer,
    flush,
    record_if,
    should_record_summaries,
)
from eagerflow.summary.summary_ops import histogram, image, scalar, text, write
from eagerflow.summary import experimental

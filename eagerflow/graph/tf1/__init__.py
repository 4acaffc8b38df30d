"""The TF1 API over the tracing IR: `tf.Graph`, `Session`, placeholders, graph variables,
`tf.gradients`, `py_func` (see docs/tf1_graphs.md)."""

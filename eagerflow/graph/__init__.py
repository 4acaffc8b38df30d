"""Graph mode: tracing Python functions into an IR, optimizing and compiling it (`tf.function`)."""

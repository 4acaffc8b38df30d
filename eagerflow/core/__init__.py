"""Tensors, dtypes, shapes, variables, devices, execution context and dispatch."""

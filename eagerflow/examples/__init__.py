"""Runnable examples: `python -m eagerflow.examples.mnist`."""

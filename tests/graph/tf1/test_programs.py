"""The guide's graph sections as programs, and the eager/graph switch, each in a fresh
interpreter (disabling eager execution is for the whole process)."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

PROGRAMS = pathlib.Path(__file__).parent / "programs"
REPO = pathlib.Path(__file__).resolve().parents[3]


def _run(args: list[str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-W", "error", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize("name", ["eager_in_graph", "work_with_graphs"])
def test_guide_program_prints_what_the_guide_shows(name: str) -> None:
    got = _run([str(PROGRAMS / f"{name}.py")])
    want = (PROGRAMS / f"{name}.out").read_text().splitlines()
    assert len(got) == len(want), "\n".join(got)
    for g, w in zip(got, want):
        if w.startswith("re:"):
            assert re.fullmatch(w[3:], g), (g, w)
        else:
            assert g == w


def test_write_compatible_code_same_model_in_eager_and_graph(tmp_path: pathlib.Path) -> None:
    program = str(PROGRAMS / "write_compatible_code.py")
    eager = _run([program, "eager", str(tmp_path)])
    graph = _run([program, "graph", str(tmp_path)])
    assert eager[0] == "executing eagerly: True"
    assert graph[0] == "executing eagerly: False"
    # The graph run restored the eager initial weights and trained to the same place.
    assert eager[1:] == graph[1:]


def _snippet(code: str) -> list[str]:
    return _run(["-c", textwrap.dedent(code)])


def test_disable_eager_execution_installs_a_default_graph() -> None:
    out = _snippet(
        """
        import eagerflow as tf
        print(tf.executing_eagerly())
        tf.compat.v1.disable_eager_execution()
        print(tf.executing_eagerly())
        c = tf.constant([1.0, 2.0]) * 2.0
        print(type(c).__name__, c.graph is tf.compat.v1.get_default_graph())
        v = tf.Variable(1.0)
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            print(sess.run([c, v]))
        try:
            tf.compat.v1.enable_eager_execution()
        except ValueError as e:
            print(e)
        tf.compat.v1.reset_default_graph()
        print(len(tf.compat.v1.get_default_graph().nodes), tf.executing_eagerly())
        """
    )
    assert out == [
        "True",
        "False",
        "GraphTensor True",
        "[array([2., 4.], dtype=float32), np.float32(1.0)]",
        "tf.enable_eager_execution must be called at program startup.",
        "0 False",
    ]


def test_enable_eager_execution_right_after_disabling_is_allowed() -> None:
    out = _snippet(
        """
        import eagerflow as tf
        tf.compat.v1.disable_eager_execution()
        tf.compat.v1.enable_eager_execution()
        print(tf.executing_eagerly(), (tf.constant(2.0) * 2.0).numpy())
        """
    )
    assert out == ["True 4.0"]

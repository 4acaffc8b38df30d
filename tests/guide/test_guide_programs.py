"""The guide's core sections as programs, each run in a fresh interpreter, output compared.

A program `programs/NAME.py` is checked against `programs/NAME.out` line by line; a line of
the form `re:PATTERN` in the .out file is matched as a regular expression (for timings).
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

PROGRAMS = pathlib.Path(__file__).parent / "programs"
REPO = pathlib.Path(__file__).resolve().parents[2]


def _expected_lines(name: str) -> list[str]:
    return (PROGRAMS / f"{name}.out").read_text().splitlines()


def _run(name: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-W", "error", str(PROGRAMS / f"{name}.py")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize(
    "name", sorted(p.stem for p in PROGRAMS.glob("*.py") if (PROGRAMS / f"{p.stem}.out").exists())
)
def test_guide_program_prints_what_the_guide_shows(name: str) -> None:
    got, want = _run(name), _expected_lines(name)
    assert len(got) == len(want), "\n".join(got)
    for g, w in zip(got, want):
        if w.startswith("re:"):
            assert re.fullmatch(w[3:], g), (g, w)
        else:
            assert g == w

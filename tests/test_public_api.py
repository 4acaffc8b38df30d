"""The public API stays as listed in tests/golden/public_api.txt (see tools/public_api.py)."""

import difflib
import importlib.util
import pathlib

TOOL = pathlib.Path(__file__).resolve().parents[1] / "tools" / "public_api.py"


def test_public_names_match_the_golden_list() -> None:
    spec = importlib.util.spec_from_file_location("public_api", TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    current = tool.listing().splitlines()
    golden = tool.GOLDEN.read_text().splitlines()
    diff = "\n".join(difflib.unified_diff(golden, current, "golden", "current", lineterm=""))
    assert current == golden, (
        "public API changed; if on purpose, run `python tools/public_api.py --write`\n" + diff
    )

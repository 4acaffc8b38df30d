"""Lists eagerflow's public names per namespace; `--write` refreshes the golden file.

The golden list (tests/golden/public_api.txt) makes every addition or removal of a public name
a visible change in review: run `python tools/public_api.py --write` after adding names on
purpose. Namespaces are attribute paths from `tf` (what a user types); inside them, modules
that are not themselves listed namespaces are implementation details and are left out.
"""

from __future__ import annotations
import __future__

import argparse
import pathlib
import sys
import types

ROOT = pathlib.Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "public_api.txt"
NAMESPACES = (
    "tf",
    "tf.math",
    "tf.linalg",
    "tf.nn",
    "tf.random",
    "tf.bitwise",
    "tf.config",
    "tf.config.optimizer",
    "tf.test",
    "tf.errors",
    "tf.nest",
    "tf.compat.v1",
    "tf.contrib.eager",
    "tf.contrib.summary",
    "tf.data",
    "tf.data.experimental",
    "tf.train",
    "tf.summary",
    "tf.keras",
    "tf.keras.layers",
    "tf.keras.models",
    "tf.keras.optimizers",
    "tf.keras.optimizers.schedules",
    "tf.keras.losses",
    "tf.keras.metrics",
    "tf.keras.callbacks",
    "tf.keras.initializers",
    "tf.keras.regularizers",
    "tf.keras.constraints",
    "tf.keras.activations",
    "tf.keras.datasets",
    "tf.keras.datasets.mnist",
    "tf.losses",
    "tf.metrics",
)
_NOT_API_MODULES = ("typing", "collections.abc")


def _resolve(path: str) -> object | None:
    import eagerflow  # noqa: PLC0415  (after sys.path points at this checkout)

    obj: object = eagerflow
    for part in path.split(".")[1:]:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _is_api(value: object) -> bool:
    if isinstance(value, __future__._Feature):
        return False  # `from __future__ import annotations` leaves a name behind
    return getattr(value, "__module__", None) not in _NOT_API_MODULES


def _names(path: str, namespace: object) -> list[str]:
    names = []
    for name in sorted(vars(namespace)):
        value = getattr(namespace, name)
        if name.startswith("_") or not _is_api(value):
            continue
        if isinstance(value, types.ModuleType):
            if f"{path}.{name}" in NAMESPACES:
                names.append(f"{path}.{name}/")
            continue
        names.append(f"{path}.{name}")
    return names


def listing() -> str:
    sys.path.insert(0, str(ROOT))
    lines = []
    for path in NAMESPACES:
        namespace = _resolve(path)
        if namespace is not None:
            lines.extend(_names(path, namespace))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite the golden file")
    args = parser.parse_args()
    text = listing()
    if args.write:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text)
        print(f"wrote {GOLDEN} ({text.count(chr(10))} names)")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()

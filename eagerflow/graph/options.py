"""Graph optimizer switches (`tf.config.optimizer.set_experimental_options`).

TensorFlow's Grappler option names map onto eagerflow's passes; eagerflow's own names turn
single passes on or off. `disable_meta_optimizer` turns every pass off.
"""

from __future__ import annotations

from typing import Any

# eagerflow pass name -> TensorFlow option names that also control it.
PASS_OPTIONS = {
    "constant_folding": ("constant_folding",),
    "arithmetic_simplification": ("arithmetic_optimization",),
    "common_subexpression_elimination": ("arithmetic_optimization",),
    "dead_code_elimination": ("dependency_optimization",),
    "elementwise_fusion": ("remapping",),
}
_KNOWN_TF = {
    "layout_optimizer",
    "constant_folding",
    "shape_optimization",
    "remapping",
    "arithmetic_optimization",
    "dependency_optimization",
    "loop_optimization",
    "function_optimization",
    "debug_stripper",
    "disable_model_pruning",
    "scoped_allocator_optimization",
    "pin_to_host_optimization",
    "implementation_selector",
    "auto_mixed_precision",
    "disable_meta_optimizer",
    "min_graph_nodes",
}

_options: dict[str, Any] = {}
# Bumped on every change, so concrete functions recompile with the new passes.
version = 0


def set_experimental_options(options: dict) -> None:
    """Sets optimizer options, e.g. `{"constant_folding": False}` or
    `{"disable_meta_optimizer": True}` (all passes off).

    Example:
        >>> tf.config.optimizer.set_experimental_options({"elementwise_fusion": False})
    """
    global version
    for key, value in options.items():
        if key not in _KNOWN_TF and key not in PASS_OPTIONS:
            raise ValueError(
                f"set_experimental_options: unknown option {key!r}; known options are "
                f"{sorted(_KNOWN_TF | set(PASS_OPTIONS))}."
            )
        _options[key] = value
    version += 1


def get_experimental_options() -> dict:
    """The options set so far (unset options take their defaults)."""
    return dict(_options)


def reset() -> None:
    """Clears every option (tests)."""
    global version
    _options.clear()
    version += 1


def pass_enabled(name: str) -> bool:
    if _options.get("disable_meta_optimizer"):
        return False
    if name in _options:
        return bool(_options[name])
    return all(_options.get(tf_name, True) is not False for tf_name in PASS_OPTIONS[name])

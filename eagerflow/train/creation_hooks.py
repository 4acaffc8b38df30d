"""Re-export of `eagerflow.core.creation_hooks` (where the registry lives, below Module)."""

from eagerflow.core.creation_hooks import (  # noqa: F401
    add_listener,
    remove_listener,
    variable_created,
)

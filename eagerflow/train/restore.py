"""Restoring a checkpoint into live objects: matching by path, deferred values, the status.

The saved object graph is walked from its root together with the live one, edge name by edge
name. A variable found on both sides gets its value at once. An edge that the live side does
not have yet (a layer not built, an optimizer slot not created) is remembered as *pending*:
when the variable appears (Keras `add_weight` and optimizer slot creation report it through
`creation_hooks.variable_created`), it is restored on the spot, as TensorFlow does.
"""

from __future__ import annotations

import warnings
import weakref
from typing import Any, Callable

import numpy as np

from eagerflow.core.variable import Variable
from eagerflow.graph.tf1 import checkpoint_ops
from eagerflow.train import creation_hooks
from eagerflow.train.checkpoint_format import CheckpointReader
from eagerflow.train.keras_trackable import LAYER_WITH_WEIGHTS as _BUILT
from eagerflow.train.trackable import (
    build_graph,
    escape_name,
    path_text,
    slot_variables_of,
    trackable_children,
)

# Restores that still wait for variables to be created (strong references on purpose: the
# caller often drops the status while a model is still to be built).
_WAITING: list[_Restorer] = []


def _reference(obj: Any, on_death: Callable | None = None) -> Callable[[], Any]:
    try:
        return weakref.ref(obj, on_death)
    except TypeError:
        return lambda: obj


def _weakly_referable(obj: Any) -> bool:
    try:
        weakref.ref(obj)
    except TypeError:
        return False
    return True


def _creates_variables_later(obj: Any) -> bool:
    """Objects that report new variables through `creation_hooks` (layers, optimizers)."""
    return slot_variables_of(obj) is not None or callable(getattr(obj, "add_weight", None))


def _on_variable_created(owner: Any, name: str, variable: Any) -> None:
    for restorer in list(_WAITING):
        restorer._variable_created(owner, name, variable)


def object_attached(owner: Any, name: str, value: Any) -> None:
    """Tells waiting restores that `owner` gained child `name` (e.g. `ckpt.model = model`)."""
    for restorer in list(_WAITING):
        restorer._retry_pending()


creation_hooks.add_listener(_on_variable_created)


class _Restorer:
    """Matches one checkpoint file against live objects; holds them only weakly.

    While values wait for their variables, the module's waiting list keeps the restorer
    alive, and it drops out when they are all restored or their owners are gone.
    """

    def __init__(self, root: Any, save_path: str) -> None:
        reader = CheckpointReader(save_path)
        self._file = reader.path
        self._nodes: list[dict] = reader.metadata["nodes"]
        self._matched: dict[int, Callable[[], Any]] = {}
        self._restored: set[int] = set()
        self._restored_ids: dict[int, Callable[[], Any]] = {}
        self._pending_edges: dict[tuple[int, str], tuple[Callable[[], Any], int]] = {}
        self._pending_slots: dict[tuple[int, int, str], tuple[Callable[[], Any], int]] = {}
        self._values: dict[int, np.ndarray] = {}
        self._slot_users: dict[int, list[int]] = {}
        for i, node in enumerate(self._nodes):
            for entry in node.get("slot_variables", ()):
                self._slot_users.setdefault(entry["original_variable_node"], []).append(i)
        self._reader: CheckpointReader | None = reader
        try:
            self._match(root, 0)
            self._keep_pending_values()
        finally:
            self._reader = None
            reader.close()
        if self._pending_edges or self._pending_slots:
            _WAITING.append(self)
        # The save counter always matches a Checkpoint root; it says nothing about the rest.
        bookkeeping = {0} | {i for i in self._matched if self._path(i) == "save_counter"}
        if len(self._nodes) > len(bookkeeping) and not set(self._matched) - bookkeeping:
            warnings.warn(
                f"Checkpoint.restore: nothing in {self._file!r} matched the objects being "
                f"restored (saved top-level names: {self._saved_root_names()}; live names: "
                f"{sorted(trackable_children(root))}).",
                stacklevel=3,
            )

    # -- matching -------------------------------------------------------------------------
    def _path(self, node_id: int) -> str:
        return self._nodes[node_id].get("path", str(node_id))

    def _saved_root_names(self) -> list[str]:
        return [edge["name"] for edge in self._nodes[0].get("children", ())]

    def _match(self, obj: Any, node_id: int) -> None:
        if node_id in self._matched:
            return
        saved = self._nodes[node_id]
        is_saved_variable = "tensor" in saved
        if is_saved_variable != isinstance(obj, Variable):
            kind = "a variable" if is_saved_variable else "an object with children"
            raise ValueError(
                f"Checkpoint.restore: {self._path(node_id)!r} in {self._file!r} is {kind}, "
                f"but the object being restored there is a {type(obj).__name__}."
            )
        self._matched[node_id] = _reference(obj)
        if is_saved_variable:
            self._restore_variable(obj, node_id)
            return
        live = trackable_children(obj)
        # `layer-<j>` counts every layer, `layer_with_weights-<i>` only built ones: match the
        # stable edges first, so a partly built model cannot pair a value with the wrong layer.
        edges = sorted(saved.get("children", ()), key=lambda e: e["name"].startswith(_BUILT))
        for edge in edges:
            child = live.get(edge["name"])
            if child is None and _weakly_referable(obj):
                owner = _reference(obj, self._owner_died)
                self._pending_edges[(id(obj), edge["name"])] = (owner, edge["node"])
            elif child is None:
                continue  # plain lists and dicts gain no variables through creation hooks
            else:
                self._match(child, edge["node"])
        if saved.get("slot_variables"):
            self._restore_slots(node_id)

    def _value(self, node_id: int) -> np.ndarray:
        value = self._values.pop(node_id, None)
        if value is None:
            if self._reader is None:
                raise RuntimeError(f"Checkpoint: value of {self._path(node_id)!r} was released.")
            value = self._reader.get_tensor(self._nodes[node_id]["tensor"])
        return value

    def _restore_variable(self, variable: Variable, node_id: int) -> None:
        saved = self._nodes[node_id]
        shape = tuple(saved["shape"])
        if not variable.shape.is_compatible_with(shape):
            raise ValueError(
                f"Checkpoint.restore: shape mismatch for {self._path(node_id)!r} in "
                f"{self._file!r}: the checkpoint has shape {shape}, the variable "
                f"{variable.name!r} has shape {tuple(variable.shape.as_list())}."
            )
        if saved["dtype"] != variable.dtype.name:
            raise ValueError(
                f"Checkpoint.restore: dtype mismatch for {self._path(node_id)!r} in "
                f"{self._file!r}: the checkpoint has {saved['dtype']}, the variable "
                f"{variable.name!r} has {variable.dtype.name} (shape {shape})."
            )
        value = self._value(node_id)
        if value.dtype.kind in "SU":
            value = value.astype(object)  # string variables hold Python str/bytes objects
        checkpoint_ops.assign_restored(variable, value)  # a restore op in a TF1 graph
        self._restored.add(node_id)
        self._restored_ids[id(variable)] = _reference(variable)
        for optimizer_node in self._slot_users.get(node_id, ()):
            if optimizer_node in self._matched:
                self._restore_slots(optimizer_node)

    def _restore_slots(self, optimizer_node: int) -> None:
        optimizer = self._matched[optimizer_node]()
        if optimizer is None:
            return
        live_slots = {
            (id(variable), name): slot
            for variable, name, slot in slot_variables_of(optimizer) or ()
        }
        for entry in self._nodes[optimizer_node]["slot_variables"]:
            slot_node = entry["slot_variable_node"]
            original = self._matched.get(entry["original_variable_node"])
            variable = original() if original is not None else None
            if slot_node in self._matched or variable is None:
                continue  # restored already, or waits for its variable
            slot = live_slots.get((id(variable), entry["slot_name"]))
            if slot is None:
                key = (id(optimizer), id(variable), entry["slot_name"])
                self._pending_slots[key] = (_reference(optimizer, self._owner_died), slot_node)
            else:
                self._match(slot, slot_node)

    def _keep_pending_values(self) -> None:
        """Reads the values that wait for creation before the file is closed."""
        waiting = [node for _, node in self._pending_edges.values()]
        waiting += [node for _, node in self._pending_slots.values()]
        for node_id in self._below(waiting):
            if "tensor" in self._nodes[node_id] and node_id not in self._matched:
                self._values[node_id] = self._reader.get_tensor(self._nodes[node_id]["tensor"])
        slot_nodes = [
            entry["slot_variable_node"]
            for node in self._nodes
            for entry in node.get("slot_variables", ())
            if entry["original_variable_node"] not in self._matched
        ]
        for node_id in slot_nodes:
            if node_id not in self._values:
                self._values[node_id] = self._reader.get_tensor(self._nodes[node_id]["tensor"])

    def _below(self, starts: list[int]) -> set[int]:
        seen: set[int] = set()
        stack = list(starts)
        while stack:
            node_id = stack.pop()
            if node_id in seen or node_id in self._matched:
                continue
            seen.add(node_id)
            stack.extend(edge["node"] for edge in self._nodes[node_id].get("children", ()))
        return seen

    # -- deferred restoration -----------------------------------------------------------
    def _variable_created(self, owner: Any, name: str, variable: Any) -> None:
        hit = self._pending_edges.pop((id(owner), escape_name(name)), None)
        if hit is not None and hit[0]() is owner:
            self._match(variable, hit[1])
        elif self._pending_slots:
            self._slot_created(owner, variable)
        if self._pending_edges:
            self._retry_pending()
        self._forget_if_done()

    def _slot_created(self, owner: Any, variable: Any) -> None:
        optimizers = [owner] if slot_variables_of(owner) is not None else None
        if optimizers is None:
            optimizers = [ref() for ref, _ in self._pending_slots.values()]
        for optimizer in {id(o): o for o in optimizers if o is not None}.values():
            for original, slot_name, slot in slot_variables_of(optimizer) or ():
                hit = self._pending_slots.pop((id(optimizer), id(original), slot_name), None)
                if hit is not None:
                    self._match(slot, hit[1])

    def _retry_pending(self) -> None:
        for key, (ref, node_id) in list(self._pending_edges.items()):
            owner = ref()
            if owner is None:
                del self._pending_edges[key]
                continue
            child = trackable_children(owner).get(key[1])
            if child is not None:
                del self._pending_edges[key]
                self._match(child, node_id)
        self._forget_if_done()

    def _owner_died(self, _: Any = None) -> None:
        for pending in (self._pending_edges, self._pending_slots):
            for key, (ref, _node) in list(pending.items()):
                if ref() is None:
                    del pending[key]
        self._forget_if_done()

    def _forget_if_done(self) -> None:
        if not self._pending_edges and not self._pending_slots and self in _WAITING:
            _WAITING.remove(self)
            self._values.clear()

    # -- the report ---------------------------------------------------------------------
    def _saved_variables(self) -> list[int]:
        return [i for i, node in enumerate(self._nodes) if "tensor" in node]

    def _pending_variables(self) -> set[int]:
        """Saved variables that wait below a layer or optimizer for their creation."""
        starts = [
            node
            for ref, node in self._pending_edges.values()
            if ref() is not None and _creates_variables_later(ref())
        ]
        starts += [node for ref, node in self._pending_slots.values() if ref() is not None]
        waiting = self._below(starts)
        for entry_owner, entries in self._slot_users.items():
            if entry_owner in waiting:
                for optimizer_node in entries:
                    for entry in self._nodes[optimizer_node]["slot_variables"]:
                        if entry["original_variable_node"] == entry_owner:
                            waiting.add(entry["slot_variable_node"])
        return {i for i in waiting if "tensor" in self._nodes[i] and i not in self._restored}

    def _live_unrestored(self, root: Any) -> list[str]:
        missing = []
        for node in build_graph(root):
            if node.is_variable:
                ref = self._restored_ids.get(id(node.obj))
                if ref is None or ref() is not node.obj:
                    missing.append(path_text(node.path))
        return missing

    def report(self, root: Any) -> dict[str, list[str]]:
        """See `CheckpointLoadStatus.report`."""
        pending = self._pending_variables()
        saved = self._saved_variables()
        return {
            "restored": [self._path(i) for i in saved if i in self._restored],
            "pending": [self._path(i) for i in saved if i in pending],
            "unused": [
                self._path(i) for i in saved if i not in self._restored and i not in pending
            ],
            "not_in_checkpoint": self._live_unrestored(root),
        }


class CheckpointLoadStatus:
    """What a `Checkpoint.restore` matched, what waits for creation, and what was not used.

    Returned by `tf.train.Checkpoint.restore`; the assertions return the status so they
    chain: `checkpoint.restore(path).assert_consumed()`. `str(status)` is a readable report.
    Values for variables that do not exist yet are restored when they are created, whether
    or not the status is kept.
    """

    def __init__(self, root: Any, save_path: str) -> None:
        self._root = root
        self.save_path = save_path
        self._partial = False
        self._restorer = _Restorer(root, save_path)
        self.file = self._restorer._file

    def report(self) -> dict[str, list[str]]:
        """`{"restored", "pending", "unused", "not_in_checkpoint"}` -> lists of paths.

        `pending` values wait for a layer or optimizer to create their variable; `unused`
        values have no live object to go to; `not_in_checkpoint` are live variables that kept
        their own values.
        """
        return self._restorer.report(self._root)

    def __str__(self) -> str:
        lines = [f"Checkpoint restore from {self.file}:"]
        for title, paths in self.report().items():
            lines.append(f"  {title.replace('_', ' ')} ({len(paths)}):")
            lines.extend(f"    {path}" for path in paths)
        return "\n".join(lines)

    # -- TensorFlow's assertions ----------------------------------------------------------
    def assert_consumed(self) -> CheckpointLoadStatus:
        """Every value in the file restored and every live variable given a value."""
        report = self.report()
        problems = report["pending"] + report["unused"]
        if problems:
            raise AssertionError(
                f"Checkpoint.restore: values in {self.file!r} not restored yet: {problems}\n{self}"
            )
        if report["not_in_checkpoint"]:
            raise AssertionError(
                f"Checkpoint.restore: live variables with no value in {self.file!r}: "
                f"{report['not_in_checkpoint']}\n{self}"
            )
        return self

    def assert_existing_objects_matched(self) -> CheckpointLoadStatus:
        """Every variable that exists now got its value (extra values in the file are fine)."""
        missing = self._restorer._live_unrestored(self._root)
        if missing:
            raise AssertionError(
                f"Checkpoint.restore: existing variables with no value in {self.file!r}: "
                f"{missing}\n{self}"
            )
        return self

    def assert_nontrivial_match(self) -> CheckpointLoadStatus:
        if not self._restorer._restored:
            raise AssertionError(f"Checkpoint.restore: nothing matched in {self.file!r}.")
        return self

    def expect_partial(self) -> CheckpointLoadStatus:
        """Marks the restore as partial on purpose (unused values are expected)."""
        self._partial = True
        return self

    def run_restore_ops(self, session: Any = None) -> None:
        """Eagerly values are restored at once; in a TF1 graph this runs the restore ops."""
        checkpoint_ops.run_restore_ops(session)

    def initialize_or_restore(self, session: Any = None) -> None:
        """In a TF1 graph: initializes variables without a saved value, restores the rest."""
        checkpoint_ops.initialize_or_restore(session)


class InitializationOnlyStatus:
    """The status of `restore(None)`: nothing to restore, variables keep their initializers."""

    def assert_consumed(self) -> InitializationOnlyStatus:
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being restored.")

    assert_existing_objects_matched = assert_consumed
    assert_nontrivial_match = assert_consumed

    def expect_partial(self) -> InitializationOnlyStatus:
        return self

    def run_restore_ops(self, session: Any = None) -> None:
        """Nothing to run."""

    def initialize_or_restore(self, session: Any = None) -> None:
        """In a TF1 graph: runs the variable initializers."""
        checkpoint_ops.initialize_or_restore(session)

    def __str__(self) -> str:
        return "Checkpoint restore: no checkpoint given (save_path=None); nothing restored."

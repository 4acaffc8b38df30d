"""The object graph that checkpoints walk: named edges from a root object down to variables.

A value is found again by its path from the root (`model/layer_with_weights-0/kernel`), never
by creation order or global variable names. The children of an object are, in this order of
preference:

1. the dict of the last registered provider whose predicate accepts it (Keras models and
   optimizers get their TensorFlow edge names this way, see `keras_trackable.py`);
2. its `_trackable_children()` dict, when its class defines one (Keras layers do);
3. for lists and tuples, their items named `"0"`, `"1"`, ...; for dicts, their values named
   by key;
4. for any other object, its attributes (`vars(obj)`) that may hold variables.

Variables are leaves. Subtrees that hold no variable are dropped when a graph is built, so
walking arbitrary user objects costs little on disk.
"""

from __future__ import annotations

import collections
import functools
import types
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from eagerflow.core.tensor import Tensor
from eagerflow.core.variable import Variable

# Values that are never containers of state, checked before anything else.
_NOT_TRACKABLE = (
    str,
    bytes,
    int,
    float,
    complex,
    bool,
    type(None),
    Tensor,
    np.ndarray,
    np.generic,
    type,
    types.ModuleType,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    functools.partial,
    property,
)

_PROVIDERS: list[tuple[Callable[[Any], bool], Callable[[Any], dict]]] = []


def register_children_provider(
    predicate: Callable[[Any], bool], provider: Callable[[Any], dict]
) -> None:
    """Adds a rule giving the named children of the objects that `predicate` accepts.

    Later registrations win over earlier ones, so a more specific rule can be added after a
    general one.
    """
    _PROVIDERS.insert(0, (predicate, provider))


def escape_name(name: str) -> str:
    """An edge name made safe for `/`-joined paths, as TensorFlow escapes them."""
    return name.replace(".", "..").replace("/", ".S")


def may_hold_state(value: Any) -> bool:
    """Cheap filter: could `value` be a variable or hold one?"""
    if isinstance(value, _NOT_TRACKABLE):
        return False
    if isinstance(value, (Variable, list, tuple, dict)):
        return True
    return hasattr(value, "__dict__") or hasattr(type(value), "_trackable_children")


def attribute_children(obj: Any, skip: frozenset | set = frozenset()) -> dict[str, Any]:
    """The attributes of `obj` that may hold state, by attribute name (insertion order)."""
    attrs = getattr(obj, "__dict__", None)
    if not attrs:
        return {}
    return {
        escape_name(name): value
        for name, value in list(attrs.items())
        if name not in skip and may_hold_state(value)
    }


def trackable_children(obj: Any) -> dict[str, Any]:
    """The named children of `obj` in the checkpoint graph (empty for variables)."""
    if isinstance(obj, Variable):
        return {}
    for predicate, provider in _PROVIDERS:
        if predicate(obj):
            return provider(obj)
    method = getattr(type(obj), "_trackable_children", None)
    if method is not None:
        return dict(obj._trackable_children())
    if isinstance(obj, dict):
        return {
            escape_name(str(key)): value
            for key, value in list(obj.items())
            if isinstance(key, (str, int)) and may_hold_state(value)
        }
    if isinstance(obj, (list, tuple)):
        return {str(i): value for i, value in enumerate(obj) if may_hold_state(value)}
    return attribute_children(obj)


def slot_variables_of(obj: Any) -> list | None:
    """`[(variable, slot_name, slot_variable), ...]` for optimizers, else None."""
    method = getattr(obj, "_slot_variables", None)
    if method is None or not callable(method) or isinstance(obj, type):
        return None
    return list(method())


@dataclass
class Node:
    """One object of a graph: its canonical path and its named edges (to node ids)."""

    obj: Any
    path: tuple[str, ...]
    children: list[tuple[str, int]] = field(default_factory=list)
    # For optimizer nodes: (original variable node, slot name, slot variable node).
    slots: list[tuple[int, str, int]] = field(default_factory=list)

    @property
    def is_variable(self) -> bool:
        return isinstance(self.obj, Variable)


def path_text(path: tuple[str, ...]) -> str:
    return "/".join(path) if path else "(root)"


def slot_path(variable_path: tuple[str, ...], optimizer_path: tuple[str, ...], slot: str) -> tuple:
    """TensorFlow's key for a slot: `<variable>/.OPTIMIZER_SLOT/<optimizer>/<slot>`."""
    return variable_path + (".OPTIMIZER_SLOT",) + optimizer_path + (escape_name(slot),)


def build_graph(root: Any) -> list[Node]:
    """Breadth-first walk from `root`; node 0 is the root, paths are shortest (canonical).

    Objects reached twice are one node with two incoming edges. Nodes from which no variable
    can be reached are dropped; optimizer slot variables become nodes attached to their
    optimizer, named after the variable they belong to.
    """
    nodes = [Node(root, ())]
    index = {id(root): 0}
    queue = collections.deque([0])
    while queue:
        node = nodes[queue.popleft()]
        for name, child in trackable_children(node.obj).items():
            child_id = index.get(id(child))
            if child_id is None:
                child_id = index[id(child)] = len(nodes)
                nodes.append(Node(child, node.path + (name,)))
                queue.append(child_id)
            node.children.append((name, child_id))
    _attach_slots(nodes, index)
    return _prune(nodes)


def _attach_slots(nodes: list[Node], index: dict[int, int]) -> None:
    for opt_id in range(len(nodes)):
        node = nodes[opt_id]
        if node.is_variable:
            continue
        slots = slot_variables_of(node.obj)
        for variable, slot_name, slot_variable in slots or ():
            var_id = index.get(id(variable))
            if var_id is None or not isinstance(slot_variable, Variable):
                continue  # slots of variables outside the checkpoint are not saved
            slot_id = index.get(id(slot_variable))
            if slot_id is None:
                slot_id = index[id(slot_variable)] = len(nodes)
                path = slot_path(nodes[var_id].path, node.path, slot_name)
                nodes.append(Node(slot_variable, path))
            node.slots.append((var_id, slot_name, slot_id))


def _prune(nodes: list[Node]) -> list[Node]:
    """Drops nodes that reach no variable, renumbering the rest (root stays 0)."""
    parents: dict[int, list[int]] = collections.defaultdict(list)
    for i, node in enumerate(nodes):
        for _, child in node.children:
            parents[child].append(i)
        for _, _, slot_id in node.slots:
            parents[slot_id].append(i)
    keep = {0}
    stack = [i for i, node in enumerate(nodes) if node.is_variable]
    while stack:
        i = stack.pop()
        if i in keep and i != 0:
            continue
        keep.add(i)
        stack.extend(p for p in parents[i] if p not in keep)
    order = sorted(keep)
    renumber = {old: new for new, old in enumerate(order)}
    kept = []
    for old in order:
        node = nodes[old]
        node.children = [(n, renumber[c]) for n, c in node.children if c in renumber]
        node.slots = [
            (renumber[v], s, renumber[sv])
            for v, s, sv in node.slots
            if v in renumber and sv in renumber
        ]
        kept.append(node)
    return kept

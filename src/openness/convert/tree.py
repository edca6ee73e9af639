"""Name the tensors: walk the (symbolic) object tree from the pickle's root, dotted key paths."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..readers.pickle.values import Call, Global, PDict, PList, Value
from .plan import ConversionRefused
from .policy import ORDERED_DICT

#: a tensor leaf test: returns True when `value` is a tensor (or array) the caller can plan
IsTensor = Callable[[Value], bool]

MAX_VISITS = 5_000_000  # a hostile DAG of shared containers has exponentially many paths


def named_leaves(root: Value, is_tensor: IsTensor, default: str) -> Iterator[tuple[str, Value]]:
    """Yield (name, value) for every tensor and every dropped non-tensor leaf, depth first.

    Containers are dicts, OrderedDicts, lists and tuples; a container reached again through
    itself is a cycle and is refused. The root itself being a tensor gets `default` as name.
    """
    visits = 0
    stack: list[tuple[Value, str, frozenset[int]]] = [(root, "", frozenset())]
    while stack:
        value, path, ancestors = stack.pop()
        visits += 1
        if visits > MAX_VISITS:
            raise ConversionRefused(f"object graph has more than {MAX_VISITS:,} paths")
        if is_tensor(value):
            yield path or default, value
            continue
        items = _items(value)
        if items is None:
            yield path or default, value
            continue
        if id(value) in ancestors:
            raise ConversionRefused(f"container at {path or 'the root'} contains itself")
        inner = ancestors | {id(value)}
        for key, child in reversed(items):
            stack.append((child, f"{path}.{key}" if path else key, inner))


def _items(value: Value) -> list[tuple[str, Value]] | None:
    if isinstance(value, PDict):
        return [(_key(k), v) for k, v in value.items]
    if isinstance(value, Call) and isinstance(value.func, Global):
        if value.func.dotted == ORDERED_DICT:
            return [(_key(k), v) for k, v in value.items]
        return None
    if isinstance(value, PList):
        return [(str(i), v) for i, v in enumerate(value.items)]
    if isinstance(value, tuple):
        return [(str(i), v) for i, v in enumerate(value)]
    return None


def _key(key: Value) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, int) and not isinstance(key, bool):
        return str(key)
    raise ConversionRefused(f"a dictionary key is not a string or an integer: {type(key).__name__}")

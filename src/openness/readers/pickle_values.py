"""Symbolic values for the pickle VM model: what an unpickler *would* build, never built for real.

Containers are compared and hashed by identity (memo references alias them, and hashing nested
tuples from a hostile stream could take exponential time), and their reprs stay shallow.
A container keeps its first MAX_KEPT_SCALARS items; past that it keeps only items that can hold
objects (calls, globals, containers...) and counts the scalars it dropped, so a list of millions
of floats costs constant memory while every import and call stays reachable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias


@dataclass(eq=False, slots=True)
class Global:
    """A module attribute the unpickler would import (GLOBAL, STACK_GLOBAL, INST)."""

    module: str
    name: str
    offset: int
    opcode: str

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.name}"

    def __repr__(self) -> str:
        return f"Global({self.dotted!r}@{self.offset})"


@dataclass(eq=False, slots=True)
class Call:
    """The result of calling `func` (REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX), plus later mutations."""

    func: Value
    args: Value
    offset: int
    kind: str
    kwargs: Value = None
    state: Value = None  # last BUILD state
    items: list[tuple[Value, Value]] = field(default_factory=list)  # SETITEM(S) on the object
    appended: list[Value] = field(default_factory=list)  # APPEND(S) on the object
    dropped: int = 0  # scalars set or appended beyond MAX_KEPT_SCALARS

    def __repr__(self) -> str:
        return f"Call({self.func!r}, kind={self.kind}@{self.offset})"


@dataclass(eq=False, slots=True)
class PersistentId:
    value: Value
    offset: int

    def __repr__(self) -> str:
        return f"PersistentId(@{self.offset})"


@dataclass(eq=False, slots=True)
class ExtRef:
    """EXT1/2/4: an object looked up in copyreg's extension registry at load time."""

    code: int
    offset: int


@dataclass(eq=False, slots=True)
class Skipped:
    """A string/bytes argument longer than `max_string_bytes`, seeked past, never read."""

    kind: str
    length: int
    offset: int


@dataclass(eq=False, slots=True)
class Opaque:
    """Something we do not model (out-of-band buffers)."""

    reason: str
    offset: int


@dataclass(eq=False, slots=True)
class PList:
    items: list[Value] = field(default_factory=list)
    dropped: int = 0

    def __repr__(self) -> str:
        return f"PList(<{len(self.items)} items>)"


@dataclass(eq=False, slots=True)
class PDict:
    items: list[tuple[Value, Value]] = field(default_factory=list)
    dropped: int = 0

    def get(self, key: str) -> Value:
        for k, v in reversed(self.items):
            if isinstance(k, str) and k == key:
                return v
        return None

    def __repr__(self) -> str:
        return f"PDict(<{len(self.items)} items>)"


@dataclass(eq=False, slots=True)
class PSet:
    items: list[Value] = field(default_factory=list)
    frozen: bool = False
    dropped: int = 0


Value: TypeAlias = (
    None
    | bool
    | int
    | float
    | str
    | bytes
    | tuple["Value", ...]
    | Global
    | Call
    | PersistentId
    | ExtRef
    | Skipped
    | Opaque
    | PList
    | PDict
    | PSet
)


def is_global(value: Value, *dotted: str) -> bool:
    return isinstance(value, Global) and value.dotted in dotted


def int_tuple(value: Value) -> tuple[int, ...] | None:
    """A tuple of non-negative ints (a tensor shape), or None."""
    if not isinstance(value, tuple):
        return None
    out: list[int] = []
    for v in value:
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            return None
        out.append(v)
    return tuple(out)


MAX_KEPT_SCALARS = 10_000
_SCALARS = frozenset({type(None), bool, int, float, str, bytes, Skipped})


def keep_items(kept: list[Value], items: list[Value]) -> int:
    """Append `items` to a container's `kept` list; returns how many scalars were dropped."""
    room = MAX_KEPT_SCALARS - len(kept)
    if len(items) <= room:
        kept.extend(items)
        return 0
    if room > 0:
        kept.extend(items[:room])
        items = items[room:]
    if set(map(type, items)) <= _SCALARS:  # the common case, checked at C speed
        return len(items)
    objects = [v for v in items if type(v) not in _SCALARS]
    kept.extend(objects)
    return len(items) - len(objects)


def keep_pairs(kept: list[tuple[Value, Value]], flat: list[Value]) -> int:
    """Append key, value pairs given flat; returns how many all-scalar pairs were dropped."""
    pairs = len(flat) // 2
    room = MAX_KEPT_SCALARS - len(kept)
    if pairs <= room:
        kept.extend(zip(flat[::2], flat[1::2], strict=True))
        return 0
    if room > 0:
        kept.extend(zip(flat[: 2 * room : 2], flat[1 : 2 * room : 2], strict=True))
        flat = flat[2 * room :]
    if set(map(type, flat)) <= _SCALARS:
        return len(flat) // 2
    rest = [
        (k, v)
        for k, v in zip(flat[::2], flat[1::2], strict=True)
        if type(k) not in _SCALARS or type(v) not in _SCALARS
    ]
    kept.extend(rest)
    return len(flat) // 2 - len(rest)

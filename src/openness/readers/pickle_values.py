"""Symbolic values for the pickle VM model: what an unpickler *would* build, never built for real.

Containers are compared and hashed by identity (memo references alias them, and hashing nested
tuples from a hostile stream could take exponential time), and their reprs stay shallow.
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

    def __repr__(self) -> str:
        return f"PList(<{len(self.items)} items>)"


@dataclass(eq=False, slots=True)
class PDict:
    items: list[tuple[Value, Value]] = field(default_factory=list)

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

"""Symbolic values for the pickle VM model: what an unpickler *would* build, never built for real.

Containers are compared and hashed by identity (memo references alias them, and hashing nested
tuples from a hostile stream could take exponential time), and their reprs stay shallow. They
are plain slotted classes: millions may be built, and dataclass(slots=True) cost start-up time.
A container keeps its first MAX_KEPT_SCALARS items; past that it keeps only items that can hold
objects (calls, globals, containers...) and counts the scalars it dropped, so a list of millions
of floats costs constant memory while every import and call stays reachable.
"""

from __future__ import annotations

from typing import TypeAlias


class Global:
    """A module attribute the unpickler would import (GLOBAL, STACK_GLOBAL, INST)."""

    __slots__ = ("module", "name", "offset", "opcode")

    def __init__(self, module: str, name: str, offset: int, opcode: str) -> None:
        self.module, self.name, self.offset, self.opcode = module, name, offset, opcode

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.name}"

    def __repr__(self) -> str:
        return f"Global({self.dotted!r}@{self.offset})"


class Call:
    """The result of calling `func` (REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX), plus later mutations."""

    __slots__ = (
        "func",
        "args",
        "offset",
        "kind",
        "kwargs",
        "state",
        "items",
        "appended",
        "dropped",
    )

    def __init__(
        self, func: Value, args: Value, offset: int, kind: str, kwargs: Value = None
    ) -> None:
        self.func, self.args, self.offset, self.kind, self.kwargs = func, args, offset, kind, kwargs
        self.state: Value = None  # last BUILD state
        self.items: list[tuple[Value, Value]] = []  # SETITEM(S) on the object
        self.appended: list[Value] = []  # APPEND(S) on the object
        self.dropped = 0  # scalars set or appended beyond MAX_KEPT_SCALARS

    def __repr__(self) -> str:
        return f"Call({self.func!r}, kind={self.kind}@{self.offset})"


class PersistentId:
    __slots__ = ("value", "offset")

    def __init__(self, value: Value, offset: int) -> None:
        self.value, self.offset = value, offset

    def __repr__(self) -> str:
        return f"PersistentId(@{self.offset})"


class ExtRef:
    """EXT1/2/4: an object looked up in copyreg's extension registry at load time."""

    __slots__ = ("code", "offset")

    def __init__(self, code: int, offset: int) -> None:
        self.code, self.offset = code, offset

    def __repr__(self) -> str:
        return f"ExtRef(code={self.code!r}, offset={self.offset!r})"


class Skipped:
    """A string/bytes argument longer than `max_string_bytes`, seeked past, never read."""

    __slots__ = ("kind", "length", "offset")

    def __init__(self, kind: str, length: int, offset: int) -> None:
        self.kind, self.length, self.offset = kind, length, offset

    def __repr__(self) -> str:
        return f"Skipped(kind={self.kind!r}, length={self.length!r}, offset={self.offset!r})"


class Opaque:
    """Something we do not model (out-of-band buffers)."""

    __slots__ = ("reason", "offset")

    def __init__(self, reason: str, offset: int) -> None:
        self.reason, self.offset = reason, offset

    def __repr__(self) -> str:
        return f"Opaque(reason={self.reason!r}, offset={self.offset!r})"


class PList:
    __slots__ = ("items", "dropped")

    def __init__(self) -> None:
        self.items: list[Value] = []
        self.dropped = 0

    def __repr__(self) -> str:
        return f"PList(<{len(self.items)} items>)"


class PDict:
    __slots__ = ("items", "dropped")

    def __init__(self) -> None:
        self.items: list[tuple[Value, Value]] = []
        self.dropped = 0

    def get(self, key: str) -> Value:
        for k, v in reversed(self.items):
            if isinstance(k, str) and k == key:
                return v
        return None

    def __repr__(self) -> str:
        return f"PDict(<{len(self.items)} items>)"


class PSet:
    __slots__ = ("items", "frozen", "dropped")

    def __init__(self, frozen: bool = False) -> None:
        self.items: list[Value] = []
        self.frozen = frozen
        self.dropped = 0

    def __repr__(self) -> str:
        return f"PSet(<{len(self.items)} items>, frozen={self.frozen})"


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

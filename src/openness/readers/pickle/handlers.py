"""The checked handler of every pickle opcode, and the state they work on.

Each `_op_<name>` reads its argument through the bounds-checked cursor, updates the modelled
stack and memo, and returns the value to push (see values.py). `PickleWalker` (walker.py)
runs its hot loop over the frequent opcodes and falls back to these for everything else and for
the last bytes of a stream, so they are also the reference the hot loop is tested against.
"""

from __future__ import annotations

import codecs
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...errors import FormatError, LimitExceeded
from ...lazy_re import lazy
from ...limits import Limits
from .cursor import Cursor
from .opcodes import SIZED
from .values import (
    Call,
    ExtRef,
    Global,
    Opaque,
    PDict,
    PersistentId,
    PList,
    PSet,
    Skipped,
    Value,
    keep_items,
    keep_pairs,
)

_MAX_LINE = 64 * 1024  # GLOBAL/INST/PERSID/INT/FLOAT lines; real ones are tiny
STREAM_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error, RuntimeError)


@dataclass
class PickleInfo:
    """One pickle of the stream: its byte span, protocol and the object STOP returned."""

    start: int
    end: int
    protocol: int | None
    value: Value


@dataclass
class Walk:
    pickles: list[PickleInfo] = field(default_factory=list)
    globals: list[Global] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    persistent_ids: list[PersistentId] = field(default_factory=list)
    extensions: list[ExtRef] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    ops: int = 0
    end: int = 0  # offset just past the last opcode walked


@dataclass
class Frame:
    """Per-pickle unpickler state: each pickle.load starts with a fresh stack and memo."""

    stack: list[Value] = field(default_factory=list)
    marks: list[int] = field(default_factory=list)
    memo: dict[int, Value] = field(default_factory=dict)
    protocol: int | None = None


class OpcodeHandlers:
    """Opcode handlers over `cursor`, `_f` (stack, marks, memo) and `result`."""

    cursor: Cursor
    limits: Limits
    result: Walk
    after_build: Callable[[Call, Any], None] | None
    _f: Frame
    _op_offset: int

    def _sized_op(self, name: str) -> Callable[[], Value]:
        """Handlers for opcodes whose argument is a fixed-width int or a length-prefixed blob."""
        width, signed, kind = SIZED[name]

        def handler() -> Value:
            n = int.from_bytes(self.read(width, f"{name} argument"), "little", signed=signed)
            if kind == "int":
                return n
            if kind == "get":
                return self._memo_get(n)
            if kind == "put":
                self._memo_put(n)
                return None
            if kind == "ext":
                return self._ext(n)
            raw = self._blob(n, "str" if kind == "text" else "bytes")
            if isinstance(raw, Skipped):
                return raw
            if kind == "long":
                return int.from_bytes(raw, "little", signed=True)
            if kind == "text":
                return raw.decode("utf-8", "surrogatepass")
            return decode_string(raw) if kind == "pystr" else raw

        return handler

    @property
    def pos(self) -> int:
        return self.cursor.pos

    def remaining(self) -> int:
        return self.cursor.remaining()

    def read(self, n: int, what: str) -> bytes:
        return self._io(lambda: self.cursor.read(n, what))

    def skip(self, n: int, what: str) -> None:
        self._io(lambda: self.cursor.skip(n, what))

    # -- plumbing ---------------------------------------------------------------------------

    def _io(self, fn: Callable[[], bytes | None]) -> bytes:
        try:
            return fn() or b""
        except FormatError:
            raise
        except STREAM_ERRORS as exc:
            raise FormatError(f"cannot read the stream: {exc}", offset=self.pos) from None

    def _uint(self, n: int, what: str) -> int:
        return int.from_bytes(self.read(n, what), "little")

    def _line(self, what: str, limit: int = _MAX_LINE) -> bytes | None:
        """A newline-terminated argument, or None (skipped) when longer than `limit`."""
        try:
            return self.cursor.readline(limit, what)
        except STREAM_ERRORS as exc:
            raise FormatError(f"cannot read the stream: {exc}", offset=self.pos) from None

    def _short_line(self, what: str) -> str:
        line = self._line(what)
        if line is None:
            raise LimitExceeded(
                f"{what} is longer than {_MAX_LINE:,} bytes", offset=self._op_offset
            )
        return line.decode("utf-8", "backslashreplace")

    def _blob(self, n: int, kind: str) -> bytes | Skipped:
        if n < 0:
            raise FormatError(f"negative {kind} length {n}", offset=self._op_offset)
        if n > self.remaining():
            raise FormatError(
                f"{kind} length {n:,} runs past the end of the stream "
                f"({self.remaining():,} bytes left)",
                offset=self._op_offset,
            )
        if n > self.limits.max_string_bytes:
            skipped = Skipped(kind, n, self._op_offset)
            self.skip(n, kind)
            self.result.skipped.append(skipped)
            return skipped
        return self.read(n, kind)

    def _pop(self) -> Value:
        f = self._f
        if len(f.stack) <= (f.marks[-1] if f.marks else 0):
            raise FormatError("stack underflow", offset=self._op_offset)
        return f.stack.pop()

    def _top(self) -> Value:
        f = self._f
        if len(f.stack) <= (f.marks[-1] if f.marks else 0):
            raise FormatError("stack underflow", offset=self._op_offset)
        return f.stack[-1]

    def _pop_mark(self) -> list[Value]:
        f = self._f
        if not f.marks:
            raise FormatError("no MARK on the stack", offset=self._op_offset)
        k = f.marks.pop()
        items = f.stack[k:]
        del f.stack[k:]
        return items

    def _memo_get(self, key: int) -> Value:
        if key not in self._f.memo:
            raise FormatError(f"memo key {key} was never stored", offset=self._op_offset)
        return self._f.memo[key]

    def _memo_put(self, key: int) -> None:
        self._f.memo[key] = self._top()

    def _global(self, module: Value, name: Value, opcode: str) -> Global:
        if not isinstance(module, str) or not isinstance(name, str):
            module, name = "<dynamic>", "<dynamic>"  # computed at load time: unknown
        g = Global(module, name, self._op_offset, opcode)
        self.result.globals.append(g)
        return g

    def _call(self, func: Value, args: Value, kind: str, kwargs: Value = None) -> Call:
        c = Call(func, args, self._op_offset, kind, kwargs)
        self.result.calls.append(c)
        return c

    # -- opcodes: each returns the value to push, or None -------------------------------------

    def _op_mark(self) -> None:
        self._f.marks.append(len(self._f.stack))

    def _op_stop(self) -> Value:
        return self._pop()

    def _op_pop(self) -> None:
        f = self._f
        if len(f.stack) > (f.marks[-1] if f.marks else 0):
            f.stack.pop()
        else:
            self._pop_mark()

    def _op_pop_mark(self) -> None:
        self._pop_mark()

    def _op_dup(self) -> Value:
        return self._top()

    def _number_line(self, what: str) -> str | Skipped:
        """INT/LONG/FLOAT text; a longer line than we keep is skipped, not an error: CPython
        reads `I000...0001` of any length, and a scanner that stopped there would miss the rest."""
        line = self._line(what)
        if line is None:
            return self._skipped_line("number")
        return line.decode("utf-8", "backslashreplace")

    def _op_float(self) -> float | Skipped:
        text = self._number_line("FLOAT argument")
        return text if isinstance(text, Skipped) else float(text)

    def _op_int(self) -> int | bool | Skipped:
        text = self._number_line("INT argument")
        return text if isinstance(text, Skipped) else parse_int(text)

    def _op_long(self) -> int | Skipped:
        text = self._number_line("LONG argument")
        return text if isinstance(text, Skipped) else parse_long(text)

    def _op_binfloat(self) -> float:
        return float(struct.unpack(">d", self.read(8, "BINFLOAT argument"))[0])

    def _op_none(self) -> None:
        return None

    def _op_newtrue(self) -> bool:
        return True

    def _op_newfalse(self) -> bool:
        return False

    def _op_string(self) -> str | bytes | Skipped:
        line = self._line("STRING argument", self.limits.max_string_bytes)
        if line is None:
            return self._skipped_line("str")
        if len(line) < 2 or line[0] != line[-1] or line[:1] not in (b"'", b'"'):
            raise FormatError("STRING argument is not quoted", offset=self._op_offset)
        return decode_string(codecs.escape_decode(line[1:-1])[0])

    def _skipped_line(self, kind: str) -> Skipped:
        skipped = Skipped(kind, self.pos - self._op_offset - 2, self._op_offset)
        self.result.skipped.append(skipped)
        return skipped

    def _op_unicode(self) -> str | Skipped:
        line = self._line("UNICODE argument", self.limits.max_string_bytes)
        if line is None:
            return self._skipped_line("str")
        return line.decode("raw-unicode-escape")

    def _op_empty_tuple(self) -> Value:
        return ()

    def _op_tuple(self) -> Value:
        return tuple(self._pop_mark())

    def _op_tuple1(self) -> Value:
        return (self._pop(),)

    def _op_tuple2(self) -> Value:
        b = self._pop()
        return (self._pop(), b)

    def _op_tuple3(self) -> Value:
        c, b = self._pop(), self._pop()
        return (self._pop(), b, c)

    def _op_empty_list(self) -> PList:
        return PList()

    def _op_list(self) -> PList:
        lst = PList()
        extend_items(lst, self._pop_mark())
        return lst

    def _op_empty_dict(self) -> PDict:
        return PDict()

    def _op_dict(self) -> PDict:
        items = self._pop_mark()
        if len(items) % 2:
            raise FormatError("DICT has an odd number of items", offset=self._op_offset)
        dct = PDict()
        set_items(dct, items)
        return dct

    def _op_empty_set(self) -> PSet:
        return PSet()

    def _op_frozenset(self) -> PSet:
        fset = PSet(frozen=True)
        extend_items(fset, self._pop_mark())
        return fset

    def _op_append(self) -> None:
        value = self._pop()
        extend_items(self._top(), [value])

    def _op_appends(self) -> None:
        items = self._pop_mark()
        extend_items(self._top(), items)

    def _op_additems(self) -> None:
        items = self._pop_mark()
        extend_items(self._top(), items)

    def _op_setitem(self) -> None:
        value, key = self._pop(), self._pop()
        set_items(self._top(), [key, value])

    def _op_setitems(self) -> None:
        items = self._pop_mark()
        if len(items) % 2:
            raise FormatError("SETITEMS has an odd number of items", offset=self._op_offset)
        set_items(self._top(), items)

    def _op_get(self) -> Value:
        return self._memo_get(int(self._short_line("GET argument")))

    def _op_put(self) -> None:
        self._memo_put(int(self._short_line("PUT argument")))

    def _op_memoize(self) -> None:
        self._memo_put(len(self._f.memo))

    def _name_line(self, what: str) -> str:
        """A GLOBAL/INST module or name; an over-long one is kept as a marker the policy
        rejects (protocol 4 resolves dotted names of any length: `os` + `path.os.path...system`)."""
        line = self._line(what)
        return OVERLONG if line is None else line.decode("utf-8", "backslashreplace")

    def _op_global(self) -> Global:
        module = self._name_line("GLOBAL module")
        return self._global(module, self._name_line("GLOBAL name"), "GLOBAL")

    def _op_stack_global(self) -> Global:
        name = self._pop()
        return self._global(self._pop(), name, "STACK_GLOBAL")

    def _op_inst(self) -> Call:
        module = self._name_line("INST module")
        cls = self._global(module, self._name_line("INST name"), "INST")
        return self._call(cls, tuple(self._pop_mark()), "INST")

    def _op_obj(self) -> Call:
        items = self._pop_mark()
        if not items:
            raise FormatError("OBJ without a class", offset=self._op_offset)
        return self._call(items[0], tuple(items[1:]), "OBJ")

    def _op_reduce(self) -> Call:
        args = self._pop()
        return self._call(self._pop(), args, "REDUCE")

    def _op_newobj(self) -> Call:
        args = self._pop()
        return self._call(self._pop(), args, "NEWOBJ")

    def _op_newobj_ex(self) -> Call:
        kwargs, args = self._pop(), self._pop()
        return self._call(self._pop(), args, "NEWOBJ_EX", kwargs)

    def _op_build(self) -> None:
        state = self._pop()
        target = self._top()
        if isinstance(target, Call):
            target.state = state
            if self.after_build is not None:
                self.after_build(target, self)

    def _op_persid(self) -> PersistentId:
        return self._pid(self._short_line("PERSID argument"))

    def _op_binpersid(self) -> PersistentId:
        return self._pid(self._pop())

    def _pid(self, value: Value) -> PersistentId:
        pid = PersistentId(value, self._op_offset)
        self.result.persistent_ids.append(pid)
        return pid

    def _ext(self, code: int) -> ExtRef:
        ref = ExtRef(code, self._op_offset)
        self.result.extensions.append(ref)
        return ref

    def _op_proto(self) -> None:
        proto = self._uint(1, "PROTO argument")
        if proto > 5:
            raise FormatError(f"unsupported pickle protocol {proto}", offset=self._op_offset)
        self._f.protocol = proto

    def _op_frame(self) -> None:
        n = self._uint(8, "FRAME length")
        if n > self.remaining():
            raise FormatError(
                f"FRAME length {n:,} runs past the end of the stream", offset=self._op_offset
            )

    def _op_next_buffer(self) -> Opaque:
        return Opaque("out-of-band buffer", self._op_offset)

    def _op_readonly_buffer(self) -> None:
        self._top()


def extend_items(target: Value, items: list[Value]) -> None:
    """APPEND(S)/ADDITEMS: containers keep what they need (see values.keep_items)."""
    if isinstance(target, PList | PSet):
        target.dropped += keep_items(target.items, items)
    elif isinstance(target, Call):
        target.dropped += keep_items(target.appended, items)


def set_items(target: Value, flat: list[Value]) -> None:
    """SETITEM(S)/DICT: `flat` is key, value, key, value..."""
    if isinstance(target, PDict | Call):
        target.dropped += keep_pairs(target.items, flat)


#: module/name of a GLOBAL whose line was too long to keep
OVERLONG = "<overlong>"
_C_OCTAL = lazy(r"\s*([+-]?)0([0-7]+)")
_C_LONG_MAX = 2**63 - 1


def parse_int(text: str) -> int | bool:
    """INT's argument as CPython's C unpickler reads it: strtol with base 0 (`0x1f` is hex, `010`
    octal), then int(text, 0); a two-character 0 or 1 is a bool (protocol 0's True/False)."""
    match = _C_OCTAL.fullmatch(text)
    if match is not None and int(match.group(2), 8) <= _C_LONG_MAX:
        value = int(match.group(2), 8) * (-1 if match.group(1) == "-" else 1)
    else:
        value = int(text, 0)
    if len(text) == 2 and value in (0, 1):
        return value == 1
    return value


def parse_long(text: str) -> int:
    """LONG's argument: one trailing `L` dropped, then base 0 like CPython (`0x10L` is 16)."""
    return int(text[:-1] if text.endswith("L") else text, 0)


def decode_string(raw: bytes | Skipped) -> str | bytes | Skipped:
    """Python 2 str opcodes load as ASCII-decoded str by default (so they can name a global)."""
    if isinstance(raw, Skipped):
        return raw
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        return raw

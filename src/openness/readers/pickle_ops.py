"""Walk a pickle opcode stream (protocols 0-5), modelling the unpickler's stack and memo.

Nothing is imported or called: GLOBAL becomes a `Global`, REDUCE a `Call`, and so on (see
pickle_values). Long string/bytes arguments are seeked past, so memory stays flat for any file
size. Every malformed input raises FormatError with the byte offset; `PickleWalker.result` keeps
what was learned before the error, so readers can still report it.
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from ..errors import FormatError, LimitExceeded
from ..limits import Limits
from .pickle_cursor import Cursor
from .pickle_opcodes import NO_PUSH, OPCODES, SCALAR_RUNS, SIZED, STOP
from .pickle_values import (
    MAX_KEPT_SCALARS,
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
#: the hot loop handles an opcode inline only with this many bytes buffered after it; closer to
#: the end of the stream every opcode goes through its checked handler
_LOOKAHEAD = 512
_SHORT_BLOBS = frozenset(b"\x8cUC")  # SHORT_BINUNICODE, SHORT_BINSTRING, SHORT_BINBYTES
_MARKED = frozenset(b"eut")  # APPENDS, SETITEMS, TUPLE
_LINE_OPS = frozenset(b"FIpg")  # FLOAT, INT, PUT, GET: protocol 0 text arguments
_EMPTY: dict[int, Callable[[], Value]] = {0x29: tuple, 0x5D: PList, 0x7D: PDict, 0x8F: PSet}
_RUN_PATTERNS = {
    code: re.compile(b"(?:" + re.escape(bytes([code])) + b".{%d})+" % width, re.DOTALL)
    for code, (width, _) in SCALAR_RUNS.items()
}
_STREAM_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error, RuntimeError)


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
class _Frame:
    """Per-pickle unpickler state: each pickle.load starts with a fresh stack and memo."""

    stack: list[Value] = field(default_factory=list)
    marks: list[int] = field(default_factory=list)
    memo: dict[int, Value] = field(default_factory=dict)
    protocol: int | None = None


BuildHook = Callable[[Call, "PickleWalker"], None]


class PickleWalker:
    """Walk pickles from `start`; `after_build` may consume raw bytes that follow an object."""

    def __init__(
        self,
        stream: BinaryIO,
        size: int,
        limits: Limits,
        *,
        start: int = 0,
        after_build: BuildHook | None = None,
    ):
        self.cursor = Cursor(stream, start, size)
        self.limits = limits
        self.after_build = after_build
        self.result = Walk(end=start)
        self._f = _Frame()
        self._op_offset = start
        self._ops: dict[int, tuple[Callable[[], Value], bool]] = {}
        for code, name in OPCODES.items():
            handler = getattr(self, "_op_" + name.lower(), None) or self._sized_op(name)
            self._ops[code] = (handler, name not in NO_PUSH)

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
            return _decode_string(raw) if kind == "pystr" else raw

        return handler

    @property
    def pos(self) -> int:
        return self.cursor.pos

    def remaining(self) -> int:
        return self.cursor.remaining()

    def at_opcode(self) -> bool:
        """True if bytes remain and the next one could start a pickle."""
        try:
            nxt = self.cursor.peek()
        except _STREAM_ERRORS as exc:
            raise FormatError(f"cannot read the stream: {exc}", offset=self.pos) from None
        return nxt is not None and nxt in OPCODES

    def read(self, n: int, what: str) -> bytes:
        return self._io(lambda: self.cursor.read(n, what))

    def skip(self, n: int, what: str) -> None:
        self._io(lambda: self.cursor.skip(n, what))

    def walk_all(self) -> Walk:
        """Walk one pickle, then more while bytes remain and the next byte is an opcode."""
        self.walk_one()
        while self.at_opcode():
            self.walk_one()
        return self.result

    def walk_one(self) -> PickleInfo:
        saved, self._f = self._f, _Frame()
        start = self.pos
        try:
            return self._run(start)
        finally:
            self._f = saved

    def _run(self, start: int) -> PickleInfo:
        """The hot loop: frequent opcodes inline, runs of scalars in bulk, the rest by handler.

        Inline opcodes need no bounds checks: they run only with _LOOKAHEAD bytes buffered.
        """
        cur, f = self.cursor, self._f
        stack, marks, memo = f.stack, f.marks, f.memo
        max_ops, max_str = self.limits.max_pickle_ops, self.limits.max_string_bytes
        ops = self.result.ops
        buf, i, base = cur.buf, cur.i, cur.base
        safe = len(buf) - _LOOKAHEAD
        at = base + i
        code = -1
        try:
            while True:
                if i >= safe:
                    cur.at(i)
                    cur.fill(_LOOKAHEAD + 1)
                    buf, i, base = cur.buf, cur.i, cur.base
                    safe = len(buf) - _LOOKAHEAD
                at = base + i
                if i >= safe:  # the last bytes of the stream
                    code = -1
                    self.result.ops = ops
                    info = self._checked_op(start)
                    ops = self.result.ops
                    if info is not None:
                        return info
                    buf, i, base = cur.buf, cur.i, cur.base
                    safe = len(buf) - _LOOKAHEAD
                    continue
                code = buf[i]
                ops += 1
                if ops > max_ops:
                    raise LimitExceeded(f"more than {max_ops:,} pickle opcodes", offset=at)
                if code in SCALAR_RUNS:
                    width, const = SCALAR_RUNS[code]
                    if buf[i + width + 1] == code:
                        i, ops = self._scalar_run(buf, i, code, ops, stack)
                    elif width == 1:
                        stack.append(buf[i + 1])
                        i += 2
                    elif width == 0:
                        stack.append(const)
                        i += 1
                    else:
                        stack.append(struct.unpack_from(const, buf, i)[0])  # type: ignore[arg-type]
                        i += width + 1
                elif code == 0x94:  # MEMOIZE
                    if len(stack) <= (marks[-1] if marks else 0):
                        raise FormatError("stack underflow", offset=at)
                    memo[len(memo)] = stack[-1]
                    i += 1
                elif code == 0x71 or code == 0x72:  # BINPUT, LONG_BINPUT
                    if len(stack) <= (marks[-1] if marks else 0):
                        raise FormatError("stack underflow", offset=at)
                    if code == 0x71:
                        memo[buf[i + 1]] = stack[-1]
                        i += 2
                    else:
                        memo[int.from_bytes(buf[i + 1 : i + 5], "little")] = stack[-1]
                        i += 5
                elif code == 0x68 or code == 0x6A:  # BINGET, LONG_BINGET
                    if code == 0x68:
                        key = buf[i + 1]
                        i += 2
                    else:
                        key = int.from_bytes(buf[i + 1 : i + 5], "little")
                        i += 5
                    if key not in memo:
                        raise FormatError(f"memo key {key} was never stored", offset=at)
                    stack.append(memo[key])
                elif code in _SHORT_BLOBS and buf[i + 1] <= max_str:
                    n = buf[i + 1]
                    raw = buf[i + 2 : i + 2 + n]
                    i += 2 + n
                    if code == 0x8C:  # SHORT_BINUNICODE
                        stack.append(raw.decode("utf-8", "surrogatepass"))
                    elif code == 0x55:  # SHORT_BINSTRING
                        stack.append(_decode_string(raw))
                    else:  # SHORT_BINBYTES
                        stack.append(raw)
                elif code == 0x58 and (n := int.from_bytes(buf[i + 1 : i + 5], "little")) <= min(
                    max_str, _LOOKAHEAD - 5
                ):  # BINUNICODE
                    stack.append(buf[i + 5 : i + 5 + n].decode("utf-8", "surrogatepass"))
                    i += 5 + n
                elif code == 0x28:  # MARK
                    marks.append(len(stack))
                    i += 1
                elif 0x85 <= code <= 0x87:  # TUPLE1, TUPLE2, TUPLE3
                    n = code - 0x84
                    if len(stack) - n < (marks[-1] if marks else 0):
                        raise FormatError("stack underflow", offset=at)
                    items = tuple(stack[-n:])
                    del stack[-n:]
                    stack.append(items)
                    i += 1
                elif code in _MARKED:  # APPENDS, SETITEMS, TUPLE
                    if not marks:
                        raise FormatError("no MARK on the stack", offset=at)
                    k = marks.pop()
                    flat = stack[k:]
                    del stack[k:]
                    if code == 0x74:
                        stack.append(tuple(flat))
                    elif len(stack) <= (marks[-1] if marks else 0):
                        raise FormatError("stack underflow", offset=at)
                    elif code == 0x65:
                        _extend(stack[-1], flat)
                    elif len(flat) % 2:
                        raise FormatError("SETITEMS has an odd number of items", offset=at)
                    else:
                        _set(stack[-1], flat)
                    i += 1
                elif code == 0x61:  # APPEND
                    if len(stack) - 1 <= (marks[-1] if marks else 0):
                        raise FormatError("stack underflow", offset=at)
                    value = stack.pop()
                    target = stack[-1]
                    if type(target) is PList and len(target.items) < MAX_KEPT_SCALARS:
                        target.items.append(value)
                    else:
                        _extend(target, [value])
                    i += 1
                elif code == 0x73:  # SETITEM
                    if len(stack) - 2 <= (marks[-1] if marks else 0):
                        raise FormatError("stack underflow", offset=at)
                    flat = stack[-2:]
                    del stack[-2:]
                    _set(stack[-1], flat)
                    i += 1
                elif code in _EMPTY:
                    stack.append(_EMPTY[code]())
                    i += 1
                elif code in _LINE_OPS and (nl := buf.find(b"\n", i + 1, i + _LOOKAHEAD)) > 0:
                    text = buf[i + 1 : nl].decode("utf-8", "backslashreplace")
                    i = nl + 1
                    if code == 0x46:  # FLOAT
                        stack.append(float(text))
                    elif code == 0x49:  # INT
                        stack.append(text == "01" if text in ("00", "01") else int(text))
                    elif code == 0x70:  # PUT
                        if len(stack) <= (marks[-1] if marks else 0):
                            raise FormatError("stack underflow", offset=at)
                        memo[int(text)] = stack[-1]
                    elif (key := int(text)) in memo:  # GET
                        stack.append(memo[key])
                    else:
                        raise FormatError(f"memo key {key} was never stored", offset=at)
                else:
                    cur.at(i)
                    ops -= 1  # the handler counts its opcode itself
                    self.result.ops = ops
                    info = self._checked_op(start)
                    ops = self.result.ops
                    if info is not None:
                        return info
                    buf, i, base = cur.buf, cur.i, cur.base
                    safe = len(buf) - _LOOKAHEAD
        except FormatError:
            self.result.end = at
            raise
        except _STREAM_ERRORS as exc:
            self.result.end = at
            raise FormatError(f"cannot read the stream: {exc}", offset=at) from None
        except (ValueError, TypeError, OverflowError, IndexError, KeyError, struct.error) as exc:
            self.result.end = at
            name = OPCODES.get(code, "opcode")
            raise FormatError(f"malformed {name} argument: {exc}", offset=at) from None
        finally:
            self.result.ops = max(self.result.ops, ops)

    def _scalar_run(
        self, buf: bytes, i: int, code: int, ops: int, stack: list[Value]
    ) -> tuple[int, int]:
        """Push the run of one scalar opcode that starts at `i`, as far as it is buffered."""
        width, const = SCALAR_RUNS[code]
        step = width + 1
        match = _RUN_PATTERNS[code].match(buf, i)
        assert match is not None
        count = (match.end() - i) // step
        limit = self.limits.max_pickle_ops
        if ops - 1 + count > limit:
            raise LimitExceeded(
                f"more than {limit:,} pickle opcodes",
                offset=self.cursor.base + i + (limit - ops + 1) * step,
            )
        if width == 0:
            stack.extend([const] * count)
        elif width == 1:
            stack.extend(buf[i + 1 : i + 2 * count : 2])
        else:
            assert isinstance(const, str)
            stack.extend(struct.unpack_from(const[0] + const[1:] * count, buf, i))
        return i + count * step, ops + count - 1

    def _checked_op(self, start: int) -> PickleInfo | None:
        """One opcode through its handler, every read checked; the PickleInfo when it is STOP."""
        self._op_offset = self.pos
        code = self.read(1, "opcode")[0]
        entry = self._ops.get(code)
        if entry is None:
            raise FormatError(f"byte 0x{code:02x} is not a pickle opcode", offset=self._op_offset)
        self.result.ops += 1
        if self.result.ops > self.limits.max_pickle_ops:
            raise LimitExceeded(
                f"more than {self.limits.max_pickle_ops:,} pickle opcodes",
                offset=self._op_offset,
            )
        handler, pushes = entry
        try:
            value = handler()
        except FormatError:
            raise
        except (ValueError, TypeError, OverflowError, IndexError, KeyError) as exc:
            raise FormatError(
                f"malformed {OPCODES[code]} argument: {exc}", offset=self._op_offset
            ) from None
        if pushes:
            self._f.stack.append(value)
        elif code == STOP:
            self.result.end = self.pos
            info = PickleInfo(start, self.pos, self._f.protocol, value)
            self.result.pickles.append(info)
            return info
        return None

    # -- plumbing ---------------------------------------------------------------------------

    def _io(self, fn: Callable[[], bytes | None]) -> bytes:
        try:
            return fn() or b""
        except FormatError:
            raise
        except _STREAM_ERRORS as exc:
            raise FormatError(f"cannot read the stream: {exc}", offset=self.pos) from None

    def _uint(self, n: int, what: str) -> int:
        return int.from_bytes(self.read(n, what), "little")

    def _sint(self, n: int, what: str) -> int:
        return int.from_bytes(self.read(n, what), "little", signed=True)

    def _line(self, what: str, limit: int = _MAX_LINE) -> bytes | None:
        """A newline-terminated argument, or None (skipped) when longer than `limit`."""
        try:
            return self.cursor.readline(limit, what)
        except _STREAM_ERRORS as exc:
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

    def _op_float(self) -> float:
        return float(self._short_line("FLOAT argument"))

    def _op_int(self) -> int | bool:
        text = self._short_line("INT argument")
        if text in ("00", "01"):  # protocol 0 spells booleans this way
            return text == "01"
        return int(text)

    def _op_long(self) -> int:
        return int(self._short_line("LONG argument").rstrip("L"))

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
        return _decode_string(codecs.escape_decode(line[1:-1])[0])

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
        _extend(lst, self._pop_mark())
        return lst

    def _op_empty_dict(self) -> PDict:
        return PDict()

    def _op_dict(self) -> PDict:
        items = self._pop_mark()
        if len(items) % 2:
            raise FormatError("DICT has an odd number of items", offset=self._op_offset)
        dct = PDict()
        _set(dct, items)
        return dct

    def _op_empty_set(self) -> PSet:
        return PSet()

    def _op_frozenset(self) -> PSet:
        fset = PSet(frozen=True)
        _extend(fset, self._pop_mark())
        return fset

    def _op_append(self) -> None:
        value = self._pop()
        _extend(self._top(), [value])

    def _op_appends(self) -> None:
        items = self._pop_mark()
        _extend(self._top(), items)

    def _op_additems(self) -> None:
        items = self._pop_mark()
        _extend(self._top(), items)

    def _op_setitem(self) -> None:
        value, key = self._pop(), self._pop()
        _set(self._top(), [key, value])

    def _op_setitems(self) -> None:
        items = self._pop_mark()
        if len(items) % 2:
            raise FormatError("SETITEMS has an odd number of items", offset=self._op_offset)
        _set(self._top(), items)

    def _op_get(self) -> Value:
        return self._memo_get(int(self._short_line("GET argument")))

    def _op_put(self) -> None:
        self._memo_put(int(self._short_line("PUT argument")))

    def _op_memoize(self) -> None:
        self._memo_put(len(self._f.memo))

    def _op_global(self) -> Global:
        module = self._short_line("GLOBAL module")
        return self._global(module, self._short_line("GLOBAL name"), "GLOBAL")

    def _op_stack_global(self) -> Global:
        name = self._pop()
        return self._global(self._pop(), name, "STACK_GLOBAL")

    def _op_inst(self) -> Call:
        module = self._short_line("INST module")
        cls = self._global(module, self._short_line("INST name"), "INST")
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


def _extend(target: Value, items: list[Value]) -> None:
    """APPEND(S)/ADDITEMS: containers keep what they need (see pickle_values.keep_items)."""
    if isinstance(target, PList | PSet):
        target.dropped += keep_items(target.items, items)
    elif isinstance(target, Call):
        target.dropped += keep_items(target.appended, items)


def _set(target: Value, flat: list[Value]) -> None:
    """SETITEM(S)/DICT: `flat` is key, value, key, value..."""
    if isinstance(target, PDict | Call):
        target.dropped += keep_pairs(target.items, flat)


def _decode_string(raw: bytes | Skipped) -> str | bytes | Skipped:
    """Python 2 str opcodes load as ASCII-decoded str by default (so they can name a global)."""
    if isinstance(raw, Skipped):
        return raw
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        return raw


def walk(stream: BinaryIO, size: int, limits: Limits, *, start: int = 0) -> Walk:
    """Walk every pickle in the stream; raises FormatError (PickleWalker keeps partial results)."""
    return PickleWalker(stream, size, limits, start=start).walk_all()

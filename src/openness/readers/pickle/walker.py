"""Walk a pickle opcode stream (protocols 0-5), modelling the unpickler's stack and memo.

Nothing is imported or called: GLOBAL becomes a `Global`, REDUCE a `Call`, and so on (see
values.py). Long string/bytes arguments are seeked past, so memory stays flat for any file
size. Every malformed input raises FormatError with the byte offset; `PickleWalker.result` keeps
what was learned before the error, so readers can still report it.
"""

import struct
from collections.abc import Callable
from typing import BinaryIO

from ...errors import FormatError, LimitExceeded
from ...limits import Limits
from .cursor import Cursor
from .handlers import (
    STREAM_ERRORS,
    Frame,
    OpcodeHandlers,
    decode_string,
    extend_items,
    parse_int,
    set_items,
)
from .handlers import PickleInfo as PickleInfo
from .handlers import Walk as Walk
from .opcodes import NO_PUSH, OPCODES, SCALAR_RUNS, STOP
from .values import MAX_KEPT_SCALARS, Call, PDict, PList, PSet, Value

#: the hot loop handles an opcode inline only with this many bytes buffered after it; closer to
#: the end of the stream every opcode goes through its checked handler
_LOOKAHEAD = 512
_SHORT_BLOBS = frozenset(b"\x8cUC")  # SHORT_BINUNICODE, SHORT_BINSTRING, SHORT_BINBYTES
_MARKED = frozenset(b"eut")  # APPENDS, SETITEMS, TUPLE
_LINE_OPS = frozenset(b"FIpg")  # FLOAT, INT, PUT, GET: protocol 0 text arguments
_EMPTY: dict[int, Callable[[], Value]] = {0x29: tuple, 0x5D: PList, 0x7D: PDict, 0x8F: PSet}
_APPENDS = 0x65
_FRAME = 0x95
_RUN_BYTES = {code: bytes([code]) for code in SCALAR_RUNS}
BuildHook = Callable[[Call, "PickleWalker"], None]


class PickleWalker(OpcodeHandlers):
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
        self._f = Frame()
        self._op_offset = start
        self._sized: dict[str, Callable[[], Value]] = {}  # built on first use (see _sized)
        self.cursor.on_fill = self._check_state  # last: mutant numbers in triage stay valid

    def _check_state(self, offset: int) -> None:
        """Bound the modelled unpickler's memory: values on the stack (marks included) and in the
        memo. Checked per chunk read, so each may pass its limit by one chunk's opcodes."""
        f, limits = self._f, self.limits
        if len(f.stack) + len(f.marks) > limits.max_pickle_stack:
            raise LimitExceeded(
                f"more than {limits.max_pickle_stack:,} values on the pickle stack", offset=offset
            )
        if len(f.memo) > limits.max_pickle_memo:
            raise LimitExceeded(f"more than {limits.max_pickle_memo:,} memo entries", offset=offset)

    def at_opcode(self) -> bool:
        """True if bytes remain and the next one could start a pickle."""
        try:
            nxt = self.cursor.peek()
        except STREAM_ERRORS as exc:
            raise FormatError(f"cannot read the stream: {exc}", offset=self.pos) from None
        return nxt is not None and nxt in OPCODES

    def walk_all(self) -> Walk:
        """Walk one pickle, then more while bytes remain and the next byte is an opcode."""
        self.walk_one()
        while self.at_opcode():
            self.walk_one()
        return self.result

    def walk_one(self) -> PickleInfo:
        saved, self._f = self._f, Frame()
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
                        i, ops = self._scalar_run(buf, i, code, ops, stack, safe)
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
                        stack.append(decode_string(raw))
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
                        extend_items(stack[-1], flat)
                    elif len(flat) % 2:
                        raise FormatError("SETITEMS has an odd number of items", offset=at)
                    else:
                        set_items(stack[-1], flat)
                    i += 1
                elif code == 0x61:  # APPEND
                    if len(stack) - 1 <= (marks[-1] if marks else 0):
                        raise FormatError("stack underflow", offset=at)
                    value = stack.pop()
                    target = stack[-1]
                    if type(target) is PList and len(target.items) < MAX_KEPT_SCALARS:
                        target.items.append(value)
                    else:
                        extend_items(target, [value])
                    i += 1
                elif code == 0x73:  # SETITEM
                    if len(stack) - 2 <= (marks[-1] if marks else 0):
                        raise FormatError("stack underflow", offset=at)
                    flat = stack[-2:]
                    del stack[-2:]
                    set_items(stack[-1], flat)
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
                        stack.append(parse_int(text))
                    elif code == 0x70:  # PUT
                        if len(stack) <= (marks[-1] if marks else 0):
                            raise FormatError("stack underflow", offset=at)
                        memo[int(text)] = stack[-1]
                    elif (key := int(text)) in memo:  # GET
                        stack.append(memo[key])
                    else:
                        raise FormatError(f"memo key {key} was never stored", offset=at)
                elif code == _FRAME and int.from_bytes(buf[i + 1 : i + 9], "little") <= (
                    cur.end - at - 9
                ):
                    i += 9
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
        except STREAM_ERRORS as exc:
            self.result.end = at
            raise FormatError(f"cannot read the stream: {exc}", offset=at) from None
        except (ValueError, TypeError, OverflowError, IndexError, KeyError, struct.error) as exc:
            self.result.end = at
            name = OPCODES.get(code, "opcode")
            raise FormatError(f"malformed {name} argument: {exc}", offset=at) from None
        finally:
            self.result.ops = max(self.result.ops, ops)

    def _scalar_run(
        self, buf: bytes, i: int, code: int, ops: int, stack: list[Value], safe: int
    ) -> tuple[int, int]:
        """Push the run of one scalar opcode that starts at `i`, as far as it is buffered.

        A run that fills a MARK and ends at an inline APPENDS whose container already keeps
        MAX_KEPT_SCALARS items is counted, not pushed: the container would drop every value.
        Such a run may go on after FRAME opcodes (protocol 4 cuts frames between any two).
        """
        width, const = SCALAR_RUNS[code]
        step = width + 1
        count = _run_length(buf, i, code, step)
        limit = self.limits.max_pickle_ops
        if ops - 1 + count > limit:
            raise LimitExceeded(
                f"more than {limit:,} pickle opcodes",
                offset=self.cursor.base + i + (limit - ops + 1) * step,
            )
        end = tail = i + count * step
        more = frames = 0
        if end < safe and buf[end] == _FRAME:
            tail, more, frames = self._across_frames(buf, end, code, step, safe)
        if (
            tail < safe  # APPENDS runs inline: no buffer refill (and state check) in between
            and buf[tail] == _APPENDS
            and ops + count + more + frames <= limit
            and _append_dropped(stack, self._f.marks, count + more)
        ):
            return tail + 1, ops + count + more + frames
        if width == 0:
            stack.extend([const] * count)
        elif width == 1:
            stack.extend(buf[i + 1 : end : 2])
        else:
            assert isinstance(const, str)
            stack.extend(struct.unpack_from(const[0] + const[1:] * count, buf, i))
        return end, ops + count - 1

    def _across_frames(
        self, buf: bytes, end: int, code: int, step: int, safe: int
    ) -> tuple[int, int, int]:
        """Where a run that ends at `end` stops when it goes on after valid FRAME opcodes: the
        index after it, how many more opcodes of the run, how many FRAMEs."""
        more = frames = 0
        left = self.cursor.end - self.cursor.base  # the stream's end as an index of buf
        while (
            end + 9 < safe
            and buf[end] == _FRAME
            and buf[end + 9] == code
            and int.from_bytes(buf[end + 1 : end + 9], "little") <= left - end - 9
        ):
            n = _run_length(buf, end + 9, code, step)
            more, frames, end = more + n, frames + 1, end + 9 + n * step
        return end, more, frames

    def _checked_op(self, start: int) -> PickleInfo | None:
        """One opcode through its handler, every read checked; the PickleInfo when it is STOP."""
        self._op_offset = self.pos
        code = self.read(1, "opcode")[0]
        entry = _HANDLERS.get(code)
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
            value = handler(self)
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


def _sized(name: str) -> Callable[[PickleWalker], Value]:
    """The handler of a fixed-width or length-prefixed opcode, made once per walker."""

    def call(walker: PickleWalker) -> Value:
        handler = walker._sized.get(name)
        if handler is None:
            handler = walker._sized[name] = walker._sized_op(name)
        return handler()

    return call


#: opcode -> (its handler, whether it pushes what the handler returns); one table for all walkers
_HANDLERS: dict[int, tuple[Callable[[PickleWalker], Value], bool]] = {
    code: (getattr(PickleWalker, "_op_" + name.lower(), None) or _sized(name), name not in NO_PUSH)
    for code, name in OPCODES.items()
}


def _run_length(buf: bytes, i: int, code: int, step: int) -> int:
    """How many opcodes `code` follow each other from `i`, each with its argument in `buf`.

    Reads the opcode bytes of a window of steps at a time (a strided slice, stripped at C speed);
    the window grows so short runs stay cheap and long ones take few slices."""
    last = len(buf) - step + 1  # an opcode starting before this has its whole argument
    opcode = _RUN_BYTES[code]
    count, window = 0, 16
    while True:
        at = i + count * step
        stop = min(at + window * step, last)
        codes = buf[at:stop:step]
        same = len(codes) - len(codes.lstrip(opcode))
        count += same
        if same < len(codes) or stop >= last:
            return count
        window *= 8


def _append_dropped(stack: list[Value], marks: list[int], count: int) -> bool:
    """APPENDS of the marked items plus `count` more scalars when the target keeps no more
    scalars (see values.keep_items); False, changing nothing, when the checked APPENDS must run."""
    if not marks:
        return False
    k = marks[-1]
    if k <= (marks[-2] if len(marks) > 1 else 0):
        return False  # APPENDS would underflow: the inline path says so
    target = stack[k - 1]
    if isinstance(target, PList | PSet):
        kept = target.items
    elif isinstance(target, Call):
        kept = target.appended
    else:
        kept = None
    if kept is not None and len(kept) < MAX_KEPT_SCALARS:
        return False
    marks.pop()
    extend_items(target, stack[k:])
    del stack[k:]
    if isinstance(target, PList | PSet | Call):
        target.dropped += count
    return True


def walk(stream: BinaryIO, size: int, limits: Limits, *, start: int = 0) -> Walk:
    """Walk every pickle in the stream; raises FormatError (PickleWalker keeps partial results)."""
    return PickleWalker(stream, size, limits, start=start).walk_all()

"""A forward-only buffered cursor over a stream, bounded by a declared end.

Reads in large chunks (zip members are slow to seek backwards), skips long arguments by seeking,
and checks every length against the bytes left before reading, so nothing is allocated on a lie.
The walker's hot loop reads `buf` from index `i` directly and hands the index back with `at`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from ...errors import FormatError

_CHUNK = 256 * 1024


class Cursor:
    def __init__(self, stream: BinaryIO, start: int, end: int):
        self.stream = stream
        self.end = end
        self.base = start  # stream offset of buf[0]
        self.buf = b""
        self.i = 0
        #: called with the new buffer's offset after each read from the stream (the walker
        #: checks its stack and memo there: once per chunk, not once per opcode)
        self.on_fill: Callable[[int], None] | None = None
        stream.seek(start)

    @property
    def pos(self) -> int:
        return self.base + self.i

    def remaining(self) -> int:
        return max(self.end - self.pos, 0)

    def at(self, i: int) -> None:
        """Move to index `i` of the current buffer (the hot loop consumed bytes up to there)."""
        self.i = i

    def buffered_to_end(self) -> bool:
        """True when `buf` holds every byte up to the declared end."""
        return self.base + len(self.buf) >= self.end

    def fill(self, n: int) -> None:
        """Make at least n bytes available from `i` when the stream has them."""
        avail = len(self.buf) - self.i
        if avail >= n:
            return
        want = min(max(n - avail, _CHUNK), self.end - self.base - len(self.buf))
        if want <= 0:
            return  # every byte up to the end is buffered
        chunk = self.stream.read(want)
        if not chunk and self.i == 0:
            return
        self.base += self.i
        self.buf = self.buf[self.i :] + chunk
        self.i = 0
        if chunk and self.on_fill is not None:
            self.on_fill(self.base)

    def peek(self) -> int | None:
        if self.remaining() == 0:
            return None
        self.fill(1)
        return self.buf[self.i] if self.i < len(self.buf) else None

    def read(self, n: int, what: str) -> bytes:
        i = self.i
        j = i + n
        if i <= j <= len(self.buf) and self.base + j <= self.end:  # buffered: no check left
            self.i = j
            return self.buf[i:j]
        start = self.pos
        if n > self.remaining():
            raise FormatError(
                f"file ends inside the {what} (wanted {n:,} bytes, {self.remaining():,} left)",
                offset=start,
            )
        self.fill(n)
        data = self.buf[self.i : self.i + n]
        if len(data) != n:
            raise FormatError(f"stream ends inside the {what}", offset=start)
        self.i += n
        return data

    def skip(self, n: int, what: str) -> None:
        if n < 0 or n > self.remaining():
            raise FormatError(
                f"{what} of {n:,} bytes runs past the end of the file "
                f"({self.remaining():,} bytes left)",
                offset=self.pos,
            )
        if n <= len(self.buf) - self.i:
            self.i += n
            return
        target = self.pos + n
        self.stream.seek(target)
        self.base, self.buf, self.i = target, b"", 0

    def readline(self, limit: int, what: str) -> bytes | None:
        """Bytes up to a newline (consumed, not returned); None if longer than `limit` (skipped)."""
        start = self.pos
        parts: list[bytes] = []
        kept = 0
        while True:
            if self.remaining() == 0:
                raise FormatError(f"file ends inside the {what} (no newline)", offset=start)
            self.fill(1)
            if self.i >= len(self.buf):
                raise FormatError(f"stream ends inside the {what}", offset=start)
            nl = self.buf.find(b"\n", self.i)
            stop = len(self.buf) if nl < 0 else nl
            piece = self.buf[self.i : stop]
            if kept + len(piece) <= limit:
                parts.append(piece)
            kept += len(piece)
            self.i = stop if nl < 0 else nl + 1
            if nl >= 0:
                return b"".join(parts) if kept <= limit else None

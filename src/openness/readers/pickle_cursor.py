"""A forward-only buffered cursor over a stream, bounded by a declared end.

Reads in chunks (zip members are slow to seek backwards), skips long arguments by seeking, and
checks every length against the bytes left before reading, so nothing is allocated on a lie.
"""

from __future__ import annotations

from typing import BinaryIO

from ..errors import FormatError

_CHUNK = 64 * 1024


class Cursor:
    def __init__(self, stream: BinaryIO, start: int, end: int):
        self.stream = stream
        self.end = end
        self._base = start  # stream offset of _buf[0]
        self._buf = b""
        self._i = 0
        stream.seek(start)

    @property
    def pos(self) -> int:
        return self._base + self._i

    def remaining(self) -> int:
        return max(self.end - self.pos, 0)

    def _fill(self, n: int) -> None:
        """Make at least n bytes available from _i when the stream has them."""
        avail = len(self._buf) - self._i
        if avail >= n:
            return
        want = min(max(n - avail, _CHUNK), self.end - self._base - len(self._buf))
        chunk = self.stream.read(want) if want > 0 else b""
        self._base += self._i
        self._buf = self._buf[self._i :] + chunk
        self._i = 0

    def peek(self) -> int | None:
        if self.remaining() == 0:
            return None
        self._fill(1)
        return self._buf[self._i] if self._i < len(self._buf) else None

    def read(self, n: int, what: str) -> bytes:
        start = self.pos
        if n > self.remaining():
            raise FormatError(
                f"file ends inside the {what} (wanted {n:,} bytes, {self.remaining():,} left)",
                offset=start,
            )
        self._fill(n)
        data = self._buf[self._i : self._i + n]
        if len(data) != n:
            raise FormatError(f"stream ends inside the {what}", offset=start)
        self._i += n
        return data

    def skip(self, n: int, what: str) -> None:
        if n < 0 or n > self.remaining():
            raise FormatError(
                f"{what} of {n:,} bytes runs past the end of the file "
                f"({self.remaining():,} bytes left)",
                offset=self.pos,
            )
        if n <= len(self._buf) - self._i:
            self._i += n
            return
        target = self.pos + n
        self.stream.seek(target)
        self._base, self._buf, self._i = target, b"", 0

    def readline(self, limit: int, what: str) -> bytes | None:
        """Bytes up to a newline (consumed, not returned); None if longer than `limit` (skipped)."""
        start = self.pos
        parts: list[bytes] = []
        kept = 0
        while True:
            if self.remaining() == 0:
                raise FormatError(f"file ends inside the {what} (no newline)", offset=start)
            self._fill(1)
            if self._i >= len(self._buf):
                raise FormatError(f"stream ends inside the {what}", offset=start)
            nl = self._buf.find(b"\n", self._i)
            stop = len(self._buf) if nl < 0 else nl
            piece = self._buf[self._i : stop]
            if kept + len(piece) <= limit:
                parts.append(piece)
            kept += len(piece)
            self._i = stop if nl < 0 else nl + 1
            if nl >= 0:
                return b"".join(parts) if kept <= limit else None

"""An unbuffered pass-through stream that shows every byte read through it to a subclass."""

from __future__ import annotations

import io
from typing import BinaryIO


class ObservedStream(io.RawIOBase):
    """Reads, seeks and tells go to the inner stream; `observe` sees what each read returned."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._inner.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._inner.seek(offset, whence)

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        start = self._inner.tell()
        into = getattr(self._inner, "readinto", None)
        if into is not None:
            n = int(into(buffer))
        else:
            data = self._inner.read(len(buffer))
            n = len(data)
            buffer[:n] = data
        self.observe(start, memoryview(buffer)[:n])
        return n

    def observe(self, start: int, data: memoryview) -> None:
        """Called after each read with the offset it started at and the bytes it returned."""


class CountedStream(ObservedStream):
    """Counts the bytes read through it; unbuffered, so the count is what was read."""

    def __init__(self, inner: BinaryIO) -> None:
        super().__init__(inner)
        self.bytes_read = 0

    def observe(self, start: int, data: memoryview) -> None:
        self.bytes_read += len(data)

"""A stream that counts the bytes read through it, unbuffered, so the count is what was read."""

from __future__ import annotations

import io
from typing import BinaryIO


class CountedStream(io.RawIOBase):
    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._inner.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._inner.seek(offset, whence)

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        self.bytes_read += len(data)
        return len(data)

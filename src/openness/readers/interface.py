"""The reader interface: one reader per file format, recognised by content, header-only.

A reader gets a seekable binary stream over one file of the release and returns a ReaderResult.
It never imports, unpickles or executes anything from the file, checks every declared length
against `Limits` before allocating, and raises `FormatError` for malformed input (the assessment
turns that into a finding on the file).
"""

from __future__ import annotations

from typing import BinaryIO, Protocol

from ..limits import Limits
from ..model import ReaderResult


class Reader(Protocol):
    @property
    def formats(self) -> tuple[str, ...]:
        """Format ids (as `detect.detect_format` returns them) this reader handles."""
        ...

    def read(self, path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult: ...

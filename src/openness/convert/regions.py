"""Byte regions the tensors' storages live in: a span of a plain file, or a zip member."""

from __future__ import annotations

import zipfile
import zlib
from typing import BinaryIO, Protocol

from ..errors import OpennessError

_ZIP_LOCAL_HEADER = 30
#: what reading a damaged zip member can raise
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    OverflowError,
)


class Region(Protocol):
    size: int

    def read(self, offset: int, n: int) -> bytes: ...


class FileRegion:
    """`size` bytes of an open file from `start`; the file belongs to the caller."""

    def __init__(self, stream: BinaryIO, start: int, size: int):
        self.stream, self.start, self.size = stream, start, size

    def read(self, offset: int, n: int) -> bytes:
        if offset < 0 or n < 0 or offset + n > self.size:
            raise OpennessError(f"read of {n} bytes at {offset} leaves a {self.size}-byte region")
        self.stream.seek(self.start + offset)
        data = self.stream.read(n)
        if len(data) != n:
            raise OpennessError("the file ended early: it was truncated or changed while read")
        return data


class ZipMemberRegion:
    """A compressed zip member, read through zipfile (seeking decompresses from the start)."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo):
        self.archive, self.info, self.size = archive, info, info.file_size

    def read(self, offset: int, n: int) -> bytes:
        try:
            with self.archive.open(self.info) as member:
                member.seek(offset)
                data = member.read(n)
        except ZIP_ERRORS as exc:
            raise OpennessError(f"zip member {self.info.filename}: {exc}") from None
        if len(data) != n:
            raise OpennessError(f"zip member {self.info.filename} ended early")
        return data


def zip_member_region(stream: BinaryIO, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Region:
    """Stored (uncompressed) members, as torch writes them, are read straight from the file."""
    if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
        return ZipMemberRegion(archive, info)
    stream.seek(info.header_offset)
    header = stream.read(_ZIP_LOCAL_HEADER)
    if len(header) != _ZIP_LOCAL_HEADER or header[:4] != b"PK\x03\x04":
        raise OpennessError(f"zip member {info.filename}: bad local header")
    name_len = int.from_bytes(header[26:28], "little")
    extra_len = int.from_bytes(header[28:30], "little")
    start = info.header_offset + _ZIP_LOCAL_HEADER + name_len + extra_len
    return FileRegion(stream, start, info.file_size)


class BytesRegion:
    """Bytes already in memory (small pickle strings, or a protocol-2 string re-encoded)."""

    def __init__(self, data: bytes):
        self.data, self.size = data, len(data)

    def read(self, offset: int, n: int) -> bytes:
        if offset < 0 or n < 0 or offset + n > self.size:
            raise OpennessError(f"read of {n} bytes at {offset} leaves a {self.size}-byte region")
        return self.data[offset : offset + n]

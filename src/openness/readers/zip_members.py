"""Zip members read the way PyTorch (miniz) reads them, not the way `zipfile` does.

`zipfile` refuses members whose local header disagrees with the central directory, whose flag
bits say "encrypted" or "patched", or whose CRC is wrong; PyTorch loads them anyway. A scanner that
trusts `zipfile` therefore goes blind exactly where an attacker wants it to. Here every member is
located from the central directory, its data found through its own local header, and read raw
(stored) or inflated (deflate) with no CRC or flag check; the disagreements are reported instead.
Local headers are also walked in order from the start, so a member the central directory hides is
still found.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO, cast

from ..errors import FormatError
from ..record import Record

_LOCAL = struct.Struct("<4sHHHHHIIIHH")  # signature .. extra length: 30 bytes
LOCAL_SIG = b"PK\x03\x04"
STORED, DEFLATED = 0, 8
#: flag bits a loader that ignores them would still read: encrypted, patched, strong encryption
TAMPER_FLAGS = 0x1 | 0x20 | 0x40


@dataclass(frozen=True, eq=False, repr=False)
class Entry(Record):
    name: str
    header_offset: int  # local header
    data_offset: int
    method: int
    compressed_size: int
    size: int
    crc: int
    flags: int
    listed: bool  # False: found by walking local headers only


@dataclass(frozen=True, eq=False, repr=False)
class Issue(Record):
    """A disagreement between readers of the archive: (member, reason)."""

    member: str
    reason: str
    hidden: bool = False


def entries(zf: zipfile.ZipFile, stream: BinaryIO, size: int, max_members: int) -> tuple[
    list[Entry], list[Issue]
]:  # fmt: skip
    """Central-directory entries (data located via their local headers) plus hidden local ones."""
    found: list[Entry] = []
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    offsets: set[int] = set()
    for info in zf.infolist()[:max_members]:
        local = _local_header(stream, info.header_offset, size)
        if local is None:
            issues.append(Issue(info.filename, "central directory points at no local header"))
            continue
        name, flags, data_offset = local
        if info.orig_filename not in (name.decode("utf-8", "replace"), name.decode("cp437")):
            issues.append(
                Issue(info.filename, f"local header names it {name.decode('utf-8', 'replace')!r}")
            )
        if (flags | info.flag_bits) & TAMPER_FLAGS:
            issues.append(
                Issue(
                    info.filename,
                    f"flag bits 0x{flags | info.flag_bits:04x} make zipfile refuse it",
                )
            )
        seen[info.filename] = seen.get(info.filename, 0) + 1
        offsets.add(info.header_offset)
        found.append(
            Entry(
                info.filename,
                info.header_offset,
                data_offset,
                info.compress_type,
                info.compress_size,
                info.file_size,
                info.CRC,
                flags | info.flag_bits,
                True,
            )
        )
    issues += [Issue(n, f"{c} members share this name") for n, c in seen.items() if c > 1]
    hidden = _hidden_locals(stream, size, offsets, max_members)
    issues += [
        Issue(e.name, "local header not listed in the central directory", True) for e in hidden
    ]
    return found + hidden, issues


def _local_header(stream: BinaryIO, offset: int, size: int) -> tuple[bytes, int, int] | None:
    if offset < 0 or offset + _LOCAL.size > size:
        return None
    stream.seek(offset)
    raw = stream.read(_LOCAL.size)
    if len(raw) != _LOCAL.size or raw[:4] != LOCAL_SIG:
        return None
    fields = _LOCAL.unpack(raw)
    flags, name_len, extra_len = fields[2], fields[9], fields[10]
    name = stream.read(name_len)
    return name, flags, offset + _LOCAL.size + name_len + extra_len


def _hidden_locals(stream: BinaryIO, size: int, listed: set[int], limit: int) -> list[Entry]:
    """Walk consecutive local headers from byte 0; those the directory does not list are hidden."""
    hidden: list[Entry] = []
    offset = 0
    for _ in range(limit):
        if offset + _LOCAL.size > size:
            break
        stream.seek(offset)
        raw = stream.read(_LOCAL.size)
        if len(raw) != _LOCAL.size or raw[:4] != LOCAL_SIG:
            break
        _, _, flags, method, _, _, crc, csize, usize, name_len, extra_len = _LOCAL.unpack(raw)
        if flags & 0x8 and csize == 0:
            break  # sizes follow the data: the next header cannot be found without inflating
        name = stream.read(name_len).decode("utf-8", "replace")
        data_offset = offset + _LOCAL.size + name_len + extra_len
        if offset not in listed:
            hidden.append(Entry(name, offset, data_offset, method, csize, usize, crc, flags, False))
        offset = data_offset + csize
    return hidden


def open_entry(stream: BinaryIO, entry: Entry, archive_size: int) -> BinaryIO:
    """A forward-readable stream over the member's data, without CRC or flag checks."""
    end = entry.data_offset + entry.compressed_size
    if end > archive_size:
        raise FormatError(
            f"member {entry.name} runs past the end of the archive", offset=entry.header_offset
        )
    raw = _Window(stream, entry.data_offset, entry.compressed_size)
    if entry.method == STORED:
        return cast(BinaryIO, raw)
    if entry.method == DEFLATED:
        return cast(BinaryIO, io.BufferedReader(_Inflate(raw, entry.size), 256 * 1024))
    raise FormatError(
        f"member {entry.name} uses compression method {entry.method}, not read",
        offset=entry.header_offset,
    )


def crc_matches(stream: BinaryIO, entry: Entry, archive_size: int, limit: int) -> bool | None:
    """Whether the stored CRC-32 matches the data (None when the member is over `limit`)."""
    if entry.size > limit:
        return None
    member = open_entry(stream, entry, archive_size)
    crc = 0
    while chunk := member.read(1024 * 1024):
        crc = zlib.crc32(chunk, crc)
    return crc == entry.crc


class _Window(io.RawIOBase):
    """Bytes [start, start+length) of a seekable stream, as a seekable stream of its own."""

    def __init__(self, stream: BinaryIO, start: int, length: int):
        self._stream, self._start, self._length, self._pos = stream, start, length, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self._length}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self._length - self._pos)
        if n <= 0:
            return 0
        self._stream.seek(self._start + self._pos)
        data = self._stream.read(n)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)


class _Inflate(io.RawIOBase):
    """Raw deflate, inflated on demand; seeking forward discards, backward restarts."""

    def __init__(self, raw: _Window, size: int):
        self._raw, self._size = raw, size
        self._restart()

    def _restart(self) -> None:
        self._raw.seek(0)
        self._z = zlib.decompressobj(-15)
        self._pos = 0
        self._pending = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        target = {0: 0, 1: self._pos, 2: self._size}[whence] + offset
        if target < self._pos:
            self._restart()
        while self._pos < target:
            if not self.read(min(target - self._pos, 1024 * 1024)):
                break
        return self._pos

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        want = len(buffer)
        while len(self._pending) < want:
            chunk = self._raw.read(64 * 1024)
            if not chunk:
                self._pending += self._z.flush()
                break
            self._pending += self._z.decompress(chunk, want - len(self._pending))
            if self._z.unconsumed_tail:
                self._raw.seek(self._raw.tell() - len(self._z.unconsumed_tail))
        data, self._pending = self._pending[:want], self._pending[want:]
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

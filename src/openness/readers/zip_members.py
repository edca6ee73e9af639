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
from collections.abc import Callable
from typing import BinaryIO, cast

from ..errors import FormatError
from ..record import Record, record
from .observed import ObservedStream

_LOCAL = struct.Struct("<4sHHHHHIIIHH")  # signature .. extra length: 30 bytes
LOCAL_SIG = b"PK\x03\x04"
STORED, DEFLATED = 0, 8
#: members up to this size have their CRC-32 checked when closed, even if read only in part
CRC_CHECK_BYTES = 64 * 1024 * 1024
#: flag bits a loader that ignores them would still read: encrypted, patched, strong encryption
TAMPER_FLAGS = 0x1 | 0x20 | 0x40


@record
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


@record
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
        entry, entry_issues = listed_entry(info, stream, size)
        issues += entry_issues
        if entry is None:
            continue
        seen[info.filename] = seen.get(info.filename, 0) + 1
        offsets.add(info.header_offset)
        found.append(entry)
    issues += [Issue(n, f"{c} members share this name") for n, c in seen.items() if c > 1]
    hidden = hidden_entries(stream, size, offsets, max_members)
    issues += [
        Issue(e.name, "local header not listed in the central directory", True) for e in hidden
    ]
    return found + hidden, issues


def listed_entry(
    info: zipfile.ZipInfo, stream: BinaryIO, size: int
) -> tuple[Entry | None, list[Issue]]:
    """One central-directory member with its data located through its own local header."""
    local = _local_header(stream, info.header_offset, size)
    if local is None:
        return None, [Issue(info.filename, "central directory points at no local header")]
    name, flags, data_offset = local
    issues: list[Issue] = []
    if info.orig_filename not in (name.decode("utf-8", "replace"), name.decode("cp437")):
        issues.append(
            Issue(info.filename, f"local header names it {name.decode('utf-8', 'replace')!r}")
        )
    if (flags | info.flag_bits) & TAMPER_FLAGS:
        issues.append(
            Issue(info.filename, f"flag bits 0x{flags | info.flag_bits:04x} make zipfile refuse it")
        )
    entry = Entry(
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
    return entry, issues


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


def hidden_entries(stream: BinaryIO, size: int, listed: set[int], limit: int) -> list[Entry]:
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
    raw = Window(stream, entry.data_offset, entry.compressed_size)
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


#: called once per member whose data disagrees with its header: (entry, reason)
OnMismatch = Callable[[Entry, str], None]


def open_checked(
    stream: BinaryIO,
    entry: Entry,
    archive_size: int,
    on_mismatch: OnMismatch,
    *,
    verify_up_to: int | None = None,
    owned: BinaryIO | None = None,
) -> BinaryIO:
    """`open_entry` that also checks the CRC-32 the way `unzip` does, without refusing the data.

    The CRC is computed over the bytes as they are read from the start; it is settled when the
    member has been read to its end, or when it is closed if it is at most `verify_up_to` bytes
    (default CRC_CHECK_BYTES; the rest is read then). A disagreement goes to `on_mismatch`, never
    raises. `owned` is closed with the member (a file handle opened for this member alone).
    """
    inner = open_entry(stream, entry, archive_size)
    return crc_checked(inner, entry, on_mismatch, verify_up_to=verify_up_to, owned=owned)


def crc_checked(
    inner: BinaryIO,
    entry: Entry,
    on_mismatch: OnMismatch,
    *,
    verify_up_to: int | None = None,
    owned: BinaryIO | None = None,
) -> BinaryIO:
    """`inner` (the member's data, seekable) with the CRC-32 check of `open_checked`.

    A `zipfile` member stream (bzip2, lzma) has its own check turned off first, so a mismatch
    is reported the same way instead of raised at the end of the data.
    """
    if isinstance(inner, zipfile.ZipExtFile) and hasattr(inner, "_expected_crc"):
        inner._expected_crc = None
    cap = CRC_CHECK_BYTES if verify_up_to is None else verify_up_to
    raw = _CrcCheck(inner, entry, on_mismatch, cap)
    raw.owned = owned
    return cast(BinaryIO, io.BufferedReader(raw, 256 * 1024))


class _CrcCheck(ObservedStream):
    def __init__(self, inner: BinaryIO, entry: Entry, on_mismatch: OnMismatch, verify_up_to: int):
        super().__init__(inner)
        self._entry, self._report = entry, on_mismatch
        self._verify_up_to = verify_up_to
        self._crc, self._crc_pos, self._settled = 0, 0, False
        self.owned: BinaryIO | None = None

    def observe(self, start: int, data: memoryview) -> None:
        self._track(start, data)

    def _track(self, start: int, data: memoryview) -> None:
        if self._settled:
            return
        end = start + len(data)
        if start <= self._crc_pos < end:
            self._crc = zlib.crc32(data[self._crc_pos - start :], self._crc)
            self._crc_pos = end
        if (not data and start == self._crc_pos) or self._crc_pos >= self._entry.size:
            self._settle()

    def _settle(self) -> None:
        self._settled = True
        if self._crc_pos != self._entry.size:
            self._report(
                self._entry,
                f"member holds {self._crc_pos:,} bytes, its header says {self._entry.size:,}",
            )
        elif self._crc != self._entry.crc:
            self._report(
                self._entry,
                f"CRC-32 is 0x{self._crc:08x}, its header says 0x{self._entry.crc:08x}: "
                "zipfile refuses it, unzip and PyTorch load it",
            )

    def _finish(self) -> None:
        """Read the rest of a small member so its CRC is known."""
        if self._settled or self._entry.size > self._verify_up_to:
            return
        try:
            self._inner.seek(self._crc_pos)
            chunk = bytearray(1024 * 1024)
            while not self._settled:
                if not self.readinto(memoryview(chunk)):
                    self._settle()
        except (OSError, EOFError, ValueError, zlib.error, FormatError) as exc:
            self._settled = True
            self._report(self._entry, f"data is damaged after byte {self._crc_pos:,}: {exc}")

    def close(self) -> None:
        if not self.closed:
            try:
                self._finish()
            finally:
                self._inner.close()
                if self.owned is not None:
                    self.owned.close()
        super().close()


class Window(io.RawIOBase):
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

    def __init__(self, raw: Window, size: int):
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
        parts, have = [self._pending], len(self._pending)  # joined once: no quadratic copying
        while have < want:
            chunk = self._raw.read(256 * 1024)
            out = self._z.decompress(chunk, want - have) if chunk else self._z.flush()
            if self._z.unconsumed_tail:
                self._raw.seek(self._raw.tell() - len(self._z.unconsumed_tail))
            parts.append(out)
            have += len(out)
            if not chunk:
                break
        data = b"".join(parts)
        n = min(want, len(data))
        buffer[:n] = data[:n]
        self._pending = data[n:]
        self._pos += n
        return n

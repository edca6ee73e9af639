"""7z archives built with py7zr at test time, and the tampering py7zr itself refuses to write."""

from __future__ import annotations

import io
import os
import pickle
import struct
import zlib

import pytest

py7zr = pytest.importorskip("py7zr")


class Payload:
    """Pickles to a call of os.system; pickling it runs nothing."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo owned",))


MALICIOUS_PICKLE = pickle.dumps(Payload(), protocol=2)


def seven_zip(members: dict[str, bytes], *, password: str | None = None, **kw: bool) -> bytes:
    """A .7z holding `members` (names as given), optionally encrypted."""
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w", password=password, **kw) as archive:
        if not kw.get("header_encryption"):
            archive.set_encoded_header_mode(False)  # names stay patchable (rename_member)
        for name, data in members.items():
            archive.writestr(data, name)
    return buffer.getvalue()


def rename_member(data: bytes, old: str, new: str) -> bytes:
    """Rename a member in a plain (unencoded) header, fixing the header CRCs; py7zr refuses to
    write names such as `../x`, attackers do not."""
    assert len(old) == len(new)
    raw = bytearray(data)
    start = raw.index(old.encode("utf-16-le"))
    raw[start : start + 2 * len(new)] = new.encode("utf-16-le")
    offset, size = struct.unpack_from("<QQ", raw, 12)
    header = bytes(raw[32 + offset : 32 + offset + size])
    struct.pack_into("<I", raw, 28, zlib.crc32(header))
    struct.pack_into("<I", raw, 8, zlib.crc32(bytes(raw[12:32])))
    return bytes(raw)


def corrupt_packed_data(data: bytes) -> bytes:
    """Flip bytes in the middle of the packed streams (after the 32-byte signature header)."""
    raw = bytearray(data)
    offset = struct.unpack_from("<Q", raw, 12)[0]
    middle = 32 + offset // 2
    for i in range(middle, min(middle + 16, 32 + offset)):
        raw[i] ^= 0x5A
    return bytes(raw)

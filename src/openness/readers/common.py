"""Helpers shared by readers: bounded reads, dtype tallies, evidence constructors."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable
from typing import BinaryIO

from ..errors import FormatError, LimitExceeded
from ..model import Confidence, DtypeCount, Evidence, JSONValue, Location, TensorInfo

#: chat template text kept as evidence for the template analyzer (security.templates);
#: real templates are a few KB, the longest known some tens of KB
KEEP_TEMPLATE = 64 * 1024


def read_exact(stream: BinaryIO, n: int, what: str, offset: int) -> bytes:
    """Read exactly n bytes or raise FormatError naming what was cut off."""
    data = stream.read(n)
    if len(data) != n:
        raise FormatError(
            f"file ends inside the {what} (wanted {n} bytes, got {len(data)})", offset=offset
        )
    return data


def check_limit(value: int, limit: int, what: str, offset: int | None = None) -> None:
    if value < 0 or value > limit:
        raise LimitExceeded(f"{what} is {value:,}, beyond the limit of {limit:,}", offset=offset)


def count_parameters(tensors: Iterable[TensorInfo]) -> tuple[int, tuple[DtypeCount, ...]]:
    """Total elements and per-dtype tallies; tensors sharing a storage are counted once."""
    seen: set[str] = set()
    by_dtype: Counter[str] = Counter()
    total = 0
    for t in tensors:
        if t.storage is not None:
            if t.storage in seen:
                continue
            seen.add(t.storage)
        n = t.numel
        total += n
        by_dtype[t.dtype] += n
    dtypes = tuple(DtypeCount(d, c) for d, c in sorted(by_dtype.items(), key=lambda kv: -kv[1]))
    return total, dtypes


def fact(
    name: str,
    value: JSONValue,
    file: str,
    *,
    line: int | None = None,
    offset: int | None = None,
    key: str | None = None,
    confidence: Confidence = Confidence.CERTAIN,
    note: str = "",
) -> Evidence:
    return Evidence(
        name, value, Location(file, line=line, offset=offset, key=key), confidence, note
    )


#: what zipfile can raise on a damaged or hostile archive
ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    struct.error,
)


def open_zip(stream: BinaryIO, what: str) -> zipfile.ZipFile:
    """The stream as a zip archive, or FormatError naming the kind of file expected."""
    try:
        stream.seek(0)
        return zipfile.ZipFile(stream)
    except ZIP_ERRORS as exc:
        raise FormatError(f"not a readable {what} (zip) archive: {exc}", offset=0) from None

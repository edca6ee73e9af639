"""Inventory: every member detected by content, hashed in chunks, and read by its format's reader.

Files are processed in a thread pool: hashlib and file reads release the GIL, so both cores work.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from dataclasses import replace
from typing import BinaryIO

from .errors import FormatError
from .limits import Limits
from .model import Artifact, FileEntry, Finding, Location, Member, ReaderResult
from .readers import detect
from .readers.interface import Reader
from .readers.registry import reader_for
from .record import Record, record
from .rules import finding
from .sources import READ_ERRORS, Release

CHUNK = 1024 * 1024
Progress = Callable[[int], None]


@record
class Scanned(Record):
    entry: FileEntry
    result: ReaderResult | None = None
    findings: tuple[Finding, ...] = ()
    incomplete: str | None = None


def take_inventory(
    release: Release,
    limits: Limits,
    *,
    hash_files: bool = True,
    progress: Progress | None = None,
    workers: int | None = None,
) -> list[Scanned]:
    def work(member: Member) -> Scanned:
        return scan_member(release, member, limits, hash_files, progress)

    if workers is None:
        workers = min(4, (os.cpu_count() or 1) + 1) if release.parallel_safe else 1
    if workers <= 1 or len(release.members) <= 1:
        return external_data_read([work(m) for m in release.members])
    from concurrent.futures import ThreadPoolExecutor  # imported late: one-file scans start faster

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="openness-scan") as pool:
        return external_data_read(list(pool.map(work, release.members)))


#: format id of a file an ONNX model names as the storage of its tensors
ONNX_EXTERNAL_DATA = "onnx-external-data"


def external_data_read(scanned: list[Scanned]) -> list[Scanned]:
    """Raw tensor bytes an ONNX model keeps in another file are read as that model's data (an
    ONNX loader only copies bytes from them at the offsets the model names), not reported as
    unrecognised. Only files no format claimed, named by an ONNX file of the same release. A
    model naming an external file the release does not hold is incomplete: its tensors were
    not read (a path leaving the release is OPN-ONX-001 already)."""
    named: dict[str, str] = {}
    for s in scanned:
        if s.result is None:
            continue
        folder = posixpath.dirname(s.entry.path)
        for e in s.result.evidence:
            if e.fact == "onnx.external_data" and isinstance(e.value, str):
                target = posixpath.normpath(posixpath.join(folder, e.value))
                named.setdefault(target, s.entry.path)
    if not named:
        return scanned
    held = {s.entry.path for s in scanned}
    missing: dict[str, str] = {}  # model -> the first external file it names that is absent
    for target, owner in named.items():
        if target not in held and not target.startswith("../"):
            missing.setdefault(owner, target)
    out = []
    for s in scanned:
        absent = missing.get(s.entry.path)
        if absent is not None and s.incomplete is None:
            # its tensors live in a file the release does not hold: their bytes went unread
            s = replace(
                s, incomplete=f"{s.entry.path}: external data {absent} is not in the release"
            )
        model = named.get(s.entry.path)
        if model is not None and s.entry.format == detect.BINARY:
            s = Scanned(
                replace(s.entry, format=ONNX_EXTERNAL_DATA),
                None,
                tuple(f for f in s.findings if f.rule_id != "OPN-FMT-005"),
                None,
            )
        out.append(s)
    return out


def scan_member(
    release: Release, member: Member, limits: Limits, hash_files: bool, progress: Progress | None
) -> Scanned:
    """Every member ends read (in full or not), known inert (text, JSON, images...) or reported
    as not scanned: a file nobody recognised is never counted as clean."""
    path = member.path
    try:
        with release.open(path) as stream:
            fmt = detect.detect_format(path, member.size, stream, limits)
            withheld = release.withheld(path, fmt)
            if withheld is not None:
                digest = release.known_sha256(path) if hash_files else None
                entry = FileEntry(path, member.size, fmt, digest)
                return Scanned(entry, None, (withheld,), f"{path}: {withheld.reason}")
            result, findings, unread = _read(fmt, path, member.size, stream, limits)
            digest = None
            if hash_files:
                digest = release.known_sha256(path) or _sha256(stream, progress)
    except READ_ERRORS as exc:
        reason = f"file could not be read: {getattr(exc, 'strerror', None) or exc}"
        unreadable = finding("OPN-SRC-005", reason, Location(path))
        return Scanned(
            FileEntry(path, member.size, "unreadable"), None, (unreadable,), f"{path}: {reason}"
        )
    if not hash_files and progress is not None:
        progress(member.size)
    incomplete = f"{path}: {unread}" if unread else None
    if result is not None and not result.artifact.complete:
        incomplete = f"{path}: {result.artifact.note or 'read only in part'}"
    return Scanned(FileEntry(path, member.size, fmt, digest), result, findings, incomplete)


#: why a file of unrecognised content is reported, not passed
NOT_RECOGNISED = "content not recognised as any format openness reads; not scanned"


def _read(
    fmt: str, path: str, size: int, stream: BinaryIO, limits: Limits
) -> tuple[ReaderResult | None, tuple[Finding, ...], str | None]:
    """The reader's result, findings, and why the file was not read at all (None if it was)."""
    expected = _expected_formats(path)
    if fmt == detect.BINARY:
        # no format claims the bytes (a pickle walk from byte 0 failed too); a name that promises
        # one gets that reader, which says what is wrong (cut short, absurd header length...)
        promised = reader_for(expected[0]) if expected else None
        if promised is not None:
            return (*_read_with(promised, expected[0], path, size, stream, limits), None)
        unscanned = finding("OPN-FMT-005", NOT_RECOGNISED, Location(path, offset=0), fmt)
        return None, (unscanned,), NOT_RECOGNISED
    reader = reader_for(fmt)
    if fmt == detect.EMPTY and _looks_like_weights(path):
        return None, (finding("OPN-FMT-002", "weight file is empty", Location(path)),), None
    if expected and fmt not in expected and fmt != detect.EMPTY:
        mismatch = finding(
            "OPN-FMT-004",
            f"content is {fmt}, not what the file name says ({' or '.join(sorted(expected))})",
            Location(path, offset=0),
            fmt,
        )
        if reader is None:
            return None, (mismatch,), None
        result, found = _read_with(reader, fmt, path, size, stream, limits)
        return result, (mismatch, *found), None
    if reader is None:
        if fmt not in detect.INERT_FORMATS:  # a format id with no reader: say so, never pass it
            reason = f"no reader for {fmt} content; not scanned"
            unscanned = finding("OPN-FMT-005", reason, Location(path, offset=0), fmt)
            return None, (unscanned,), reason
        return None, (), None
    return (*_read_with(reader, fmt, path, size, stream, limits), None)


def _read_with(
    reader: Reader, fmt: str, path: str, size: int, stream: BinaryIO, limits: Limits
) -> tuple[ReaderResult | None, tuple[Finding, ...]]:
    try:
        stream.seek(0)
        return reader.read(path, size, stream, limits), ()
    except FormatError as exc:
        location = Location(path, offset=exc.offset, key=exc.key)
        malformed = finding("OPN-FMT-001", f"malformed {fmt} file: {exc}", location)
        artifact = Artifact(path, fmt, complete=False, note=str(exc))
        return ReaderResult(artifact), (malformed,)
    except (MemoryError, RecursionError, ValueError, KeyError, TypeError, IndexError) as exc:
        # a reader bug must not hide the file: report it as unread, never as clean
        failed = finding(
            "OPN-FMT-003",
            f"{fmt} reader failed ({type(exc).__name__}); file not fully checked",
            Location(path),
        )
        return ReaderResult(Artifact(path, fmt, complete=False, note="reader failed")), (failed,)


#: what a file name promises; the first format is the reader tried on content nobody recognised
_TORCH = (detect.PICKLE, detect.PYTORCH_ZIP, detect.TORCH_LEGACY)
_EXPECTED: dict[str, tuple[str, ...]] = {
    ".safetensors": (detect.SAFETENSORS,),
    ".gguf": (detect.GGUF,),
    ".onnx": (detect.ONNX,),
    ".npy": (detect.NPY,),
    ".npz": (detect.NPZ,),
    ".keras": (detect.KERAS,),
    ".h5": (detect.HDF5,),
    ".hdf5": (detect.HDF5,),
    ".pt": _TORCH,
    ".pth": _TORCH,
    ".ckpt": _TORCH,
}


def _expected_formats(path: str) -> tuple[str, ...]:
    return _EXPECTED.get(os.path.splitext(path.lower())[1], ())


_WEIGHT_SUFFIXES = (
    ".safetensors",
    ".bin",
    ".pt",
    ".pth",
    ".ckpt",
    ".gguf",
    ".onnx",
    ".h5",
    ".keras",
    ".npy",
    ".npz",
    ".pkl",
    ".pickle",
    ".joblib",
    ".msgpack",
)


def _looks_like_weights(path: str) -> bool:
    return path.lower().endswith(_WEIGHT_SUFFIXES)


def _sha256(stream: BinaryIO, progress: Progress | None) -> str:
    stream.seek(0)
    import hashlib

    digest = hashlib.sha256()
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    readinto = getattr(stream, "readinto", None)
    while True:
        if readinto is not None:
            n = readinto(view)
            if not n:
                break
            digest.update(view[:n])
        else:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            n = len(chunk)
            digest.update(chunk)
        if progress is not None:
            progress(n)
    return digest.hexdigest()

"""Archives and compressed files found inside a release: zip (and wheels), tar, 7z, gzip, bzip2,
xz, bare zlib streams (joblib's `zlib` compressor).

Detected by content wherever they appear, opened in memory or a spooled temporary file (never
extracted by name), and every member is detected and read by its own reader, recursively up to
`limits.max_archive_depth` archive levels. Admission follows the release archives' rules
(sources.archive: traversal, links, duplicates, bombs); zips are read the way PyTorch reads them
(zip_members), with CRC-32 mismatches reported (OPN-ARC-006) and the content scanned anyway. 7z
needs the `archives` extra (py7zr); without it a 7z is reported unread (OPN-ARC-008), never clean.
Findings keep the outer file and name the member chain in `key`, joined by `!`.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import IO, Any, BinaryIO, cast

from ..errors import FormatError
from ..limits import Limits
from ..model import Artifact, Evidence, Finding, Location, ReaderResult
from ..rules import finding
from ..sources.archive import _Checker, admit_7z, seven_zip_budget
from . import detect, pt2
from .zip_members import Entry, entries, open_checked

ARCHIVES = (detect.ZIP, detect.TAR, detect.SEVEN_ZIP)
STREAMS = (detect.GZIP, detect.BZIP2, detect.XZ, detect.ZLIB)
_MAX_LAYERS = 8  # gzip of gzip of ...: compression layers do not count as archive depth
_SPOOL = 8 * 1024 * 1024
_COPY = 1024 * 1024
_ERRORS = (
    OSError,
    EOFError,
    zipfile.BadZipFile,
    tarfile.TarError,
    zlib.error,
    lzma.LZMAError,
    ValueError,
    NotImplementedError,
    FormatError,
)
#: inner evidence worth keeping (weights inside archives are not the release's weights)
_KEPT_FACTS = ("pickle.", "npy.", "keras.", "onnx.custom", "gguf.chat_template", "torchscript.")

Opener = Callable[[], IO[bytes]]


@dataclass
class _Scan:
    path: str
    limits: Limits
    findings: list[Finding] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    members: int = 0
    #: member chains (joined by `!`) a torch.export config names as raw tensor bytes
    raw_tensors: set[str] = field(default_factory=set)

    def flag(self, rule: str, reason: str, chain: list[str], trigger: str = "") -> None:
        self.findings.append(
            finding(rule, reason, Location(self.path, key="!".join(chain)), trigger or chain[-1])
        )

    def gap(self, reason: str, chain: list[str]) -> None:
        self.gaps.append(f"{'!'.join(chain)}: {reason}")
        self.flag("OPN-ARC-008", reason, chain)


class ContainerReader:
    formats = ARCHIVES + STREAMS

    def read(self, path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult:
        stream.seek(0)
        fmt = detect.detect_from_head(stream.read(detect.HEAD_BYTES), path, size)
        scan = _Scan(path, limits)
        _container(scan, fmt, stream, size, [], depth=1, layers=1)
        scan.evidence.insert(0, Evidence("container.members", scan.members, Location(path)))
        artifact = Artifact(path, fmt, complete=not scan.gaps, note="; ".join(scan.gaps[:5]))
        return ReaderResult(artifact, tuple(scan.evidence), tuple(scan.findings))


def _container(
    scan: _Scan, fmt: str, stream: BinaryIO, size: int, chain: list[str], depth: int, layers: int
) -> None:
    try:
        if fmt == detect.ZIP:
            items: Iterator[tuple[str, int, int | None, Opener]] = _zip_items(
                scan, stream, size, chain
            )
        elif fmt == detect.TAR:
            items = _tar_items(scan, stream, chain)
        elif fmt == detect.SEVEN_ZIP:
            items = _seven_zip_items(scan, stream, size, chain)
        else:
            items = iter([(_stream_name(chain, scan.path), -1, size, _decompressor(fmt, stream))])
        check = _Checker(size, scan.limits)
        for name, member_size, compressed, opener in items:
            scan.members += 1
            if member_size >= 0 and check.admit(name, member_size, compressed) is None:
                where = Location(scan.path, key="!".join([*chain, name]))
                scan.findings += [replace(f, location=where) for f in check.findings]
                scan.gaps += [f"{'!'.join(chain) or scan.path}: {g}" for g in check.incomplete]
                check.findings.clear()
                check.incomplete.clear()
                continue
            _member(scan, [*chain, name], opener, compressed, depth, layers + (fmt in STREAMS))
    except _ERRORS as exc:
        scan.gap(f"{fmt} could not be fully read: {exc}", chain or [scan.path])


def _zip_items(
    scan: _Scan, stream: BinaryIO, size: int, chain: list[str]
) -> Iterator[tuple[str, int, int | None, Opener]]:
    def on_mismatch(entry: Entry, reason: str) -> None:
        scan.flag("OPN-ARC-006", reason, [*chain, entry.name])

    stream.seek(0)
    with zipfile.ZipFile(stream) as zf:
        found, issues = entries(zf, stream, size, scan.limits.max_archive_members)
    for issue in issues:
        scan.findings.append(
            finding(
                "OPN-ARC-007" if issue.hidden else "OPN-ARC-006",
                issue.reason,
                Location(scan.path, key=issue.member),
                issue.member,
            )
        )
    by_name = {e.name: e for e in found}
    for config in pt2.config_members(by_name):
        with open_checked(stream, by_name[config], size, on_mismatch) as handle:
            raw = pt2.raw_members(config, handle.read)
        scan.raw_tensors.update("!".join([*chain, name]) for name in raw)
    for entry in found:
        if entry.name.endswith("/"):
            continue

        def opener(entry: Entry = entry) -> IO[bytes]:
            return cast(IO[bytes], open_checked(stream, entry, size, on_mismatch))

        yield entry.name, entry.size, entry.compressed_size, opener


def _tar_items(
    scan: _Scan, stream: BinaryIO, chain: list[str]
) -> Iterator[tuple[str, int, int | None, Opener]]:
    stream.seek(0)
    with tarfile.open(fileobj=stream, mode="r:") as tf:
        for _ in range(scan.limits.max_archive_members):
            info = tf.next()
            if info is None:
                return
            if info.issym() or info.islnk():
                scan.flag("OPN-ARC-002", "link member, not followed", [*chain, info.name])
                continue
            if not info.isfile():
                continue

            def opener(info: tarfile.TarInfo = info) -> IO[bytes]:
                handle = tf.extractfile(info)
                if handle is None:
                    raise OSError(f"{info.name} has no data")
                return handle

            yield info.name, info.size, None, opener


def _seven_zip_items(
    scan: _Scan, stream: BinaryIO, size: int, chain: list[str]
) -> Iterator[tuple[str, int, int | None, Opener]]:
    """Admitted members, already decompressed in one pass (sizes -1: admitted here)."""
    from .sevenzip import EncryptedArchive, SevenZipArchive, SevenZipUnavailable

    where = chain or [scan.path]
    try:
        archive = SevenZipArchive(stream)
    except SevenZipUnavailable as exc:
        scan.gap(f"7z not read: {exc}", where)
        return
    except EncryptedArchive as exc:
        scan.flag("OPN-ARC-009", str(exc), where)
        scan.gaps.append(f"{'!'.join(where)}: encrypted 7z header")
        return
    try:
        check = _Checker(size, scan.limits)
        budget = seven_zip_budget(size, scan.limits)
        admitted, gaps = admit_7z(archive, check, budget)
        for f in check.findings:
            key = "!".join([*chain, f.location.file])
            scan.findings.append(replace(f, location=Location(scan.path, key=key)))
        scan.gaps += [f"{'!'.join(where)}: {gap}" for gap in gaps]
        done = archive.extract(list(admitted.values()), budget, scan.limits.max_pickle_bytes)
        for path, entry in admitted.items():
            member = [*chain, path]
            if entry.name in done.bad_crc:
                scan.flag(
                    "OPN-ARC-005", "7z CRC-32 does not match the data; scanned anyway", member
                )
            if entry.name in done.over_cap:
                scan.flag("OPN-ARC-003", "member expands beyond the cap; not read", member)
                scan.gaps.append(f"{'!'.join(member)}: over the expansion cap")
            elif entry.name in done.spans:

                def opener(span: tuple[int, int] = done.spans[entry.name]) -> IO[bytes]:
                    return cast(IO[bytes], archive.open(span))

                yield path, -1, None, opener
        if "budget" in done.stopped:
            scan.flag("OPN-ARC-003", f"7z decompression stopped: {done.stopped}", where)
            scan.gaps.append(f"{'!'.join(where)}: {done.stopped}")
        elif done.stopped:
            scan.gap(f"7z decompression stopped: {done.stopped}", where)
    finally:
        archive.close()


def _decompressor(fmt: str, stream: BinaryIO) -> Opener:
    def opener() -> IO[bytes]:
        stream.seek(0)
        if fmt == detect.GZIP:
            return cast(IO[bytes], gzip.GzipFile(fileobj=stream, mode="rb"))
        if fmt == detect.BZIP2:
            return cast(IO[bytes], bz2.BZ2File(stream))
        if fmt == detect.ZLIB:
            return cast(IO[bytes], io.BufferedReader(_ZlibStream(stream)))
        return cast(IO[bytes], lzma.LZMAFile(stream))

    return opener


class _ZlibStream(io.RawIOBase):
    """Inflate a bare zlib stream chunk by chunk (the caller caps how much it reads)."""

    def __init__(self, source: BinaryIO) -> None:
        self._source = source
        self._inflate = zlib.decompressobj()
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            if self._inflate.eof:
                return 0
            chunk = self._inflate.unconsumed_tail or self._source.read(_COPY)
            if not chunk:
                raise EOFError("zlib stream ends before its end marker")
            self._pending = self._inflate.decompress(chunk, _COPY)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def _stream_name(chain: list[str], path: str) -> str:
    last = (chain[-1] if chain else path).rsplit("/", 1)[-1]
    for suffix in (".gz", ".tgz", ".bz2", ".xz", ".z"):
        if last.lower().endswith(suffix):
            return last[: -len(suffix)] + (".tar" if suffix == ".tgz" else "")
    return last + ".decompressed"


def _member(
    scan: _Scan, chain: list[str], opener: Opener, compressed: int | None, depth: int, layers: int
) -> None:
    limits = scan.limits
    cap = limits.max_pickle_bytes
    if compressed is not None:
        cap = min(cap, max(_COPY, int(compressed * limits.max_compression_ratio)))
    with tempfile.SpooledTemporaryFile(_SPOOL) as spool:
        try:
            with opener() as source:
                copied = _copy(source, cast(IO[bytes], spool), cap)
        except _ERRORS as exc:
            scan.gap(f"member could not be decompressed: {exc}", chain)
            return
        if copied is None:
            scan.flag(
                "OPN-ARC-003",
                f"member expands beyond {cap:,} bytes; not read further",
                chain,
            )
            scan.gaps.append(f"{'!'.join(chain)}: over the expansion cap")
            return
        inner = cast(BinaryIO, spool)
        fmt = detect.detect_format(chain[-1], copied, inner, limits)
        if fmt in ARCHIVES + STREAMS:
            next_depth = depth + (fmt in ARCHIVES)
            if next_depth > limits.max_archive_depth + 1 or layers >= _MAX_LAYERS:
                scan.gap(f"{fmt} nested deeper than the limit of {limits.max_archive_depth}", chain)
                return
            _container(scan, fmt, inner, copied, chain, next_depth, layers + 1)
            return
        _read_inner(scan, fmt, chain, copied, inner)


def _copy(source: IO[bytes], target: IO[bytes], cap: int) -> int | None:
    """Copy at most `cap` bytes; None when the source holds more."""
    total = 0
    while chunk := source.read(_COPY):
        total += len(chunk)
        if total > cap:
            return None
        target.write(chunk)
    return total


def _read_inner(scan: _Scan, fmt: str, chain: list[str], size: int, stream: BinaryIO) -> None:
    from .registry import reader_for

    reader = reader_for(fmt)
    key = "!".join(chain)
    if reader is None:
        if fmt == detect.BINARY and key in scan.raw_tensors:
            return  # raw tensor bytes of a torch.export archive (no format claimed them)
        if fmt not in detect.INERT_FORMATS:  # unknown content is reported, never passed
            scan.flag("OPN-FMT-005", f"{fmt} content inside an archive not recognised", chain)
            scan.gaps.append(f"{key}: content not recognised; not scanned")
        return
    try:
        stream.seek(0)
        result = reader.read(chain[-1], size, stream, scan.limits)
    except FormatError as exc:
        scan.flag("OPN-FMT-001", f"malformed {fmt} file inside an archive: {exc}", chain)
        scan.gaps.append(f"{key}: {exc}")
        return
    except (MemoryError, RecursionError, KeyError, TypeError, IndexError) as exc:
        scan.gap(f"{fmt} reader failed ({type(exc).__name__})", chain)
        return
    for f in result.findings:
        inner = f.location.key
        location = Location(
            scan.path, offset=f.location.offset, key=f"{key}!{inner}" if inner else key
        )
        scan.findings.append(replace(f, location=location))
    for e in result.evidence:
        if e.fact.startswith(_KEPT_FACTS):
            inner = e.location.key
            location = Location(
                scan.path, line=e.location.line, offset=e.location.offset,
                key=f"{key}!{inner}" if inner else key,
            )  # fmt: skip
            scan.evidence.append(replace(e, location=location))
    if not result.artifact.complete:
        scan.gaps.append(f"{key}: {result.artifact.note or 'read only in part'}")

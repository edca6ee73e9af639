"""Archives (.zip, .whl, .tar, .tar.gz, .7z) read in place, never extracted to named paths.

Members whose names climb out (`../`, absolute paths), links, and members that decompress far
beyond their compressed size are refused with a finding and not read. Zip members are read the
way `unzip` and PyTorch read them: a wrong CRC-32 is a finding, not a reason to skip the content
(readers.zip_members). 7z needs the `archives` extra (py7zr); its members are decompressed once
into one temporary file (readers.sevenzip).
"""

from __future__ import annotations

import posixpath
import stat
import threading
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, cast

from ..errors import FormatError, TargetError
from ..limits import Limits, MiB
from ..model import Finding, Location, Member, Origin
from ..readers.zip_members import (
    DEFLATED,
    STORED,
    Entry,
    crc_checked,
    hidden_entries,
    listed_entry,
    open_checked,
)
from ..rules import finding
from .interface import Release

if TYPE_CHECKING:
    from ..readers.sevenzip import SevenZipArchive, SevenZipEntry

ARCHIVE_SUFFIXES = (".zip", ".whl", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".7z")
#: a 7z archive may always expand to this much, however small it is (like zip's 1 MiB floor)
SEVEN_ZIP_MIN_BUDGET = 64 * MiB


def _finding(rule: str, reason: str, name: str) -> Finding:
    return finding(rule, reason, Location(name), name)


def unsafe_name(name: str) -> str | None:
    """Why a member name is unsafe to use as a path, or None when it is fine."""
    if not name:
        return "empty member name"
    if "\x00" in name:
        return "member name contains a NUL byte"
    normal = name.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":"):
        return "absolute member name"
    if ".." in normal.split("/"):
        return "member name climbs out of the archive (../)"
    return None


DUPLICATE_REASON = (
    "duplicate member name; only the first copy is read, while zipfile and extraction use the last"
)


class _Checker:
    """Shared admission rules for members of any archive type."""

    def __init__(self, archive_size: int, limits: Limits):
        self.limits = limits
        self.archive_size = max(archive_size, 1)
        self.declared = 0
        self.findings: list[Finding] = []
        self.incomplete: list[str] = []
        self.seen: set[str] = set()

    def admit(self, name: str, size: int, compressed: int | None) -> str | None:
        """The normalised member path, or None (with a finding) when it must not be read."""
        why = unsafe_name(name)
        if why:
            self.findings.append(_finding("OPN-ARC-001", why, name))
            return None
        path = posixpath.normpath(name.replace("\\", "/")).lstrip("./") or name
        if path in self.seen:
            self.findings.append(_finding("OPN-ARC-004", DUPLICATE_REASON, name))
            self.incomplete.append(f"{name}: a later member with the same name was not read")
            return None
        ratio_base = compressed if compressed is not None else None
        if (
            ratio_base is not None
            and size > 1024 * 1024
            and (size / max(ratio_base, 1) > self.limits.max_compression_ratio)
        ):
            self.findings.append(
                _finding(
                    "OPN-ARC-003",
                    f"decompression bomb: {size:,} bytes from {ratio_base:,} compressed",
                    name,
                )
            )
            return None
        self.declared += size
        if self.declared > self.limits.max_uncompressed_bytes:
            self.findings.append(
                _finding("OPN-ARC-003", "archive declares more content than the limit", name)
            )
            return None
        self.seen.add(path)
        return path


class ZipRelease(Release):
    """Stored and deflated members are read raw, with their CRC-32 checked as they are read
    (readers.zip_members.open_checked): always for members up to 64 MiB, for bigger ones when
    read to the end (the hash pass reads every member). A mismatch is OPN-ARC-006 and the content
    is scanned anyway. Other methods (bzip2, lzma) go through zipfile, which checks the CRC."""

    def __init__(self, target: str, path: Path, limits: Limits):
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise TargetError(f"{target} is not a readable zip archive: {exc}") from None
        self.origin = Origin("archive", target, str(path.resolve()))
        self._path = path
        self._size = path.stat().st_size
        check = _Checker(self._size, limits)
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._entries: dict[str, Entry] = {}
        self._lock = threading.Lock()
        self._mismatched: dict[str, Finding] = {}
        members: list[Member] = []
        infos = self._zip.infolist()
        if len(infos) > limits.max_archive_members:
            raise TargetError(
                f"{target} has {len(infos):,} members, over the limit of "
                f"{limits.max_archive_members:,}"
            )
        with path.open("rb") as raw:
            offsets = {info.header_offset for info in infos}
            hidden = hidden_entries(raw, self._size, offsets, limits.max_archive_members)
            for info in infos:
                if info.is_dir():
                    continue
                mode = info.external_attr >> 16
                if stat.S_ISLNK(mode):
                    check.findings.append(
                        _finding("OPN-ARC-002", "symlink member, not followed", info.filename)
                    )
                    continue
                admitted = check.admit(info.filename, info.file_size, info.compress_size)
                if admitted is None:
                    continue
                entry, issues = listed_entry(info, raw, self._size)
                check.findings += [_finding("OPN-ARC-006", i.reason, admitted) for i in issues]
                self._infos[admitted] = info
                if entry is not None:
                    self._entries[admitted] = entry
                members.append(Member(admitted, info.file_size))
        for entry in hidden:
            check.findings.append(
                _finding(
                    "OPN-ARC-007", "local header not listed in the central directory", entry.name
                )
            )
            admitted = check.admit(entry.name, entry.size, entry.compressed_size)
            if admitted is not None and not entry.name.endswith("/"):
                self._entries[admitted] = entry
                members.append(Member(admitted, entry.size))
        self.members = tuple(sorted(members, key=lambda m: m.path))
        self.findings = tuple(check.findings)
        self.incomplete = tuple(check.incomplete)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Listing findings, then CRC mismatches met while members were read."""
        with self._lock:
            return self._listing + tuple(self._mismatched.values())

    @findings.setter
    def findings(self, value: tuple[Finding, ...]) -> None:
        self._listing = value

    def open(self, path: str) -> BinaryIO:
        entry = self._entries.get(path)
        info = self._infos.get(path)
        if entry is None:  # no local header where the directory points: zipfile says why
            return cast(BinaryIO, self._zip.open(cast(zipfile.ZipInfo, info)))

        def report(_: Entry, reason: str) -> None:
            self._mismatch(path, reason)

        if entry.method not in (STORED, DEFLATED):
            if info is None:
                raise OSError(f"hidden member uses compression method {entry.method}; not read")
            return crc_checked(cast(BinaryIO, self._zip.open(info)), entry, report)
        handle = cast(BinaryIO, self._path.open("rb"))
        try:
            return open_checked(handle, entry, self._size, report, owned=handle)
        except FormatError as exc:
            handle.close()
            raise OSError(str(exc)) from None

    def _mismatch(self, path: str, reason: str) -> None:
        with self._lock:
            self._mismatched.setdefault(path, _finding("OPN-ARC-006", reason, path))

    def close(self) -> None:
        self._zip.close()


class TarRelease(Release):
    """Tar members are read one at a time: a compressed tar cannot be read from two threads."""

    parallel_safe = False

    def __init__(self, target: str, path: Path, limits: Limits):
        import tarfile  # imported here: a scan of a plain file or folder never needs it

        try:
            self._tar = tarfile.open(path, "r:*")  # noqa: SIM115  (closed by close())
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise TargetError(f"{target} is not a readable tar archive: {exc}") from None
        self.origin = Origin("archive", target, str(path.resolve()))
        self._lock = threading.Lock()
        archive_size = path.stat().st_size
        check = _Checker(archive_size, limits)
        compressed = self._tar.fileobj is not None and path.suffix in (".gz", ".tgz", ".bz2", ".xz")
        self._members: dict[str, tarfile.TarInfo] = {}
        members: list[Member] = []
        budget = int(archive_size * limits.max_compression_ratio) if compressed else None
        try:
            while (info := self._tar.next()) is not None:
                if len(self._members) >= limits.max_archive_members:
                    check.incomplete.append("member limit reached; rest of archive not listed")
                    break
                if info.issym() or info.islnk():
                    check.findings.append(
                        _finding("OPN-ARC-002", "link member, not followed", info.name)
                    )
                    continue
                if not info.isfile():
                    continue
                admitted = check.admit(info.name, info.size, None)
                if budget is not None and check.declared > budget:
                    check.findings.append(
                        _finding(
                            "OPN-ARC-003",
                            "decompression bomb: members expand far beyond the archive size",
                            info.name,
                        )
                    )
                    check.incomplete.append("listing stopped at a decompression bomb")
                    break
                if admitted is not None:
                    self._members[admitted] = info
                    members.append(Member(admitted, info.size))
        except (tarfile.TarError, OSError, EOFError) as exc:
            check.findings.append(
                _finding("OPN-ARC-005", f"archive is truncated or corrupt: {exc}", target)
            )
            check.incomplete.append("archive is truncated or corrupt")
        self.members = tuple(sorted(members, key=lambda m: m.path))
        self.findings = tuple(check.findings)
        self.incomplete = tuple(check.incomplete)

    def open(self, path: str) -> BinaryIO:
        with self._lock:
            handle = self._tar.extractfile(self._members[path])
        if handle is None:
            raise OSError(f"{path} has no data")
        return cast(BinaryIO, handle)

    def close(self) -> None:
        self._tar.close()


def seven_zip_budget(archive_size: int, limits: Limits) -> int:
    """Bytes a 7z archive may expand to in all: the ratio limit, with a floor for small ones."""
    by_ratio = int(archive_size * limits.max_compression_ratio)
    return min(max(by_ratio, SEVEN_ZIP_MIN_BUDGET), limits.max_uncompressed_bytes)


def admit_7z(
    archive: SevenZipArchive, check: _Checker, budget: int
) -> tuple[dict[str, SevenZipEntry], list[str]]:
    """The 7z file members to read (path -> entry) and the reasons some were not listed.

    Members inside a solid block have no compressed size of their own, so the bomb check is on
    the declared total against `budget`, as for a compressed tar.
    """
    admitted: dict[str, SevenZipEntry] = {}
    gaps: list[str] = []
    for entry in archive.entries:
        if len(admitted) >= check.limits.max_archive_members:
            gaps.append("member limit reached; rest of archive not listed")
            break
        if entry.kind == "link":
            check.findings.append(_finding("OPN-ARC-002", "link member, not followed", entry.name))
            continue
        if entry.kind != "file":
            continue
        path = check.admit(entry.name, entry.size, None)
        if check.declared > budget:
            check.findings.append(
                _finding(
                    "OPN-ARC-003",
                    f"decompression bomb: members declare over {budget:,} bytes",
                    entry.name,
                )
            )
            gaps.append("listing stopped at a decompression bomb")
            break
        if path is None:
            continue
        if entry.encrypted:
            check.findings.append(
                _finding("OPN-ARC-009", "encrypted 7z member; content not checked", path)
            )
            gaps.append(f"{path}: encrypted")
            continue
        admitted[path] = entry
    return admitted, gaps


class SevenZipRelease(Release):
    """A .7z release (needs py7zr): members are decompressed once, at open, into one temporary
    file of at most the declared sizes (`seven_zip_budget`), then read from there."""

    parallel_safe = False  # members are windows of one shared temporary file

    def __init__(self, target: str, path: Path, limits: Limits):
        from ..readers.sevenzip import EncryptedArchive, SevenZipArchive, SevenZipUnavailable

        self.origin = Origin("archive", target, str(path.resolve()))
        self.members, self.findings, self.incomplete = (), (), ()
        self._spans: dict[str, tuple[int, int]] = {}
        self._unread: dict[str, str] = {}
        size = path.stat().st_size
        self._file = cast(BinaryIO, path.open("rb"))
        try:
            self._archive = SevenZipArchive(self._file)
        except EncryptedArchive as exc:
            self.findings = (_finding("OPN-ARC-009", str(exc), target),)
            self.incomplete = (f"{target}: encrypted 7z header",)
            return
        except (SevenZipUnavailable, FormatError) as exc:
            self._file.close()
            raise TargetError(f"{target}: {exc}") from None
        check = _Checker(size, limits)
        budget = seven_zip_budget(size, limits)
        admitted, gaps = admit_7z(self._archive, check, budget)
        names = {entry.name: p for p, entry in admitted.items()}
        done = self._archive.extract(list(admitted.values()), budget, limits.max_uncompressed_bytes)
        for name in sorted(done.bad_crc & set(names)):
            check.findings.append(
                _finding(
                    "OPN-ARC-005",
                    "CRC-32 does not match the data: corrupt or tampered; content scanned anyway",
                    names[name],
                )
            )
        if done.stopped:
            rule = "OPN-ARC-003" if "budget" in done.stopped else "OPN-ARC-005"
            check.findings.append(
                _finding(rule, f"7z decompression stopped: {done.stopped}", target)
            )
            gaps.append(f"7z decompression stopped: {done.stopped}")
        for p, entry in admitted.items():
            if entry.name in done.spans:
                self._spans[p] = done.spans[entry.name]
            else:
                self._unread[p] = done.stopped or "not decompressed"
        self.members = tuple(
            sorted((Member(p, e.size) for p, e in admitted.items()), key=lambda m: m.path)
        )
        self.findings = tuple(check.findings)
        self.incomplete = tuple(gaps)

    def open(self, path: str) -> BinaryIO:
        if path in self._unread:
            raise OSError(f"7z member not decompressed: {self._unread[path]}")
        return self._archive.open(self._spans[path])

    def close(self) -> None:
        if hasattr(self, "_archive"):
            self._archive.close()
        self._file.close()


def is_archive(path: Path) -> bool:
    """True for zip/tar containers that are releases, not single-file weight formats."""
    name = path.name.lower()
    return name.endswith(ARCHIVE_SUFFIXES) and path.is_file()


class ArchiveSource:
    name = "archive"

    def accepts(self, target: str) -> bool:
        return is_archive(Path(target))

    def open(self, target: str, limits: Limits) -> Release:
        path = Path(target)
        name = path.name.lower()
        if name.endswith((".zip", ".whl")):
            return ZipRelease(target, path, limits)
        if name.endswith(".7z"):
            return SevenZipRelease(target, path, limits)
        return TarRelease(target, path, limits)

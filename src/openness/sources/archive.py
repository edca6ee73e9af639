"""Archives (.zip, .whl, .tar, .tar.gz) read in place, never extracted to disk.

Members whose names climb out (`../`, absolute paths), links, and members that decompress far
beyond their compressed size are refused with a finding and not read.
"""

from __future__ import annotations

import posixpath
import stat
import threading
import zipfile
from pathlib import Path
from typing import BinaryIO, cast

from ..errors import TargetError
from ..limits import Limits
from ..model import Finding, Location, Member, Origin
from ..rules import finding
from .interface import Release

ARCHIVE_SUFFIXES = (".zip", ".whl", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")


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
            self.findings.append(
                _finding("OPN-ARC-004", "duplicate member name; only the first is read", name)
            )
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
    def __init__(self, target: str, path: Path, limits: Limits):
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise TargetError(f"{target} is not a readable zip archive: {exc}") from None
        self.origin = Origin("archive", target, str(path.resolve()))
        check = _Checker(path.stat().st_size, limits)
        self._names: dict[str, str] = {}
        members: list[Member] = []
        infos = self._zip.infolist()
        if len(infos) > limits.max_archive_members:
            raise TargetError(
                f"{target} has {len(infos):,} members, over the limit of "
                f"{limits.max_archive_members:,}"
            )
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
            if admitted is not None:
                self._names[admitted] = info.filename
                members.append(Member(admitted, info.file_size))
        self.members = tuple(sorted(members, key=lambda m: m.path))
        self.findings = tuple(check.findings)
        self.incomplete = tuple(check.incomplete)

    def open(self, path: str) -> BinaryIO:
        return cast(BinaryIO, self._zip.open(self._names[path]))

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
        return TarRelease(target, path, limits)

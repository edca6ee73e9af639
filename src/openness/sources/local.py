"""Local folders and single files. Symlinks are never followed out of the release."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from ..errors import TargetError
from ..limits import Limits
from ..model import Finding, Location, Member, Origin
from ..rules import finding
from .hf_cache import blobs_of_snapshot, snapshot_of_repo
from .interface import Release


def _finding(rule: str, reason: str, path: str, trigger: str = "") -> Finding:
    return finding(rule, reason, Location(path), trigger)


class LocalRelease(Release):
    def __init__(
        self,
        origin: Origin,
        root: Path,
        members: list[Member],
        findings: list[Finding],
        incomplete: list[str],
    ):
        self.origin = origin
        self._root = root
        self.members = tuple(members)
        self.findings = tuple(findings)
        self.incomplete = tuple(incomplete)

    def _path(self, path: str) -> Path:
        return self._root / path if self.origin.kind == "folder" else self._root

    def open(self, path: str) -> BinaryIO:
        return open(self._path(path), "rb")  # noqa: SIM115  (caller closes)

    def local_path(self, path: str) -> str | None:
        return str(self._path(path))


class LocalSource:
    name = "local"

    def accepts(self, target: str) -> bool:
        return os.path.lexists(target)

    def open(self, target: str, limits: Limits) -> Release:
        path = Path(target)
        try:
            st = path.stat()
        except OSError as exc:
            raise TargetError(_describe(exc, target)) from None
        if stat.S_ISDIR(st.st_mode):
            return self._folder(target, snapshot_of_repo(path) or path, limits)
        if not stat.S_ISREG(st.st_mode):
            raise TargetError(f"{target} is not a regular file or folder")
        origin = Origin("file", target, str(path.resolve()))
        return LocalRelease(origin, path, [Member(path.name, st.st_size)], [], [])

    def _folder(self, target: str, root: Path, limits: Limits) -> Release:
        real_root = root.resolve()
        blobs = blobs_of_snapshot(real_root)
        inside = (real_root,) if blobs is None else (real_root, blobs.resolve())
        members: list[Member] = []
        findings: list[Finding] = []
        incomplete: list[str] = []
        stack = [""]
        while stack:
            rel_dir = stack.pop()
            try:
                with os.scandir(root / rel_dir if rel_dir else root) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                findings.append(
                    _finding(
                        "OPN-SRC-005", f"folder could not be listed: {exc.strerror}", rel_dir or "."
                    )
                )
                incomplete.append(f"{rel_dir or '.'}: folder could not be listed")
                continue
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                if entry.name == ".git" and entry.is_dir(follow_symlinks=False):
                    continue
                if entry.is_symlink():
                    found = self._symlink(entry, rel, inside)
                    if isinstance(found, Member):
                        members.append(found)
                    else:
                        findings.append(found)
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError as exc:
                    findings.append(
                        _finding("OPN-SRC-005", f"file could not be read: {exc.strerror}", rel)
                    )
                    incomplete.append(f"{rel}: could not be read")
                    continue
                if stat.S_ISDIR(st.st_mode):
                    stack.append(rel)
                elif stat.S_ISREG(st.st_mode):
                    members.append(Member(rel, st.st_size))
                else:
                    findings.append(
                        _finding(
                            "OPN-SRC-006", "special file (device, pipe or socket) not read", rel
                        )
                    )
                if len(members) > limits.max_archive_members:
                    raise TargetError(
                        f"{target} holds more than {limits.max_archive_members:,} "
                        "files; point at a single model folder"
                    )
        members.sort(key=lambda m: m.path)
        origin = Origin("folder", target, str(real_root))
        return LocalRelease(origin, root, members, findings, incomplete)

    @staticmethod
    def _symlink(entry: os.DirEntry[str], rel: str, inside: tuple[Path, ...]) -> Member | Finding:
        try:
            resolved = Path(entry.path).resolve(strict=True)
        except RuntimeError:
            return _finding("OPN-SRC-003", "symlink loop, not followed", rel)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return _finding("OPN-SRC-003", "symlink loop, not followed", rel)
            return _finding("OPN-SRC-007", "dangling symlink", rel, os.readlink(entry.path))
        if not any(resolved.is_relative_to(root) for root in inside):
            return _finding(
                "OPN-SRC-002",
                "symlink points outside the release, not followed",
                rel,
                os.readlink(entry.path),
            )
        if resolved.is_dir():
            return _finding(
                "OPN-SRC-004", "symlinked folder inside the release, not followed twice", rel
            )
        return Member(rel, resolved.stat().st_size)


def _describe(exc: OSError, target: str) -> str:
    if exc.errno == errno.ENOENT:
        return f"{target} does not exist; give a model folder, a weight file or an archive"
    if exc.errno == errno.EACCES:
        return f"{target} cannot be read: permission denied"
    if exc.errno == errno.ELOOP:
        return f"{target} is a symlink loop"
    return f"{target} cannot be opened: {exc.strerror}"

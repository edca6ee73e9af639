"""Compare a release's files with a digest list: matched, mismatched, missing, extra, unchecked."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

from ..limits import Limits
from ..sources import READ_ERRORS, open_release
from .digests import DigestList, Expected

_CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class Actual:
    path: str
    size: int
    sha256: str | None = None
    git_sha1: str | None = None


@dataclass(frozen=True)
class Mismatch:
    expected: Expected
    actual: Actual
    what: str  # "sha256" | "git blob id" | "size"


@dataclass
class DigestReport:
    digest_list: DigestList
    matched: list[str] = field(default_factory=list)
    mismatched: list[Mismatch] = field(default_factory=list)
    missing: list[Expected] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    unchecked: list[tuple[str, str]] = field(default_factory=list)  # (path, why)

    @property
    def ok(self) -> bool:
        return not (self.mismatched or self.missing or self.unchecked)


def compare(
    digest_list: DigestList, files: Mapping[str, Actual], ignore: Iterable[str] = ()
) -> DigestReport:
    report = DigestReport(digest_list)
    listed = {e.path for e in digest_list.entries}
    for e in digest_list.entries:
        actual = files.get(e.path)
        if actual is None:
            report.missing.append(e)
            continue
        if e.size is not None and e.size != actual.size:
            report.mismatched.append(Mismatch(e, actual, "size"))
        elif e.sha256 is not None and actual.sha256 is not None:
            _record(report, e, actual, "sha256", e.sha256 == actual.sha256)
        elif e.git_sha1 is not None and actual.git_sha1 is not None:
            _record(report, e, actual, "git blob id", e.git_sha1 == actual.git_sha1)
        else:
            report.unchecked.append((e.path, "its digest was not computed (hashing was off)"))
    skip = set(ignore)
    report.extra = sorted(p for p in files if p not in listed and p not in skip)
    return report


def _record(report: DigestReport, e: Expected, actual: Actual, what: str, ok: bool) -> None:
    if ok:
        report.matched.append(e.path)
    else:
        report.mismatched.append(Mismatch(e, actual, what))


def hash_release(
    target: str,
    limits: Limits,
    want_git: Iterable[str] = (),
    known: Mapping[str, str] | None = None,
) -> tuple[dict[str, Actual], list[tuple[str, str]]]:
    """Digests of every file of a release, read through its Source; `known` sha256s are reused.

    Returns the files and the ones that could not be read (path, why).
    """
    git, known = set(want_git), known or {}
    files: dict[str, Actual] = {}
    failed: list[tuple[str, str]] = []
    with open_release(target, limits) as release:
        for member in release.members:
            need_sha = member.path not in known
            need_git = member.path in git
            if not (need_sha or need_git):
                files[member.path] = Actual(member.path, member.size, known[member.path])
                continue
            try:
                sha, blob = _digest(release.open(member.path), member.size, need_sha, need_git)
            except READ_ERRORS as exc:
                failed.append((member.path, str(exc)))
                continue
            files[member.path] = Actual(
                member.path, member.size, sha or known.get(member.path), blob
            )
    return files, failed


def _digest(stream: BinaryIO, size: int, sha: bool, git: bool) -> tuple[str | None, str | None]:
    sha256 = hashlib.sha256() if sha else None
    sha1 = hashlib.sha1(f"blob {size}\0".encode()) if git else None
    with stream:
        while chunk := stream.read(_CHUNK):
            if sha256 is not None:
                sha256.update(chunk)
            if sha1 is not None:
                sha1.update(chunk)
    return (
        sha256.hexdigest() if sha256 is not None else None,
        sha1.hexdigest() if sha1 is not None else None,
    )

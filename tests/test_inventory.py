"""Inventory: hashes match hashlib, formats come from content, unreadable files are findings."""

from __future__ import annotations

import errno
import hashlib
from pathlib import Path
from typing import BinaryIO

from openness.inventory import take_inventory
from openness.limits import DEFAULT_LIMITS
from openness.model import Member, Origin
from openness.sources import Release, open_release
from tests.helpers import safetensors_bytes


def test_hashes_and_content_detection(tmp_path: Path) -> None:
    st = safetensors_bytes({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}, 16)
    (tmp_path / "weights.bin").write_bytes(st)  # misleading extension
    (tmp_path / "notes.txt").write_text("hello\n")
    big = bytes(range(256)) * 20000  # several hash chunks
    (tmp_path / "blob.dat").write_bytes(big)
    (tmp_path / "empty.safetensors").write_bytes(b"")
    with open_release(str(tmp_path), DEFAULT_LIMITS) as release:
        scanned = {s.entry.path: s for s in take_inventory(release, DEFAULT_LIMITS)}
    assert scanned["weights.bin"].entry.format == "safetensors"
    assert scanned["weights.bin"].result is not None
    assert scanned["weights.bin"].result.artifact.parameters == 4
    assert scanned["notes.txt"].entry.format == "text"
    assert scanned["blob.dat"].entry.sha256 == hashlib.sha256(big).hexdigest()
    assert scanned["empty.safetensors"].entry.format == "empty"
    assert [f.rule_id for f in scanned["empty.safetensors"].findings] == ["OPN-FMT-002"]


def test_no_hash_reads_headers_only(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    with open_release(str(tmp_path), DEFAULT_LIMITS) as release:
        (s,) = take_inventory(release, DEFAULT_LIMITS, hash_files=False)
    assert s.entry.sha256 is None and s.entry.format == "text"


class _Unreadable(Release):
    """A release whose one member fails to open, as a file does when permissions deny it."""

    def __init__(self) -> None:
        self.origin = Origin("folder", "x", "x")
        self.members = (Member("locked.bin", 10),)
        self.findings = ()

    def open(self, path: str) -> BinaryIO:
        raise PermissionError(errno.EACCES, "Permission denied", path)


def test_unreadable_member_is_a_finding_and_marks_incomplete() -> None:
    (s,) = take_inventory(_Unreadable(), DEFAULT_LIMITS)
    assert s.entry.format == "unreadable"
    assert [f.rule_id for f in s.findings] == ["OPN-SRC-005"]
    assert s.incomplete is not None and "Permission denied" in s.incomplete


def test_progress_counts_every_byte(tmp_path: Path) -> None:
    sizes = [0, 1, 3_000_000, 12345]
    for i, n in enumerate(sizes):
        (tmp_path / f"f{i}").write_bytes(b"\x01" * n)
    seen: list[int] = []
    with open_release(str(tmp_path), DEFAULT_LIMITS) as release:
        take_inventory(release, DEFAULT_LIMITS, progress=seen.append)
    assert sum(seen) == sum(sizes)

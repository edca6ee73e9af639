"""torch.export archives (.pt2), made by torch.export.save at test time: raw weight members named
by the archive's configs are read as tensor bytes, anything else in them is still scanned."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from openness.model import Severity
from openness.pipeline import assess
from openness.security.report import is_security

torch = pytest.importorskip("torch")

OS_SYSTEM = b"\x80\x02cos\nsystem\n(X\x05\x00\x00\x00touchtR."


def _export(path: Path) -> Path:
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    program = torch.export.export(model, (torch.randn(2, 3),))
    torch.export.save(program, path)
    return path


def _above_low(path: Path) -> list[str]:
    a = assess(str(path), hash_files=False)
    return [
        f"{f.rule_id} {f.location.key}"
        for f in a.findings
        if is_security(f.rule_id) and f.severity > Severity.LOW
    ]


def _replace(src: Path, dst: Path, suffix: str, data: bytes) -> str:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename.endswith(suffix):
                zout.writestr(info, data)
                name = info.filename
            else:
                zout.writestr(info, zin.read(info))
    return name


def test_exported_program_is_complete_and_clean(tmp_path: Path) -> None:
    path = _export(tmp_path / "model.pt2")
    a = assess(str(path), hash_files=False)
    assert a.complete, a.incomplete
    assert _above_low(path) == []


def test_a_pickle_in_place_of_raw_weights_is_still_walked(tmp_path: Path) -> None:
    src = _export(tmp_path / "model.pt2")
    name = _replace(src, tmp_path / "evil.pt2", "data/weights/weight_0", OS_SYSTEM)
    found = _above_low(tmp_path / "evil.pt2")
    assert f"OPN-PKL-001 {name}" in found


def test_unknown_member_next_to_the_weights_is_still_unscanned(tmp_path: Path) -> None:
    """Only members a config names are raw tensors: an extra one is reported unread."""
    src = _export(tmp_path / "model.pt2")
    dst = tmp_path / "extra.pt2"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        prefix = zin.namelist()[0].split("/")[0]
        zout.writestr(f"{prefix}/data/weights/weight_99", bytes(range(256)) * 4)
    a = assess(str(dst), hash_files=False)
    assert not a.complete
    unread = [f.location.key or "" for f in a.findings if f.rule_id == "OPN-FMT-005"]
    assert any(key.endswith("weight_99") for key in unread)

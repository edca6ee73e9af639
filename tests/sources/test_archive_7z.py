"""A .7z release: read in place through py7zr, with the zip/tar admission rules, and every
hostile archive turned into findings, an error or an incomplete report, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from openness.errors import TargetError
from openness.limits import Limits
from openness.model import Assessment
from openness.pipeline import scan
from openness.sources import archive, open_release
from tests.helpers import run_cli, safetensors_bytes
from tests.sources.sevenzip_builders import (
    MALICIOUS_PICKLE,
    corrupt_packed_data,
    rename_member,
    seven_zip,
)

_SAFETENSORS = safetensors_bytes(
    {"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}, 16
)


def _write(tmp_path: Path, data: bytes, name: str = "release.7z") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _rules(a: Assessment) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in a.findings:
        out.setdefault(f.rule_id, []).append(f"{f.location.file}: {f.reason}")
    return out


def test_members_are_detected_and_read(tmp_path: Path) -> None:
    path = _write(tmp_path, seven_zip({"model.safetensors": _SAFETENSORS, "weights/m.pkl": b""}))
    a = scan(str(path), hash_files=True)
    files = {f.path: f for f in a.files}
    assert set(files) == {"model.safetensors", "weights/m.pkl"}
    assert files["model.safetensors"].format == "safetensors"
    assert files["model.safetensors"].sha256 is not None
    assert a.origin.kind == "archive"
    assert a.complete, a.incomplete
    assert "OPN-FMT-001" not in _rules(a)


def test_malicious_pickle_is_critical(tmp_path: Path) -> None:
    path = _write(
        tmp_path, seven_zip({"README.md": b"# m\n", "pytorch_model.bin": MALICIOUS_PICKLE})
    )
    a = scan(str(path))
    critical = [f for f in a.findings if f.rule_id == "OPN-PKL-001"]
    assert [f.location.file for f in critical] == ["pytorch_model.bin"]
    assert critical[0].severity.name == "CRITICAL"


def test_traversal_member_is_refused(tmp_path: Path) -> None:
    data = rename_member(
        seven_zip({"xx/evil.pkl": MALICIOUS_PICKLE, "ok.txt": b"fine"}),
        "xx/evil.pkl",
        "../evil.pkl",
    )
    a = scan(str(_write(tmp_path, data)))
    assert [f.path for f in a.files] == ["ok.txt"]
    assert _rules(a)["OPN-ARC-001"] == ["../evil.pkl: member name climbs out of the archive (../)"]


def test_duplicate_names_read_only_the_first(tmp_path: Path) -> None:
    data = rename_member(
        seven_zip({"a.pkl": b"first", "b.pkl": MALICIOUS_PICKLE}), "b.pkl", "a.pkl"
    )
    a = scan(str(_write(tmp_path, data)))
    assert [f.path for f in a.files] == ["a.pkl"]
    assert "OPN-ARC-004" in _rules(a)


def test_symlink_member_is_not_followed(tmp_path: Path) -> None:
    py7zr = pytest.importorskip("py7zr")
    (tmp_path / "link").symlink_to("/etc/passwd")
    path = tmp_path / "links.7z"
    with py7zr.SevenZipFile(path, "w") as out:
        out.write(tmp_path / "link", "link")
        out.writestr(b"text", "ok.txt")
    a = scan(str(path))
    assert [f.path for f in a.files] == ["ok.txt"]
    assert _rules(a)["OPN-ARC-002"] == ["link: link member, not followed"]


def test_bomb_is_refused_before_decompressing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "SEVEN_ZIP_MIN_BUDGET", 1024 * 1024)
    data = seven_zip({"zeros.bin": bytes(8 * 1024 * 1024), "ok.txt": b"fine"})
    a = scan(str(_write(tmp_path, data)))
    assert "decompression bomb" in _rules(a)["OPN-ARC-003"][0]
    assert not a.complete
    assert "zeros.bin" not in [f.path for f in a.files]


def test_declared_total_over_the_limit_is_refused(tmp_path: Path) -> None:
    data = seven_zip({"a.bin": bytes(600_000), "b.bin": bytes(600_000)})
    path = _write(tmp_path, data)
    with open_release(str(path), Limits(max_uncompressed_bytes=1_000_000)) as release:
        assert [m.path for m in release.members] == ["a.bin"]
        assert {f.rule_id for f in release.findings} == {"OPN-ARC-003"}


def test_member_count_limit(tmp_path: Path) -> None:
    data = seven_zip({f"f{i}.txt": b"x" for i in range(5)})
    with open_release(str(_write(tmp_path, data)), Limits(max_archive_members=3)) as release:
        assert len(release.members) == 3
        assert release.incomplete == ("member limit reached; rest of archive not listed",)


def test_encrypted_members_are_a_finding_and_incomplete(tmp_path: Path) -> None:
    data = seven_zip({"model.pkl": MALICIOUS_PICKLE}, password="secret")
    a = scan(str(_write(tmp_path, data)))
    assert _rules(a)["OPN-ARC-009"] == ["model.pkl: encrypted 7z member; content not checked"]
    assert not a.complete


def test_encrypted_header_is_a_finding_and_incomplete(tmp_path: Path) -> None:
    data = seven_zip({"model.pkl": MALICIOUS_PICKLE}, password="secret", header_encryption=True)
    a = scan(str(_write(tmp_path, data)))
    assert list(_rules(a)) == ["OPN-ARC-009"]
    assert a.files == ()
    assert not a.complete


def test_truncated_archive_is_a_target_error(tmp_path: Path) -> None:
    data = seven_zip({"model.safetensors": _SAFETENSORS})
    path = _write(tmp_path, data[: len(data) // 2])
    with pytest.raises(TargetError, match="not a readable 7z archive"):
        open_release(str(path), Limits())


def test_corrupt_data_is_reported_and_incomplete(tmp_path: Path) -> None:
    payload = bytes(range(256)) * 256
    data = corrupt_packed_data(seven_zip({"a.bin": payload, "b.bin": payload[::-1]}))
    a = scan(str(_write(tmp_path, data)))
    rules = _rules(a)
    assert "OPN-ARC-005" in rules, rules
    assert not a.complete


def test_cli_scan_exit_codes(tmp_path: Path) -> None:
    bad = _write(tmp_path, seven_zip({"m.pkl": MALICIOUS_PICKLE}), "bad.7z")
    good = _write(tmp_path, seven_zip({"model.safetensors": _SAFETENSORS}), "good.7z")
    assert run_cli("scan", str(bad)).returncode == 1
    done = run_cli("scan", str(good))
    assert done.returncode == 0, done.stdout + done.stderr


def test_without_py7zr_a_7z_release_is_an_error_saying_how_to_enable_it(tmp_path: Path) -> None:
    good = _write(tmp_path, seven_zip({"model.safetensors": _SAFETENSORS}))
    shadow = tmp_path / "shadow" / "py7zr"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('py7zr hidden by the test')\n")
    done = run_cli("scan", str(good), env={"PYTHONPATH": str(shadow.parent)})
    assert done.returncode == 2
    assert "pip install 'openness[archives]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_without_py7zr_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "py7zr", None)
    path = _write(tmp_path, seven_zip({"model.safetensors": _SAFETENSORS}))
    with pytest.raises(TargetError, match=r"openness\[archives\]"):
        open_release(str(path), Limits())

"""Bad input, one test per class, through the real CLI: a clear message or a finding, exit code 2
or a report, never a traceback or a hang."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest

from tests.helpers import run_cli, safetensors_bytes


def assess_json(target: Path) -> tuple[int, dict]:
    proc = run_cli("assess", str(target), "--format", "json", "--fail-on", "never")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def rule_ids(report: dict) -> list[str]:
    return [f["rule_id"] for f in report["findings"]]


def test_empty_folder(tmp_path: Path) -> None:
    # nothing to read is an input error (exit 2), said in one line: no empty JSON report
    proc = run_cli("assess", str(tmp_path), "--format", "json", "--fail-on", "never")
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "holds no files" in proc.stderr


def test_zero_byte_files(tmp_path: Path) -> None:
    for name in ("model.safetensors", "README.md", "config.json", "pytorch_model.bin"):
        (tmp_path / name).write_bytes(b"")
    _, report = assess_json(tmp_path)
    assert {f["format"] for f in report["files"]} == {"empty"}
    assert rule_ids(report).count("OPN-FMT-002") == 2


def _malformed(tmp_path: Path, data: bytes) -> dict:
    (tmp_path / "model.safetensors").write_bytes(data)
    _, report = assess_json(tmp_path)
    return report


def test_truncated_safetensors(tmp_path: Path) -> None:
    full = safetensors_bytes({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, 16)
    report = _malformed(tmp_path, full[:-5])
    assert "OPN-FMT-001" in rule_ids(report)
    assert report["complete"] is False


def test_header_length_beyond_file(tmp_path: Path) -> None:
    report = _malformed(tmp_path, struct.pack("<Q", 10**12) + b"{}" + bytes(30))
    # no format claims the bytes, so the name's reader says what is wrong: incomplete, not clean
    assert report["files"][0]["format"] == "binary"
    assert rule_ids(report).count("OPN-FMT-001") == 1
    assert "OPN-FMT-004" not in rule_ids(report)
    assert report["complete"] is False
    report = _malformed(tmp_path, struct.pack("<Q", 30) + b'{"a":' + bytes(30))
    assert "OPN-FMT-001" in rule_ids(report)


def test_header_json_not_an_object(tmp_path: Path) -> None:
    arr = b'[{"dtype": "F32"}]'
    report = _malformed(tmp_path, struct.pack("<Q", len(arr)) + arr)
    assert "OPN-FMT-001" in rule_ids(report)
    assert report["complete"] is False
    bad = b'{"w": [1, 2, 3]}'
    report = _malformed(tmp_path, struct.pack("<Q", len(bad)) + bad)
    assert "OPN-FMT-001" in rule_ids(report)


def test_gguf_absurd_counts(tmp_path: Path) -> None:
    data = b"GGUF" + struct.pack("<I", 3) + struct.pack("<QQ", 2**62, 2**62) + bytes(64)
    (tmp_path / "model.gguf").write_bytes(data)
    _, report = assess_json(tmp_path)
    assert "OPN-FMT-001" in rule_ids(report)
    assert report["complete"] is False


def test_zip_with_traversal_members(tmp_path: Path) -> None:
    archive = tmp_path / "release.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../escape.txt", "x")
        zf.writestr("README.md", "# model\n")
    _, report = assess_json(archive)
    assert rule_ids(report).count("OPN-ARC-001") == 1
    assert [f["path"] for f in report["files"]] == ["README.md"]


def test_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    _, report = assess_json(tmp_path)
    assert rule_ids(report).count("OPN-SRC-003") == 2


def test_non_utf8_card(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_bytes(b"---\nlicense: mit\n---\n# Mod\xe8le \xff\xfe\n")
    _, report = assess_json(tmp_path)
    assert "OPN-DOC-002" in rule_ids(report)
    assert report["license"]["spdx"] == "MIT"


def test_invalid_yaml_front_matter(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("---\nlicense: [mit\n\ttags: x\n---\n# Model\n")
    _, report = assess_json(tmp_path)
    assert "OPN-DOC-001" in rule_ids(report)


@pytest.mark.parametrize(
    "args", [["assess"], ["assess", "/no/such/path"], ["bogus"], ["assess", "--example", "x"]]
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip()


def test_absurd_declared_sizes_stay_within_bounded_memory(tmp_path: Path) -> None:
    """Lengths that claim terabytes must be refused before allocating: run under a 1 GiB cap."""
    import resource
    import subprocess
    import sys

    (tmp_path / "a.gguf").write_bytes(
        b"GGUF" + struct.pack("<IQQ", 3, 1, 1) + struct.pack("<Q", 2**40) + b"k" * 64
    )
    (tmp_path / "b.safetensors").write_bytes(struct.pack("<Q", 2**33) + b"{" + bytes(100))
    (tmp_path / "c.pkl").write_bytes(b"\x80\x04\x8e" + struct.pack("<Q", 2**40) + b"xx.")
    (tmp_path / "d.npy").write_bytes(b"\x93NUMPY\x02\x00" + struct.pack("<I", 2**31) + b"{")

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "openness",
            "assess",
            str(tmp_path),
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap_memory,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stdout
    report = json.loads(proc.stdout)
    flagged = {f["location"]["file"] for f in report["findings"] if f["rule_id"] == "OPN-FMT-001"}
    assert {"a.gguf", "c.pkl", "d.npy"} <= flagged
    assert report["complete"] is False

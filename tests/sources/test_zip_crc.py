"""A zip release whose member CRC-32 is wrong (in both headers): `unzip` extracts it with a
warning and PyTorch ignores CRCs, so the content is scanned anyway and the mismatch is OPN-ARC-006.

When it is checked: members up to CRC_CHECK_BYTES always (the rest is read when the member is
closed); bigger ones when read to their end, which the hash pass of `assess` always does.
"""

from __future__ import annotations

import io
import os
import pickle
import random
import struct
import zipfile
from pathlib import Path

import pytest

from openness.model import Assessment
from openness.pipeline import assess, scan
from openness.readers import zip_members
from tests.helpers import run_cli, safetensors_bytes


class _Payload:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo owned",))


MALICIOUS = pickle.dumps(_Payload(), protocol=2)
SAFETENSORS = safetensors_bytes(
    {"w": {"dtype": "F32", "shape": [64, 64], "data_offsets": [0, 16384]}}, 16384
)
METHODS = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def flip_crc(data: bytes, name: str) -> bytes:
    """Invert the member's CRC-32 in its local header and its central-directory record."""
    raw, wanted, flipped = bytearray(data), name.encode(), 0
    # signature, offset of the name length, offset of the CRC, offset of the name
    for signature, name_len_at, crc_at, name_at in (
        (b"PK\x03\x04", 26, 14, 30),
        (b"PK\x01\x02", 28, 16, 46),
    ):
        pos = 0
        while (pos := raw.find(signature, pos)) >= 0:
            (length,) = struct.unpack_from("<H", raw, pos + name_len_at)
            if raw[pos + name_at : pos + name_at + length] == wanted:
                (crc,) = struct.unpack_from("<I", raw, pos + crc_at)
                struct.pack_into("<I", raw, pos + crc_at, crc ^ 0xFFFFFFFF)
                flipped += 1
            pos += 4
    assert flipped == 2
    return bytes(raw)


def _rules(a: Assessment) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in a.findings:
        key = f"{f.location.file}#{f.location.key}" if f.location.key else f.location.file
        out.setdefault(f.rule_id, []).append(key)
    return out


def test_the_tampered_zip_is_what_zipfile_refuses(tmp_path: Path) -> None:
    data = flip_crc(_zip({"model.pkl": MALICIOUS}), "model.pkl")
    with zipfile.ZipFile(io.BytesIO(data)) as zf, pytest.raises(zipfile.BadZipFile, match="CRC"):
        zf.read("model.pkl")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("hashed", [False, True])
def test_bad_crc_pickle_is_still_critical(tmp_path: Path, method: int, hashed: bool) -> None:
    path = tmp_path / "release.zip"
    path.write_bytes(
        flip_crc(_zip({"README.md": b"# m\n", "model.pkl": MALICIOUS}, method), "model.pkl")
    )
    a = scan(str(path), hash_files=hashed)
    rules = _rules(a)
    assert rules["OPN-PKL-001"] == ["model.pkl"]
    assert rules["OPN-ARC-006"] == ["model.pkl"]
    assert next(f for f in a.findings if f.rule_id == "OPN-ARC-006").reason.startswith("CRC-32 is")
    assert "OPN-SRC-005" not in rules
    assert a.complete


@pytest.mark.parametrize("method", METHODS)
def test_intact_zip_has_no_crc_finding(tmp_path: Path, method: int) -> None:
    path = tmp_path / "release.zip"
    path.write_bytes(_zip({"model.safetensors": SAFETENSORS, "model.pkl": MALICIOUS}, method))
    for hashed in (False, True):
        rules = _rules(scan(str(path), hash_files=hashed))
        assert "OPN-ARC-006" not in rules
        assert rules["OPN-PKL-001"] == ["model.pkl"]


def test_header_only_read_checks_small_members_at_close(tmp_path: Path) -> None:
    path = tmp_path / "release.zip"
    path.write_bytes(flip_crc(_zip({"model.safetensors": SAFETENSORS}), "model.safetensors"))
    assert _rules(scan(str(path), hash_files=False))["OPN-ARC-006"] == ["model.safetensors"]


def test_big_members_are_checked_by_the_hash_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zip_members, "CRC_CHECK_BYTES", 1024)
    # larger than the read buffer, so a header read stops early; random, so no bomb ratio
    header = safetensors_bytes(
        {"w": {"dtype": "U8", "shape": [4 << 20], "data_offsets": [0, 4 << 20]}}
    )
    big = header + random.Random(0).randbytes(4 << 20)
    path = tmp_path / "release.zip"
    path.write_bytes(flip_crc(_zip({"model.safetensors": big}), "model.safetensors"))
    assert "OPN-ARC-006" not in _rules(scan(str(path), hash_files=False))
    assert _rules(scan(str(path), hash_files=True))["OPN-ARC-006"] == ["model.safetensors"]


def test_assess_reports_it_once(tmp_path: Path) -> None:
    path = tmp_path / "release.zip"
    path.write_bytes(flip_crc(_zip({"README.md": b"# Model\n\nText.\n"}), "README.md"))
    assert _rules(assess(str(path)))["OPN-ARC-006"] == ["README.md"]


def test_flag_bits_are_reported_and_the_member_scanned(tmp_path: Path) -> None:
    raw = bytearray(_zip({"model.pkl": MALICIOUS}, zipfile.ZIP_STORED))
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = raw.index(signature)
        struct.pack_into("<H", raw, pos + flags_at, 0x1)  # "encrypted", but it is not
    path = tmp_path / "release.zip"
    path.write_bytes(bytes(raw))
    a = scan(str(path))
    rules = _rules(a)
    assert rules["OPN-PKL-001"] == ["model.pkl"]
    assert any("flag bits" in f.reason for f in a.findings if f.rule_id == "OPN-ARC-006")


def test_nested_zip_with_a_bad_crc(tmp_path: Path) -> None:
    inner = flip_crc(_zip({"deep/model.pkl": MALICIOUS}), "deep/model.pkl")
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "bundle.zip").write_bytes(inner)
    rules = _rules(scan(str(folder)))
    assert rules["OPN-PKL-001"] == ["bundle.zip#deep/model.pkl"]
    assert rules["OPN-ARC-006"] == ["bundle.zip#deep/model.pkl"]


def test_cli_scan_of_a_tampered_zip(tmp_path: Path) -> None:
    path = tmp_path / "release.zip"
    path.write_bytes(flip_crc(_zip({"model.pkl": MALICIOUS}), "model.pkl"))
    done = run_cli("scan", str(path), "--format", "json")
    assert done.returncode == 1
    assert "OPN-ARC-006" in done.stdout and "OPN-PKL-001" in done.stdout

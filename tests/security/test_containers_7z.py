"""7z archives found inside a release (in a folder, a zip, a tar): members detected and read like
nested zip members, hostile archives reported, and a 7z py7zr cannot read never called clean."""

from __future__ import annotations

import io
import os
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openness.errors import TargetError
from openness.limits import Limits
from openness.model import Assessment
from openness.pipeline import assess, scan
from openness.readers.containers import ContainerReader
from openness.sources import archive
from tests.helpers import safetensors_bytes
from tests.sources.sevenzip_builders import (
    MALICIOUS_PICKLE,
    corrupt_packed_data,
    py7zr,
    rename_member,
    seven_zip,
)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _scan(tmp_path: Path, name: str, data: bytes) -> Assessment:
    release = tmp_path / "release"
    release.mkdir(parents=True)
    (release / name).write_bytes(data)
    return assess(str(release), hash_files=False)


def _by_rule(a: Assessment) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in a.findings:
        out.setdefault(f.rule_id, []).append(f"{f.location.file}#{f.location.key}")
    return out


def _reasons(a: Assessment, rule: str) -> list[str]:
    return [f.reason for f in a.findings if f.rule_id == rule]


def test_malicious_pickle_in_7z_in_zip_is_critical_with_its_chain(tmp_path: Path) -> None:
    inner = seven_zip({"weights/model.pkl": MALICIOUS_PICKLE, "README.txt": b"hello"})
    a = _scan(tmp_path, "bundle.zip", _zip({"inner/archive.7z": inner}))
    critical = [f for f in a.findings if f.rule_id == "OPN-PKL-001"]
    assert [f.severity.name for f in critical] == ["CRITICAL"]
    assert critical[0].location.file == "bundle.zip"
    assert critical[0].location.key == "inner/archive.7z!weights/model.pkl"
    assert a.complete, a.incomplete


def test_7z_in_a_folder_is_detected_by_content(tmp_path: Path) -> None:
    a = _scan(tmp_path, "weights.bin", seven_zip({"model.pkl": MALICIOUS_PICKLE}))
    assert {f.format for f in a.files} == {"7z"}
    assert _by_rule(a)["OPN-PKL-001"] == ["weights.bin#model.pkl"]


def test_benign_safetensors_in_7z_is_read(tmp_path: Path) -> None:
    good = safetensors_bytes({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, 8)
    bad = safetensors_bytes({"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}}, 8)
    a = _scan(tmp_path, "models.7z", seven_zip({"good.safetensors": good, "bad.safetensors": bad}))
    members = [e.value for e in a.evidence if e.fact == "container.members"]
    assert members == [2]
    # the malformed one proves the reader ran on the members; the good one raises nothing
    assert _by_rule(a).get("OPN-FMT-001") == ["models.7z#bad.safetensors"]
    assert not any(f.location.key == "good.safetensors" for f in a.findings)


def test_7z_inside_7z_and_the_depth_limit(tmp_path: Path) -> None:
    data = MALICIOUS_PICKLE
    for level in range(5):
        data = seven_zip({f"level{level}.7z" if level else "model.pkl": data})
    a = _scan(tmp_path, "deep.7z", data)
    assert any("deeper than the limit" in r for r in _reasons(a, "OPN-ARC-008"))
    assert not a.complete
    two = _scan(
        tmp_path / "two", "two.7z", seven_zip({"in.7z": seven_zip({"m.pkl": MALICIOUS_PICKLE})})
    )
    assert _by_rule(two)["OPN-PKL-001"] == ["two.7z#in.7z!m.pkl"]


def test_traversal_and_duplicates_inside_a_nested_7z(tmp_path: Path) -> None:
    data = seven_zip({"xx/evil.pkl": MALICIOUS_PICKLE, "a.txt": b"x", "b.txt": b"y"})
    data = rename_member(rename_member(data, "xx/evil.pkl", "../evil.pkl"), "b.txt", "a.txt")
    a = _scan(tmp_path, "bundle.zip", _zip({"x.7z": data}))
    rules = _by_rule(a)
    assert rules["OPN-ARC-001"] == ["bundle.zip#x.7z!../evil.pkl"]
    assert rules["OPN-ARC-004"] == ["bundle.zip#x.7z!a.txt"]
    assert "OPN-PKL-001" not in rules


def test_encrypted_members_are_reported_not_clean(tmp_path: Path) -> None:
    a = _scan(tmp_path, "secret.7z", seven_zip({"m.pkl": MALICIOUS_PICKLE}, password="pw"))
    assert _by_rule(a)["OPN-ARC-009"] == ["secret.7z#m.pkl"]
    assert not a.complete


def test_encrypted_header_is_reported_not_clean(tmp_path: Path) -> None:
    data = seven_zip({"m.pkl": MALICIOUS_PICKLE}, password="pw", header_encryption=True)
    a = _scan(tmp_path, "bundle.zip", _zip({"secret.7z": data}))
    assert _by_rule(a)["OPN-ARC-009"] == ["bundle.zip#secret.7z"]
    assert not a.complete


def test_truncated_7z_is_a_gap(tmp_path: Path) -> None:
    data = seven_zip({"m.pkl": MALICIOUS_PICKLE})
    a = _scan(tmp_path, "cut.7z", data[: len(data) - 20])
    assert any("not a readable 7z archive" in r for r in _reasons(a, "OPN-ARC-008"))
    assert not a.complete


def test_corrupt_7z_data_is_a_gap(tmp_path: Path) -> None:
    payload = bytes(range(256)) * 256
    data = corrupt_packed_data(seven_zip({"a.bin": payload, "b.bin": payload[::-1]}))
    a = _scan(tmp_path, "bundle.zip", _zip({"c.7z": data}))
    assert any("7z decompression stopped" in r for r in _reasons(a, "OPN-ARC-008"))
    assert not a.complete


def test_bad_crc_member_is_scanned_and_reported(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w", filters=[{"id": py7zr.FILTER_COPY}]) as out:
        out.writestr(MALICIOUS_PICKLE, "m.pkl")
    raw = bytearray(buffer.getvalue())
    at = raw.index(b"echo owned")
    raw[at] = ord("E")  # still a call of os.system, no longer the data the CRC was taken of
    a = _scan(tmp_path, "crc.7z", bytes(raw))
    rules = _by_rule(a)
    assert rules["OPN-PKL-001"] == ["crc.7z#m.pkl"]
    assert rules["OPN-ARC-005"] == ["crc.7z#m.pkl"]


def test_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "SEVEN_ZIP_MIN_BUDGET", 1024 * 1024)
    a = _scan(tmp_path, "bomb.7z", seven_zip({"zeros.bin": bytes(8 * 1024 * 1024)}))
    assert any("decompression bomb" in r for r in _reasons(a, "OPN-ARC-003"))
    assert not a.complete


def test_member_over_the_expansion_cap(tmp_path: Path) -> None:
    release = tmp_path / "release"
    release.mkdir()
    (release / "big.7z").write_bytes(seven_zip({"big.bin": bytes(range(256)) * 8192}))
    a = scan(str(release), limits=Limits(max_pickle_bytes=1024 * 1024))
    assert any("beyond the cap" in r or "expands beyond" in r for r in _reasons(a, "OPN-ARC-003"))
    assert not a.complete


def test_without_py7zr_a_7z_is_unread_with_the_way_to_enable_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = seven_zip({"m.pkl": MALICIOUS_PICKLE})
    monkeypatch.setitem(sys.modules, "py7zr", None)
    a = _scan(tmp_path, "bundle.zip", _zip({"x.7z": data}))
    reasons = _reasons(a, "OPN-ARC-008")
    assert any("pip install 'openness[archives]'" in r for r in reasons), reasons
    assert not a.complete


def test_signature_only_7z_is_a_gap_not_a_crash(tmp_path: Path) -> None:
    header = b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<IQQI", 0, 2**62, 2**62, 0)
    a = _scan(tmp_path, "fake.7z", header + bytes(64))
    assert _reasons(a, "OPN-ARC-008")
    assert not a.complete


_SEED = seven_zip(
    {"m.pkl": MALICIOUS_PICKLE, "a.txt": b"text " * 200, "b/c.bin": bytes(range(256))}
)


@settings(
    max_examples=int(os.environ.get("OPENNESS_7Z_FUZZ", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    flips=st.lists(st.tuples(st.integers(0, len(_SEED) - 1), st.integers(1, 255)), max_size=6),
    cut=st.integers(1, len(_SEED)),
    fix_crcs=st.booleans(),
)
def test_mutated_7z_never_crashes(
    tmp_path: Path, flips: list[tuple[int, int]], cut: int, fix_crcs: bool
) -> None:
    raw = bytearray(_SEED[:cut])
    for at, mask in flips:
        if at < len(raw):
            raw[at] ^= mask
    if fix_crcs and len(raw) >= 32:  # get past the header checksums into py7zr's parser
        offset, size = struct.unpack_from("<QQ", raw, 12)
        if 32 + offset + size <= len(raw):
            struct.pack_into(
                "<I", raw, 28, zlib.crc32(bytes(raw[32 + offset : 32 + offset + size]))
            )
        struct.pack_into("<I", raw, 8, zlib.crc32(bytes(raw[12:32])))
    data = bytes(raw)
    result = ContainerReader().read("x.7z", len(data), io.BytesIO(data), Limits())
    assert result.findings or result.artifact.complete  # incomplete always comes with a finding
    path = tmp_path / f"{len(data)}-{hash(data)}.7z"
    path.write_bytes(data)
    try:
        a = scan(str(path))
    except TargetError:
        return
    assert a.complete or a.findings

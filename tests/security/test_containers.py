"""Archives and compressed files inside a release: scanned recursively, with the same admission
rules as release archives, a depth cap, and gaps reported as findings."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from pathlib import Path

from openness.model import Assessment
from openness.pipeline import assess
from tests.security import samples


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _scan(tmp_path: Path, name: str, data: bytes) -> Assessment:
    release = tmp_path / "release"
    release.mkdir()
    (release / name).write_bytes(data)
    return assess(str(release), hash_files=False)


def _by_rule(a: Assessment) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in a.findings:
        out.setdefault(f.rule_id, []).append(f"{f.location.file}#{f.location.key}")
    return out


def test_payload_three_levels_down_is_found_with_its_member_chain(tmp_path: Path) -> None:
    inner = _zip({"deep/model.pkl": samples._payload_pickle()})
    middle = _zip({"inner.zip": inner})
    a = _scan(tmp_path, "bundle.zip", _zip({"middle.zip": middle}))
    assert "bundle.zip#middle.zip!inner.zip!deep/model.pkl" in _by_rule(a)["OPN-PKL-001"]
    assert a.complete


def test_nesting_beyond_the_depth_limit_is_an_incomplete_finding(tmp_path: Path) -> None:
    data = _zip({"model.pkl": samples._payload_pickle()})
    for level in range(5):
        data = _zip({f"level{level}.zip": data})
    a = _scan(tmp_path, "deep.zip", data)
    rules = _by_rule(a)
    assert "OPN-ARC-008" in rules
    assert not a.complete
    assert "OPN-PKL-001" not in rules  # not reached: reported as a gap, never as clean


def test_gzip_bomb_inside_a_release_is_refused(tmp_path: Path) -> None:
    bomb = gzip.compress(bytes(20 * 1024 * 1024))
    a = _scan(tmp_path, "weights.bin.gz", bomb)
    assert "OPN-ARC-003" in _by_rule(a)
    assert not a.complete


def test_endless_compression_layers_stop(tmp_path: Path) -> None:
    data = samples._payload_pickle()
    for _ in range(12):
        data = gzip.compress(data)
    a = _scan(tmp_path, "layers.gz", data)
    assert "OPN-ARC-008" in _by_rule(a)


def test_traversal_and_links_inside_a_nested_tar_are_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tf:
        evil = tarfile.TarInfo("../../etc/evil.pkl")
        payload = samples._payload_pickle()
        evil.size = len(payload)
        tf.addfile(evil, io.BytesIO(payload))
        link = tarfile.TarInfo("link")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tf.addfile(link)
    a = _scan(tmp_path, "bundle.zip", _zip({"inner.tar": buffer.getvalue()}))
    rules = _by_rule(a)
    assert "OPN-ARC-001" in rules and "OPN-ARC-002" in rules


def test_benign_wheel_inside_a_release_is_clean(tmp_path: Path) -> None:
    wheel = _zip({"pkg/__init__.py": b"", "pkg/data.json": b"{}"})
    a = _scan(tmp_path, "pkg-1.0-py3-none-any.whl", wheel)
    rules = _by_rule(a)
    assert not {r for r in rules if r.startswith(("OPN-ARC", "OPN-PKL", "OPN-FMT"))}
    assert a.complete

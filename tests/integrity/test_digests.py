"""Digest lists in every accepted shape, checked against a real folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from openness.integrity import DigestListError, check_digests, parse_digest_list
from tests.helpers import run_cli


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def git_blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


FILES = {"model.safetensors": b"\x00" * 100, "config.json": b"{}", "sub/tokenizer.json": b"[1]"}


@pytest.fixture
def release(tmp_path: Path) -> Path:
    root = tmp_path / "release"
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def test_text_shapes() -> None:
    text = (
        f"# comment\n{sha(b'a')}  ./a.bin\n{sha(b'b').upper()} *b.bin\n"
        f"SHA256 (dir/c.bin) = {sha(b'c')}\n"
    )
    parsed = parse_digest_list("SUMS", text.encode())
    assert parsed.shape == "sha256sum"
    assert [(e.path, e.sha256, e.line) for e in parsed.entries] == [
        ("a.bin", sha(b"a"), 2),
        ("b.bin", sha(b"b"), 3),
        ("dir/c.bin", sha(b"c"), 4),
    ]


def test_json_shapes() -> None:
    mapping = parse_digest_list("m.json", json.dumps({"a.bin": sha(b"a")}).encode())
    listing = parse_digest_list(
        "l.json", json.dumps([{"path": "a.bin", "sha256": "sha256:" + sha(b"a")}]).encode()
    )
    assert mapping.shape == "json-mapping" and listing.shape == "json-list"
    assert mapping.entries[0].sha256 == listing.entries[0].sha256 == sha(b"a")


def test_hub_tree_and_siblings_shapes() -> None:
    tree = [
        {"type": "directory", "path": "sub", "oid": "0" * 40, "size": 0},
        {"type": "file", "path": "config.json", "oid": git_blob(b"{}"), "size": 2},
        {
            "type": "file",
            "path": "model.safetensors",
            "oid": "1" * 40,
            "size": 100,
            "lfs": {"oid": sha(b"w"), "size": 100, "pointerSize": 134},
        },
    ]
    parsed = parse_digest_list("tree.json", json.dumps(tree).encode())
    assert parsed.shape == "hub-tree"
    by_path = {e.path: e for e in parsed.entries}
    assert set(by_path) == {"config.json", "model.safetensors"}
    assert (
        by_path["config.json"].git_sha1 == git_blob(b"{}") and by_path["config.json"].sha256 is None
    )
    assert by_path["model.safetensors"].sha256 == sha(b"w")
    info = {"siblings": [{"rfilename": "a.bin", "blobId": "2" * 40, "lfs": {"sha256": sha(b"a")}}]}
    siblings = parse_digest_list("info.json", json.dumps(info).encode())
    assert siblings.shape == "hub-siblings" and siblings.entries[0].sha256 == sha(b"a")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a digest line\n", "SUMS:1"),
        (b"{", "not valid JSON"),
        (b'{"a": "zz"}', "does not map to a SHA-256"),
        (b"", "lists no files"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (("a" * 64 + "  x\n").encode() * 2, "twice"),
        (b'[{"type": "file", "path": "x"}]', "needs a path and a sha256"),
    ],
)
def test_bad_lists_are_clear_errors(data: bytes, message: str) -> None:
    with pytest.raises(DigestListError, match=message):
        parse_digest_list("SUMS", data)


def test_folder_matches_mismatches_missing_and_extra(release: Path, tmp_path: Path) -> None:
    sums = tmp_path / "SUMS"
    sums.write_text(
        f"{sha(FILES['model.safetensors'])}  model.safetensors\n"
        f"{sha(b'other')}  config.json\n"
        f"{sha(b'gone')}  missing.bin\n"
    )
    report = check_digests(str(release), sums)
    assert report.matched == ["model.safetensors"]
    assert [(m.actual.path, m.what) for m in report.mismatched] == [("config.json", "sha256")]
    assert [e.path for e in report.missing] == ["missing.bin"]
    assert report.extra == ["sub/tokenizer.json"]
    assert not report.ok


def test_hub_listing_checks_git_blob_ids_of_small_files(release: Path, tmp_path: Path) -> None:
    tree = [
        {"type": "file", "path": p, "oid": git_blob(d), "size": len(d)}
        for p, d in FILES.items()
        if p != "model.safetensors"
    ]
    tree.append(
        {
            "type": "file",
            "path": "model.safetensors",
            "oid": "3" * 40,
            "size": 100,
            "lfs": {"oid": sha(FILES["model.safetensors"]), "size": 100, "pointerSize": 134},
        }
    )
    listing = tmp_path / "tree.json"
    listing.write_text(json.dumps(tree))
    report = check_digests(str(release), listing)
    assert sorted(report.matched) == sorted(FILES) and report.ok and not report.extra
    (release / "config.json").write_bytes(b"[]")
    changed = check_digests(str(release), listing)
    assert [(m.actual.path, m.what) for m in changed.mismatched] == [("config.json", "git blob id")]


def test_verify_cli_exit_codes(release: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("".join(f"{sha(d)}  {p}\n" for p, d in FILES.items()))
    ok = run_cli("verify", str(release), "--digests", str(good))
    assert ok.returncode == 0, ok.stderr
    assert "3 of 3 files" in ok.stdout
    (release / "config.json").write_bytes(b"changed")
    bad = run_cli("verify", str(release), "--digests", str(good))
    assert bad.returncode == 1
    assert "OPN-INT-001" in bad.stdout and "config.json" in bad.stdout
    broken = tmp_path / "broken.txt"
    broken.write_text("nonsense\n")
    err = run_cli("verify", str(release), "--digests", str(broken))
    assert err.returncode == 2 and "broken.txt:1" in err.stderr


def test_assess_appends_digest_evidence_and_findings(release: Path, tmp_path: Path) -> None:
    sums = tmp_path / "SUMS"
    sums.write_text(
        f"{sha(FILES['model.safetensors'])}  model.safetensors\n{sha(b'x')}  config.json\n"
    )
    result = run_cli(
        "assess",
        str(release),
        "--verify-digests",
        str(sums),
        "--format",
        "json",
        "--fail-on",
        "high",
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    rules = {(f["rule_id"], f["location"]["file"]) for f in report["findings"]}
    assert ("OPN-INT-001", "config.json") in rules
    assert ("OPN-INT-003", "sub/tokenizer.json") in rules
    facts = {(e["fact"], e["location"]["file"]): e["value"] for e in report["evidence"]}
    assert facts[("integrity.digests.matched", "SUMS")] == 1
    assert facts[("integrity.digest", "model.safetensors")] == "match"


def test_assess_with_no_hash_reads_the_files_it_must_check(release: Path, tmp_path: Path) -> None:
    sums = tmp_path / "SUMS"
    sums.write_text("".join(f"{sha(d)}  {p}\n" for p, d in FILES.items()))
    result = run_cli(
        "assess", str(release), "--no-hash", "--verify-digests", str(sums), "--format", "json"
    )
    report = json.loads(result.stdout)
    assert not [f for f in report["findings"] if f["rule_id"].startswith("OPN-INT")]
    matched = [e for e in report["evidence"] if e["fact"] == "integrity.digests.matched"]
    assert matched[0]["value"] == 3

"""`openness scan`: exit codes, JSON and SARIF 2.1.0 (validated against the schema's structure)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from openness.rules import RULES
from tests.helpers import run_cli
from tests.security import samples

SCHEMA = json.loads((Path(__file__).parent / "sarif-2.1.0-trimmed.schema.json").read_text())


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("release")
    samples.cve_2025_10156_zip_bad_crc(folder)
    samples.nested_zip_in_tar_gz(folder)
    return folder


def test_findings_exit_1_and_nothing_runs(release: Path, tmp_path: Path) -> None:
    proc = run_cli("scan", str(release), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "CRITICAL OPN-PKL-001" in proc.stdout and "OPN-ARC-006" in proc.stdout
    assert "nested.tar!bundle/inner.zip!weights/model.pkl.gz!model.pkl" in proc.stdout
    assert not (tmp_path / samples.MARKER).exists()


def test_json_report(release: Path, tmp_path: Path) -> None:
    out = tmp_path / "scan.json"
    proc = run_cli("scan", str(release), "--format", "json", "-o", str(out))
    assert proc.returncode == 1 and proc.stdout == ""
    data = json.loads(out.read_text())
    assert data["schema"] == "openness.scan/1"
    rules = {f["rule_id"] for f in data["findings"]}
    assert {"OPN-PKL-001", "OPN-ARC-006"} <= rules
    assert not rules & {"OPN-LIC-001", "OPN-DOC-005"}  # security findings only
    crc = next(f for f in data["findings"] if f["rule_id"] == "OPN-PKL-001")
    assert crc["location"]["offset"] == 2 and crc["trigger"] == "builtins.exec"


def test_sarif_is_valid_and_complete(release: Path) -> None:
    proc = run_cli("scan", str(release), "--format", "sarif")
    log = json.loads(proc.stdout)
    jsonschema.validate(log, SCHEMA)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    assert not any("helpUri" in r for r in rules)  # no published docs site configured
    assert all(r["help"]["markdown"].startswith(f"# {r['id']}: ") for r in rules)
    pkl = next(r for r in rules if r["id"] == "OPN-PKL-001")
    assert "CWE-502" in pkl["properties"]["tags"]
    results = run["results"]
    critical = [r for r in results if r["ruleId"] == "OPN-PKL-001"]
    assert {r["level"] for r in critical} == {"error"}
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["partialFingerprints"]["openness/v1"]
    located = [r["locations"][0] for r in critical]
    assert {loc["physicalLocation"]["artifactLocation"]["uri"] for loc in located} == {
        "bad_crc.pt",
        "nested.tar.gz",
    }
    assert all(loc["physicalLocation"]["region"]["byteOffset"] == 2 for loc in located)
    fingerprints = [r["partialFingerprints"]["openness/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)


def test_clean_release_exits_0(tmp_path: Path) -> None:
    np = pytest.importorskip("numpy")
    np.save(tmp_path / "w.npy", np.zeros(3))
    proc = run_cli("scan", str(tmp_path))
    assert proc.returncode == 0, proc.stdout
    assert "CLEAN" in proc.stdout


def test_fail_on_threshold(tmp_path: Path) -> None:
    samples.inspect_getattr_static(tmp_path)  # critical and high findings
    assert run_cli("scan", str(tmp_path), "--fail-on", "critical").returncode == 1
    assert run_cli("scan", str(tmp_path), "--fail-on", "never").returncode == 0


def test_incomplete_read_is_reported_and_follows_fail_on(tmp_path: Path) -> None:
    # a complete first pickle, then a second that breaks: read in part, never "clean"
    data = samples.proto(samples.g("collections", "OrderedDict") + b")R", 2) + b"\x80\x02}\xff"
    (tmp_path / "model.pkl").write_bytes(data)
    proc = run_cli("scan", str(tmp_path))
    assert proc.returncode == 0
    assert "MEDIUM   OPN-PKL-004" in proc.stdout and "INCOMPLETE" in proc.stdout
    assert "CLEAN" not in proc.stdout
    assert run_cli("scan", str(tmp_path), "--fail-on", "medium").returncode == 1


def test_missing_target_exits_2(tmp_path: Path) -> None:
    proc = run_cli("scan", str(tmp_path / "nope"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr


def test_sarif_help_uris_point_at_the_published_docs(release: Path) -> None:
    env = {"OPENNESS_DOCS_URL": "https://docs.example.org/openness/rules/"}
    log = json.loads(run_cli("scan", str(release), "--format", "sarif", env=env).stdout)
    jsonschema.validate(log, SCHEMA)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert {r["helpUri"] for r in rules} == {
        f"https://docs.example.org/openness/rules/{r}.md" for r in RULES
    }
    bad = run_cli("scan", str(release), "--format", "sarif", env={"OPENNESS_DOCS_URL": "docs/"})
    assert bad.returncode == 2 and "OPENNESS_DOCS_URL" in bad.stderr

"""`openness health` and the health section of `openness assess`, run as a user would; and the
project's own repository as a real input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from openness.health import analyse
from tests.helpers import ROOT, run_cli

from .gitrepo import GitRepo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def small_repo(root: Path) -> GitRepo:
    g = GitRepo(root)
    g.write("requirements.txt", "requests==2.19.0\n")
    g.commit("Ann", "ann@a.example", 3)
    g.commit("Ben", "ben@b.example", 1)
    return g


def osv_folder(root: Path) -> Path:
    root.mkdir()
    record = {
        "id": "GHSA-test-0001",
        "modified": "2026-01-01T00:00:00Z",
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "requests"},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.20"}]}
                ],
            }
        ],
        "database_specific": {"severity": "HIGH"},
    }
    (root / "GHSA-test-0001.json").write_text(json.dumps(record))
    return root


def test_health_command_formats_and_exit_codes(tmp_path: Path) -> None:
    g = small_repo(tmp_path / "repo")
    osv = osv_folder(tmp_path / "osv")
    done = run_cli("health", str(g.root), "--osv-db", str(osv), "--format", "json")
    assert done.returncode == 1, done.stderr  # a high finding: the vulnerable pin
    data = json.loads(done.stdout)
    assert data["schema"] == "openness.health/1"
    assert [v["advisory"] for v in data["vulnerabilities"]] == ["GHSA-test-0001"]
    assert {c["name"]: c["level"] for c in data["checks"]}["Vulnerabilities"] == "fair"
    assert {c["name"]: c["score"] for c in data["checks"]}["Vulnerabilities"] == 7
    md = run_cli("health", str(g.root), "--format", "markdown", "--fail-on", "never")
    assert md.returncode == 0 and md.stdout.startswith("# Code health:")
    assert "| Maintained | OpenSSF Scorecard |" in md.stdout
    term = run_cli("health", str(g.root), "--fail-on", "never")
    assert term.returncode == 0 and "Bus-Factor" in term.stdout
    out = tmp_path / "h.json"
    assert (
        run_cli(
            "health", str(g.root), "-f", "json", "-o", str(out), "--fail-on", "never"
        ).returncode
        == 0
    )
    assert json.loads(out.read_text())["target"] == str(g.root)


def test_health_command_input_errors_exit_2(tmp_path: Path) -> None:
    missing = run_cli("health", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "not a folder" in missing.stderr
    g = small_repo(tmp_path / "repo")
    no_db = run_cli("health", str(g.root), "--osv-db", str(tmp_path / "none.zip"))
    assert no_db.returncode == 2 and "no such OSV database" in no_db.stderr
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    bad = run_cli("health", str(g.root), "--osv-db", str(tmp_path / "bad.zip"))
    assert bad.returncode == 2 and "OSV" in bad.stderr and "Traceback" not in bad.stderr


def test_assess_adds_a_health_section_for_a_git_release(tmp_path: Path) -> None:
    g = small_repo(tmp_path / "release")
    g.write("README.md", "---\nlicense: mit\n---\n# Demo model\n")
    osv = osv_folder(tmp_path / "osv")
    done = run_cli("assess", str(g.root), "--format", "json", "--osv-db", str(osv))
    data = json.loads(done.stdout)
    facts = {e["fact"]: e for e in data["evidence"]}
    assert facts["health.commits.total"]["value"] == 2
    assert facts["health.contributors.total"]["value"] == 2
    assert facts["health.check.Vulnerabilities"]["value"] == 7
    hlt = [f for f in data["findings"] if f["rule_id"] == "OPN-HLT-001"]
    assert hlt and hlt[0]["location"]["file"] == "requirements.txt"
    assert done.returncode == 1


def test_assess_follows_a_repository_named_in_the_card(tmp_path: Path) -> None:
    small_repo(tmp_path / "code")
    release = tmp_path / "release"
    release.mkdir()
    (release / "README.md").write_text("---\ncode_repository: ../code\n---\n# Model\n")
    done = run_cli("assess", str(release), "--format", "json", "--fail-on", "never")
    data = json.loads(done.stdout)
    facts = {e["fact"]: e for e in data["evidence"]}
    assert facts["health.commits.total"]["value"] == 2
    assert facts["health.commits.total"]["location"]["file"].endswith("code/.git")


def test_assess_without_a_repository_has_no_health_section(tmp_path: Path) -> None:
    done = run_cli("assess", "--example", "--format", "json")
    data = json.loads(done.stdout)
    assert not [e for e in data["evidence"] if e["fact"].startswith("health.")]


def test_the_projects_own_repository() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    report = analyse(ROOT)
    facts = {e.fact: e for e in report.evidence}
    head = facts["health.git.head"].value
    assert isinstance(head, str) and len(head) == 40
    assert facts["health.commits.total"].value >= 20  # type: ignore[operator]
    assert facts["health.contributors.total"].value >= 1  # type: ignore[operator]
    manifests = {e.value for e in report.evidence if e.fact == "health.dependencies.manifest"}
    assert "pyproject.toml" in manifests
    assert any(d.name == "pyyaml" and d.file == "pyproject.toml" for d in report.dependencies)
    assert {c.name for c in report.checks} >= {"Maintained", "Bus-Factor", "Pinned-Dependencies"}

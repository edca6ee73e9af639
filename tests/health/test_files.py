"""Governance files, security contacts, license agreement and dependency manifests."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from openness.health import analyse
from openness.health.manifests import scan_manifests
from openness.health.model import DEFAULT_HEALTH_LIMITS

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
MIT_TEXT = CORPUS / "licenses" / "deepseek-v3-LICENSE-CODE"  # the MIT License


def facts(report: object) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {}
    for e in report.evidence:  # type: ignore[attr-defined]
        out.setdefault(e.fact.removeprefix("health."), []).append(e)
    return out


def test_governance_files_and_security_contact(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text("All rights reserved by the authors.\n")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("on: push\n")
    (tmp_path / ".github" / "SECURITY.md").write_text(
        "# Security\n\nPlease report issues to security@example.org.\n"
    )
    (tmp_path / ".github" / "FUNDING.yml").write_text("github: [example]\n")
    (tmp_path / "CONTRIBUTING.md").write_text("PRs welcome\n")
    (tmp_path / "CODE_OF_CONDUCT.md").write_text("Be kind\n")
    (tmp_path / "GOVERNANCE.md").write_text("Maintainers decide\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "CODEOWNERS").write_text("* @team\n")
    report = analyse(tmp_path, release_license="Apache-2.0")
    got = facts(report)
    kinds = {k.removeprefix("file."): [e.value for e in v] for k, v in got.items() if "file." in k}
    assert kinds == {
        "license": ["LICENSE"],
        "security_policy": [".github/SECURITY.md"],
        "funding": [".github/FUNDING.yml"],
        "contributing": ["CONTRIBUTING.md"],
        "code_of_conduct": ["CODE_OF_CONDUCT.md"],
        "governance": ["GOVERNANCE.md"],
        "codeowners": ["docs/CODEOWNERS"],
        "ci": [".github/workflows/ci.yml"],
    }
    contact = got["security_policy.contact"][0]
    assert contact.value == "security@example.org"  # type: ignore[attr-defined]
    assert str(contact.location) == ".github/SECURITY.md:3"  # type: ignore[attr-defined]
    assert "license.spdx" not in got  # a license file whose license is not recognised
    rules = {f.rule_id for f in report.findings}
    assert not rules & {"OPN-HLT-002", "OPN-HLT-005", "OPN-HLT-006"}
    scores = {c.name: c.score for c in report.checks}
    assert scores["Security-Policy"] == 10 and scores["CI-Tests"] == 10 and scores["License"] == 6


@pytest.mark.skipif(not MIT_TEXT.is_file(), reason="shared corpus not present")
def test_license_file_compared_with_the_release_license(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text(MIT_TEXT.read_text())
    report = analyse(tmp_path, release_license="Apache-2.0")
    got = facts(report)
    assert got["license.spdx"][0].value == "MIT"  # type: ignore[attr-defined]
    assert got["license.agrees"][0].value is False  # type: ignore[attr-defined]
    assert "OPN-HLT-006" in {f.rule_id for f in report.findings}
    assert {c.name: c.score for c in report.checks}["License"] == 10
    agreeing = analyse(tmp_path, release_license="MIT")
    assert "OPN-HLT-006" not in {f.rule_id for f in agreeing.findings}
    assert facts(agreeing)["license.agrees"][0].value is True  # type: ignore[attr-defined]


def test_missing_files_are_findings(tmp_path: Path) -> None:
    (tmp_path / "SECURITY.md").write_text("We care about security.\n")
    report = analyse(tmp_path)
    rules = {f.rule_id for f in report.findings}
    assert {"OPN-HLT-003", "OPN-HLT-005"} <= rules and "OPN-HLT-002" not in rules
    scores = {c.name: c.score for c in report.checks}
    assert scores["Security-Policy"] == 5 and scores["License"] == 0 and scores["CI-Tests"] == 0


def test_symlinked_policy_outside_the_checkout_is_ignored(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("mail security@evil.example\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(outside, repo / "SECURITY.md")
    assert "OPN-HLT-002" in {f.rule_id for f in analyse(repo).findings}


def test_manifest_parsers(tmp_path: Path) -> None:
    (tmp_path / "requirements-dev.txt").write_text(
        "-r requirements.txt\npytest==8.1.1 \\\n    --hash=sha256:abc\nruff>=0.6  # lint\n"
        "git+https://example.org/x.git#egg=x\nnot a requirement !!\n"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\ndependencies = [\n  "numpy>=1.26",\n  "rich==13.7.1",\n]\n'
        '[project.optional-dependencies]\nhub = ["huggingface-hub~=0.20"]\n'
        '[tool.poetry.dependencies]\npython = "^3.11"\nTorch = "2.3.0"\nscipy = "^1.11"\n'
    )
    (tmp_path / "setup.cfg").write_text(
        "[options]\ninstall_requires =\n    six==1.16.0\n    attrs\n"
    )
    (tmp_path / "poetry.lock").write_text(
        '[[package]]\nname = "Six"\nversion = "1.16.0"\n\n[[package]]\nname = "attrs"\n'
        'version = "23.2.0"\n'
    )
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "package.json").write_text('{"dependencies": {"x": "1.0.0"}}')
    (tmp_path / "package-lock.json").write_text(
        json.dumps(
            {
                "lockfileVersion": 1,
                "dependencies": {
                    "a": {"version": "1.0.0", "dependencies": {"b": {"version": "2.0.0"}}}
                },
            }
        )
    )
    scan = scan_manifests(tmp_path, DEFAULT_HEALTH_LIMITS)
    by_file: dict[str, list[tuple[str, str | None, int | None]]] = {}
    for d in scan.dependencies:
        by_file.setdefault(d.file, []).append((d.name, d.version, d.line))
    assert by_file == {
        "package-lock.json": by_file["package-lock.json"],  # lines checked below
        "poetry.lock": [("six", "1.16.0", 2), ("attrs", "23.2.0", 6)],
        "pyproject.toml": [
            ("numpy", None, 4),
            ("rich", "13.7.1", 5),
            ("huggingface-hub", None, 8),
            ("torch", "2.3.0", 11),
            ("scipy", None, 12),
        ],
        "requirements-dev.txt": [("pytest", "8.1.1", 2), ("ruff", None, 4)],
        "setup.cfg": [("six", "1.16.0", 3), ("attrs", None, 4)],
    }
    assert [(n, v) for n, v, _ in by_file["package-lock.json"]] == [("a", "1.0.0"), ("b", "2.0.0")]
    assert scan.incomplete == []


def test_unpinned_finding_only_without_a_lock_beside(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\ndependencies = ["numpy>=1"]\n')
    sub = tmp_path / "tool"
    sub.mkdir()
    (sub / "requirements.txt").write_text("requests\nidna==3.7\n")
    report = analyse(tmp_path)
    unpinned = {f.location.file: f.trigger for f in report.findings if f.rule_id == "OPN-HLT-004"}
    assert unpinned == {"pyproject.toml": "numpy", "tool/requirements.txt": "requests"}
    (tmp_path / "uv.lock").write_text('[[package]]\nname = "numpy"\nversion = "2.0.0"\n')
    report = analyse(tmp_path)
    unpinned = {f.location.file for f in report.findings if f.rule_id == "OPN-HLT-004"}
    assert unpinned == {"tool/requirements.txt"}


def test_hostile_manifests_are_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\n")
    (tmp_path / "package.json").write_bytes(b"\xff\xfe{")
    (tmp_path / "package-lock.json").write_text("[" * 100_000)
    report = analyse(tmp_path)
    assert not report.complete
    assert {r.split(":")[0] for r in report.incomplete} >= {
        "pyproject.toml",
        "package.json",
        "package-lock.json",
    }

"""Calibrated checks (issue 14 item 6): `?` when there is nothing to judge or the place is not
visible offline, never full marks over zero items; personal addresses (GitHub noreply, free-mail)
are people, not one organisation. Real repositories built with git, authors and dates chosen."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from openness.datafiles import load_yaml
from openness.evidence_index import EvidenceIndex
from openness.health import analyse
from openness.health.model import CheckScore, HealthReport
from openness.health.render import render
from openness.model import Evidence, Location
from openness.rubrics.engine import parse_condition
from tests.helpers import run_cli

from .gitrepo import NOW, GitRepo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def checks(report: HealthReport) -> dict[str, CheckScore]:
    return {c.name: c for c in report.checks}


def facts(report: HealthReport) -> dict[str, object]:
    out: dict[str, object] = {}
    for e in report.evidence:
        out.setdefault(e.fact.removeprefix("health."), e.value)
    return out


# --- people: noreply and free-mail addresses ---------------------------------------------------


def test_personal_addresses_are_each_their_own_identity() -> None:
    from openness.health.history import affiliation

    assert affiliation("1234+Ann@users.noreply.github.com") == (
        "ann@users.noreply.github.com",
        True,
    )
    assert affiliation("ann@users.noreply.github.com") == ("ann@users.noreply.github.com", True)
    assert affiliation("42+bob@users.noreply.ghe.corp.example")[1] is True
    assert affiliation("dan@gmail.com") == ("dan@gmail.com", True)
    for mail in ("x@qq.com", "x@163.com", "x@outlook.com", "x@hotmail.co.uk", "x@yahoo.fr"):
        assert affiliation(mail)[1] is True, mail
    assert affiliation("x@protonmail.com")[1] and affiliation("x@proton.me")[1]
    assert affiliation("eve@corp.example") == ("corp.example", False)
    assert affiliation("noreply@corp.example") == ("corp.example", False)


@pytest.fixture(scope="module")
def noreply_repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    """30 commits in the last year: 28 from three people with GitHub noreply addresses (one of
    them under both forms), one gmail author, one company author: 3 e-mail domains."""
    g = GitRepo(tmp_path_factory.mktemp("noreply") / "repo")
    authors = (
        ["101+ann@users.noreply.github.com"] * 6
        + ["ann@users.noreply.github.com"] * 4
        + ["102+ben@users.noreply.github.com"] * 9
        + ["cat@users.noreply.github.com"] * 9
        + ["dan@gmail.com", "eve@corp.example"]
    )
    for n, email in enumerate(authors):
        g.commit(email.split("@")[0], email, 200 - n * 5)
    return g


def test_noreply_is_not_one_organisation(noreply_repo: GitRepo) -> None:
    report = analyse(noreply_repo.root, now=NOW)
    got = checks(report)
    diversity = got["Organizational-Diversity"]
    # before: 2/10 "users.noreply.github.com made 0.933 of the last year's commits"
    assert diversity.score == 10, diversity.rationale
    assert "users.noreply.github.com made" not in diversity.rationale
    assert "personal" in diversity.rationale  # says how personal addresses were counted
    f = facts(report)
    assert f["affiliations.top"] == "ann@users.noreply.github.com"  # both forms: one person
    assert f["affiliations.top_share"] == round(10 / 30, 3)
    assert f["affiliations.organisations_365d"] == 1
    assert f["affiliations.personal_365d"] == 4
    assert f["contributors.last_365d"] == 5  # ann's two noreply forms are one person
    # before: 10/10 "authors from 3 e-mail domains": one company and four people whose
    # organisations are not visible: between 1 and 5 organisations, so not judged
    contributors = got["Contributors"]
    assert contributors.score is None and contributors.level == "unknown"
    assert "personal" in contributors.rationale and "1" in contributors.rationale


def test_a_single_gmail_author_is_one_identity(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    for days in (30, 20, 10):
        g.commit("Dan", "dan@gmail.com", days)
    got = checks(analyse(g.root, now=NOW))
    assert got["Contributors"].score == 0  # at most one organisation: provable
    assert got["Organizational-Diversity"].score == 2
    assert "dan@gmail.com" in got["Organizational-Diversity"].rationale


def test_three_company_domains_still_score_ten_beside_people(noreply_repo: GitRepo) -> None:
    g = noreply_repo
    for n, email in enumerate(("a@one.example", "b@two.example", "c@three.example")):
        g.commit("x", email, 3 - n)
    try:
        got = checks(analyse(g.root, now=NOW))
        assert got["Contributors"].score == 10
        assert "4 organisational" in got["Contributors"].rationale
    finally:
        g.git("reset", "-q", "--hard", "HEAD~3")


# --- what cannot be seen offline ----------------------------------------------------------------


def test_a_missing_security_policy_is_unseen_not_absent(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.commit("Ann", "ann@a.example", 1)
    report = analyse(g.root, now=NOW)
    policy = checks(report)["Security-Policy"]
    assert policy.score is None  # before: 0/10
    assert ".github" in policy.rationale and "offline" in policy.rationale
    assert "OPN-HLT-002" in {f.rule_id for f in report.findings}  # still: none in the repo


def test_branch_protection_is_listed_as_unseen(tmp_path: Path) -> None:
    got = checks(analyse(tmp_path))
    assert got["Branch-Protection"].score is None
    assert "offline" in got["Branch-Protection"].rationale


# --- nothing to judge ---------------------------------------------------------------------------


def test_no_manifest_is_not_every_dependency_pinned(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.commit("Ann", "ann@a.example", 1)
    pinned = checks(analyse(g.root, now=NOW))["Pinned-Dependencies"]
    assert pinned.score is None and "no dependency manifest" in pinned.rationale


def test_pinned_share_counts_locked_dependencies(tmp_path: Path) -> None:
    deps = ", ".join(f'"p{n}>=1"' for n in range(8))
    (tmp_path / "pyproject.toml").write_text(f"[project]\ndependencies = [{deps}]\n")
    (tmp_path / "uv.lock").write_text('[[package]]\nname = "p0"\nversion = "1.0"\n')
    (tmp_path / "tool").mkdir()
    (tmp_path / "tool" / "requirements.txt").write_text("requests\nidna\n")
    pinned = checks(analyse(tmp_path))["Pinned-Dependencies"]
    # 8 of 10 locked: before 0/10 "most dependencies (2) are neither pinned nor locked"
    assert pinned.score == 5, pinned.rationale


def test_only_a_lock_file_is_all_locked(tmp_path: Path) -> None:
    (tmp_path / "uv.lock").write_text('[[package]]\nname = "numpy"\nversion = "2.0.0"\n')
    pinned = checks(analyse(tmp_path))["Pinned-Dependencies"]
    assert pinned.score == 10, pinned.rationale


def test_no_vulnerability_among_a_few_checked_is_not_ten(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests==2.32.0\nnumpy>=1\ntorch\n")
    osv = tmp_path / "osv"
    osv.mkdir()
    record = {
        "id": "GHSA-other",
        "modified": "2026-01-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "flask"}, "versions": ["0.1"]}],
    }
    (osv / "a.json").write_text(json.dumps(record))
    vulns = checks(analyse(tmp_path, osv_db=osv))["Vulnerabilities"]
    assert vulns.score is None, vulns.rationale  # before: 10/10 over 1 of 3 dependencies
    assert "2" in vulns.rationale and "range" in vulns.rationale


def test_a_shallow_clone_does_not_judge_people(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "origin")
    for n, email in enumerate(("a@one.example", "b@two.example", "c@three.example") * 2):
        g.commit("x", email, 40 - n)
    clone = tmp_path / "clone"
    g.git("clone", "-q", "--depth", "1", f"file://{g.root}", str(clone))
    report = analyse(clone, now=NOW)
    got = checks(report)
    for name in ("Bus-Factor", "Organizational-Diversity", "Contributors", "Maintained"):
        assert got[name].score is None, (name, got[name].rationale)  # before: 2, 2, 0, 5
        assert "shallow" in got[name].rationale
    assert facts(report)["git.shallow"] is True
    assert any("shallow" in r for r in report.incomplete)


# --- the aggregate and every renderer -----------------------------------------------------------


def test_aggregate_leaves_unknown_checks_out(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.commit("Ann", "ann@a.example", 1)
    report = analyse(g.root, now=NOW)
    scored = [c.score for c in report.checks if c.score is not None]
    unknown = [c.name for c in report.checks if c.score is None]
    assert unknown and scored
    agg = report.aggregate
    assert agg.score == round(sum(scored) / len(scored), 1)
    assert agg.scored == len(scored) and agg.unknown == tuple(unknown)
    nothing = dataclasses.replace(
        report, checks=tuple(dataclasses.replace(c, score=None) for c in report.checks)
    )
    assert nothing.aggregate.score is None and nothing.aggregate.scored == 0


def test_every_renderer_shows_unknown_as_a_question_mark(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "repo")
    g.commit("Ann", "ann@a.example", 1)
    report = analyse(g.root, now=NOW)
    data = json.loads(render(report, "json"))
    by_name = {c["name"]: c for c in data["checks"]}
    assert by_name["Security-Policy"]["score"] is None
    assert by_name["Security-Policy"]["level"] == "unknown"
    assert data["aggregate"]["score"] == report.aggregate.score
    assert "Security-Policy" in data["aggregate"]["unknown"]
    md = render(report, "markdown")
    assert "| Security-Policy | OpenSSF Scorecard | ? | unknown |" in md
    assert "not scored" in md
    text = render(report, "terminal", width=200)
    assert "Security-Policy" in text and "not scored" in text


def test_assess_carries_unknown_checks_as_null(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "release")
    g.write("README.md", "---\nlicense: mit\n---\n# Demo model\n")
    g.commit("Ann", "ann@gmail.com", 1)
    done = run_cli("assess", str(g.root), "--format", "json", "--fail-on", "never")
    data = json.loads(done.stdout)
    found = {e["fact"]: e for e in data["evidence"]}
    policy = found["health.check.Security-Policy"]
    assert policy["value"] is None and "unknown" in policy["note"]
    assert "health.checks.aggregate" in found
    for fmt in ("markdown", "html", "terminal"):
        assert run_cli("assess", str(g.root), "--format", fmt, "--fail-on", "never").returncode == 0


# --- an unknown check never counts as a pass ----------------------------------------------------


def _conditions(node: Any) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    if isinstance(node, Mapping):
        if isinstance(node.get("fact"), str):
            found.append(node)
        for value in node.values():
            found += _conditions(value)
    elif isinstance(node, list):
        for value in node:
            found += _conditions(value)
    return found


def test_no_rubric_or_framework_passes_on_an_unknown_health_check() -> None:
    rules = []
    for package in ("openness.rubrics", "openness.frameworks"):
        for item in resources.files(package).iterdir():
            if item.name.endswith((".yaml", ".yml")):
                raw = load_yaml(item.read_text("utf-8"))
                rules += [c for c in _conditions(raw) if str(c["fact"]).startswith("health.")]
    for raw in rules:
        condition = parse_condition(raw, "test")
        unknown = Evidence(str(raw["fact"]), None, Location(""))
        for zero_counts in (False, True):
            held, _ = condition.test(EvidenceIndex([unknown], zero_counts=zero_counts))
            assert not held, raw
    # and the engine itself: a null score is no value, whatever the condition asks of it
    for raw_condition in (
        {"fact": "health.check.Maintained"},
        {"fact": "health.check.Maintained", "min": 0},
        {"fact": "health.check.Maintained", "max": 10},
    ):
        condition = parse_condition(raw_condition, "test")
        unknown = Evidence("health.check.Maintained", None, Location(""))
        for zero_counts in (False, True):
            assert not condition.test(EvidenceIndex([unknown], zero_counts=zero_counts))[0]


def test_a_link_in_markdown_code_keeps_no_backtick() -> None:
    from openness.health.governance import security_contacts

    found = security_contacts("See `https://example.org/security`).\n")
    assert [c.value for c in found if c.kind == "url"] == ["https://example.org/security"]

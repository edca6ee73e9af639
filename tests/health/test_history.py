"""Maintenance and people measures on real repositories built with git, checked against figures
the test computes itself from the commits it made."""

from __future__ import annotations

import shutil
import statistics
from collections import Counter
from pathlib import Path

import pytest

from openness.health import analyse
from openness.health.gitrun import git_dir_of
from openness.health.history import read_history
from openness.health.model import HealthLimits

from .gitrepo import NOW, GitRepo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

# (name, e-mail, days ago, signed), oldest first as a real history grows
COMMITS = [
    ("Dave", "dave@uni.edu", 370.5, False),
    ("Alice", "alice@lab.org", 400.0, False),
    ("Alice", "Alice@Lab.org", 300.0, False),
    ("Carol", "carol@corp.com", 250.0, False),
    ("Alice", "alice@lab.org", 200.0, False),
    ("Alice", "alice@lab.org", 100.0, False),
    ("Alice", "alice@lab.org", 80.0, False),
    ("Bob", "bob@lab.org", 60.0, False),
    ("Bob", "bob@lab.org", 30.0, True),
    ("Carol", "carol@corp.com", 20.0, False),
    ("Alice", "alice@lab.org", 10.0, True),
    ("Alice", "alice@lab.org", 5.0, True),
    ("Dave", "dave@uni.edu", 2.25, False),
]


def facts(report: object) -> dict[str, object]:
    out: dict[str, object] = {}
    for e in report.evidence:  # type: ignore[attr-defined]
        out.setdefault(e.fact.removeprefix("health."), e.value)
    return out


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, dict[str, str]]:
    g = GitRepo(tmp_path_factory.mktemp("history") / "repo")
    shas: dict[str, str] = {}
    for name, email, days, signed in sorted(COMMITS, key=lambda c: -c[2]):
        shas[f"{email}@{days}"] = g.commit(name, email, days, sign=signed)
        if days == 300.0:
            g.tag("v0.1", days, annotated=False)
        elif days == 200.0:
            g.tag("v0.2", days, annotated=True)
        elif days == 5.0:
            g.tag("v1.0", days, annotated=True, sign=True)
    return g, shas


def expected() -> dict[str, object]:
    year = [c for c in COMMITS if c[2] <= 365]
    quarter = [c for c in year if c[2] <= 90]
    by_author = Counter(c[1].lower() for c in year)
    covered, bus = 0, 0
    for bus, (_, n) in enumerate(by_author.most_common(), start=1):  # noqa: B007
        covered += n
        if 2 * covered >= len(year):
            break
    domains = Counter(c[1].lower().split("@")[1] for c in year)
    return {
        "commits.total": len(COMMITS),
        "commits.last_365d": len(year),
        "commits.last_90d": len(quarter),
        "commits.signed": sum(c[3] for c in COMMITS),
        "commits.signed_share": round(sum(c[3] for c in COMMITS) / len(COMMITS), 3),
        "contributors.total": len({c[1].lower() for c in COMMITS}),
        "contributors.last_365d": len(by_author),
        "contributors.last_90d": len({c[1].lower() for c in quarter}),
        "bus_factor": bus,
        "domains.last_365d": len(domains),
        "domains.top": domains.most_common(1)[0][0],
        "domains.top_share": round(domains.most_common(1)[0][1] / len(year), 3),
        "last_commit.days_ago": int(min(c[2] for c in COMMITS)),
        "first_commit.days_ago": int(max(c[2] for c in COMMITS)),
        "tags.total": 3,
        "tags.signed": 1,
        "tags.signed_share": round(1 / 3, 3),
        "tags.last_365d": 3,
        "release.days_ago": 5,
        "release.interval_days": statistics.median([300 - 200, 200 - 5]),
    }


def test_every_figure_matches_what_the_test_computed(repo: tuple[GitRepo, dict[str, str]]) -> None:
    g, _ = repo
    got = facts(analyse(g.root, now=NOW))
    for name, value in expected().items():
        assert got[name] == value, name


def test_domain_shares_add_up_and_name_each_domain(repo: tuple[GitRepo, dict[str, str]]) -> None:
    g, _ = repo
    report = analyse(g.root, now=NOW)
    shares = {e.location.key: e.value for e in report.evidence if e.fact == "health.domain_share"}
    year = [c for c in COMMITS if c[2] <= 365]
    wanted = Counter(c[1].lower().split("@")[1] for c in year)
    assert shares == {d: round(n / len(year), 3) for d, n in wanted.items()}


def test_measures_cite_commit_ids_and_tags(repo: tuple[GitRepo, dict[str, str]]) -> None:
    g, shas = repo
    report = analyse(g.root, now=NOW)
    by_fact = {e.fact: e for e in report.evidence}
    head = g.git("rev-parse", "HEAD")
    assert by_fact["health.git.head"].value == head
    assert by_fact["health.last_commit.days_ago"].location.key == shas["dave@uni.edu@2.25"]
    assert by_fact["health.first_commit.days_ago"].location.key == shas["alice@lab.org@400.0"]
    assert by_fact["health.release.days_ago"].location.key == "refs/tags/v1.0"
    assert shas["alice@lab.org@5.0"][:12] in by_fact["health.release.days_ago"].note
    assert all(e.location.file == ".git" for e in report.evidence if "commits" in e.fact)


def test_checks_follow_the_measures(repo: tuple[GitRepo, dict[str, str]]) -> None:
    g, _ = repo
    checks = {c.name: c for c in analyse(g.root, now=NOW).checks}
    quarter = sum(1 for c in COMMITS if c[2] <= 90)
    assert quarter < 13
    assert checks["Maintained"].score == 5 and str(quarter) in checks["Maintained"].rationale
    assert checks["Contributors"].score == 10  # lab.org, corp.com, uni.edu
    assert checks["Signed-Releases"].score == 2  # one of three tags signed
    bus = expected()["bus_factor"]
    assert bus == 1 and checks["Bus-Factor"].score == 2
    assert checks["Security-Policy"].score is None  # none in the repository: unseen, not absent


def test_an_old_history_is_not_maintained(repo: tuple[GitRepo, dict[str, str]]) -> None:
    g, _ = repo
    later = NOW + 200 * 86_400
    report = analyse(g.root, now=later)
    assert "OPN-HLT-007" in {f.rule_id for f in report.findings}
    assert {c.name: c.score for c in report.checks}["Maintained"] == 0
    assert facts(report)["commits.last_90d"] == 0


def test_commit_cap_marks_the_reading_incomplete(repo: tuple[GitRepo, dict[str, str]]) -> None:
    g, _ = repo
    git_dir = git_dir_of(g.root)
    assert git_dir is not None
    stats = read_history(git_dir, NOW, HealthLimits(max_commits=4))
    assert stats.truncated and stats.commits == 4
    report = analyse(g.root, now=NOW, limits=HealthLimits(max_commits=4))
    assert not report.complete and any("4 commits" in r for r in report.incomplete)


def test_empty_repository_and_plain_folder(tmp_path: Path) -> None:
    empty = GitRepo(tmp_path / "empty")
    report = analyse(empty.root, now=NOW)
    assert facts(report)["commits.total"] == 0
    assert {c.name: c.score for c in report.checks}["Maintained"] is None
    plain = tmp_path / "plain"
    plain.mkdir()
    report = analyse(plain, now=NOW)
    assert not report.complete and "no git repository" in report.incomplete[0]


def test_a_folder_inside_a_repository_does_not_borrow_its_history(
    repo: tuple[GitRepo, dict[str, str]],
) -> None:
    g, _ = repo
    inner = g.root / "sub"
    inner.mkdir(exist_ok=True)
    report = analyse(inner, now=NOW)
    assert "commits.total" not in facts(report)


def test_bare_repository(repo: tuple[GitRepo, dict[str, str]], tmp_path: Path) -> None:
    g, _ = repo
    bare = tmp_path / "bare.git"
    g.git("clone", "-q", "--bare", str(g.root), str(bare))
    assert facts(analyse(bare, now=NOW))["commits.total"] == len(COMMITS)


def test_repository_config_cannot_make_git_run_programs(tmp_path: Path) -> None:
    g = GitRepo(tmp_path / "hostile")
    g.commit("Eve", "eve@evil.example", 1, sign=True)
    marker = tmp_path / "ran"
    script = tmp_path / "fake-gpg"
    script.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    script.chmod(0o755)
    allowed = tmp_path / "allowed_signers"
    allowed.write_text("")
    for key, value in (
        ("log.showSignature", "true"),
        ("gpg.ssh.allowedSignersFile", str(allowed)),
        ("gpg.program", str(script)),
        ("gpg.ssh.program", str(script)),
        ("core.fsmonitor", str(script)),
        ("core.pager", str(script)),
    ):
        g.git("config", key, value)
    g.git("log", "-1")  # plain git obeys the repository and runs the program
    assert marker.exists()
    marker.unlink()
    report = analyse(g.root, now=NOW)
    assert facts(report)["commits.signed"] == 1
    assert not marker.exists()

"""The health section of `openness assess`: when the release is, or names, a local git repository.

A release folder with a `.git` inside is its own code repository. Otherwise the model card's
front matter may name one with `code_repository:` (or `repository:`), a local path relative to
the release (or a `file://` URL). The health measures join the assessment as `health.*`
evidence, check scores as `health.check.<Name>` evidence and OPN-HLT findings.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..documents.frontmatter import FrontMatterError, parse_front_matter
from ..model import Assessment, Evidence, Finding, Location
from .gitrun import git_dir_of

if TYPE_CHECKING:
    from .model import HealthReport

MANIFEST_KEYS = ("code_repository", "repository")
_MAX_CARD_BYTES = 64 * 1024


def find_repository(target: str) -> Path | None:
    root = Path(target)
    if not root.is_dir():
        return None
    if git_dir_of(root) is not None:
        return root
    named = _named_in_card(root)
    if named is not None and named.is_dir() and git_dir_of(named) is not None:
        return named
    return None


def _named_in_card(root: Path) -> Path | None:
    card = root / "README.md"
    try:
        with card.open("rb") as handle:
            text = handle.read(_MAX_CARD_BYTES).decode("utf-8", "replace")
    except OSError:
        return None
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
    if end is None:
        return None
    try:
        front = parse_front_matter("\n".join(lines[1:end]), 2)
    except FrontMatterError:
        return None
    for key in MANIFEST_KEYS:
        value = front.data.get(key) if front else None
        if isinstance(value, str) and value.strip():
            path = value.strip().removeprefix("file://")
            if "://" in path:
                continue  # a remote repository: not read (no network)
            return (root / path).resolve() if not Path(path).is_absolute() else Path(path)
    return None


@dataclass(frozen=True)
class HealthEvidence:
    """What the health step adds to an assessment: evidence (`health.*`), findings (OPN-HLT),
    and why it is incomplete, each located relative to the release."""

    evidence: tuple[Evidence, ...] = ()
    findings: tuple[Finding, ...] = ()
    incomplete: tuple[str, ...] = ()
    complete: bool = True


def health_evidence(
    target: str,
    *,
    release_license: str | None = None,
    osv_db: str | None = None,
    now: float | None = None,
) -> HealthEvidence:
    """The health of the code repository the release is or names (nothing when there is none)."""
    repo = find_repository(target)
    if repo is None:
        if osv_db is not None:
            from ..errors import OpennessError

            raise OpennessError("--osv-db needs a release that is or names a git repository")
        return HealthEvidence()
    from .analysis import analyse  # only now: most releases have no repository to analyse

    report = analyse(repo, osv_db=osv_db, release_license=release_license, now=now)
    prefix = _prefix(Path(target), repo)
    evidence = [_rebase_evidence(e, prefix) for e in report.evidence]
    evidence += _check_evidence(report, prefix)
    return HealthEvidence(
        tuple(evidence),
        tuple(_rebase_finding(f, prefix) for f in report.findings),
        tuple(f"health: {r}" for r in report.incomplete),
        report.complete,
    )


def with_health(
    assessment: Assessment,
    target: str,
    *,
    osv_db: str | None = None,
    now: float | None = None,
) -> Assessment:
    """The assessment plus the health of the code repository it is or names, if any.
    (`pipeline.assess(..., health=True)` adds the same before rating.)"""
    found = health_evidence(target, release_license=assessment.license.spdx, osv_db=osv_db, now=now)
    findings = [*assessment.findings, *found.findings]
    findings.sort(key=lambda f: (-f.severity, f.rule_id, f.location.file, f.location.offset or 0))
    return dataclasses.replace(
        assessment,
        evidence=assessment.evidence + found.evidence,
        findings=tuple(findings),
        incomplete=assessment.incomplete + found.incomplete,
        complete=assessment.complete and found.complete,
    )


def _prefix(release: Path, repo: Path) -> str:
    if repo == release:
        return ""
    try:
        return str(repo.resolve().relative_to(release.resolve()))
    except ValueError:
        return str(repo.resolve())


def _location(location: Location, prefix: str) -> Location:
    if not prefix:
        return location
    file = f"{prefix}/{location.file}" if location.file else prefix
    return dataclasses.replace(location, file=file)


def _rebase_evidence(e: Evidence, prefix: str) -> Evidence:
    return dataclasses.replace(e, location=_location(e.location, prefix))


def _rebase_finding(f: Finding, prefix: str) -> Finding:
    return dataclasses.replace(f, location=_location(f.location, prefix))


def _check_evidence(report: HealthReport, prefix: str) -> list[Evidence]:
    """One `health.check.<Name>` per check (None when not scored, level `unknown`) and
    `health.checks.aggregate`, the mean of the scored checks (None when none was scored)."""
    aggregate = report.aggregate
    return [
        Evidence(
            f"health.check.{c.name}",
            c.score,
            _location(c.evidence[0].location if c.evidence else Location(""), prefix),
            note=f"{c.framework}, {c.level}: {c.rationale}",
        )
        for c in report.checks
    ] + [
        Evidence(
            "health.checks.aggregate",
            aggregate.score,
            _location(Location(""), prefix),
            note=aggregate.describe(),
        )
    ]

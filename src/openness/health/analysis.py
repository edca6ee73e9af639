"""The health orchestrator: git history, tags, governance files, manifests, OSV -> a report."""

from __future__ import annotations

import time
from pathlib import Path

from .. import __version__
from ..errors import TargetError
from ..licenses.match import recognise_text
from ..model import Evidence, Finding, Location
from ..rules import finding
from . import governance
from .gitrun import GitError, git_dir_of
from .history import read_history, read_tags
from .manifests import ManifestScan, scan_manifests
from .measures import (
    dependency_evidence,
    file_evidence,
    history_evidence,
    osv_evidence,
    tag_evidence,
    unpinned_unlocked,
)
from .model import DEFAULT_HEALTH_LIMITS, HEALTH_SCHEMA_ID, HealthLimits, HealthReport
from .osv_db import load_osv, package_key
from .osv_match import MatchResult, match
from .rubric import score_checks


def analyse(
    target: str | Path,
    *,
    osv_db: str | Path | None = None,
    release_license: str | None = None,
    now: float | None = None,
    limits: HealthLimits = DEFAULT_HEALTH_LIMITS,
) -> HealthReport:
    """Read the health of the code repository at `target` (a checkout or a bare repository).

    `release_license` is the SPDX id the release declares, to compare with the license file.
    Raises TargetError when `target` is not a folder; a folder without git history still gets
    its governance files and dependencies read, and says the history is missing.
    """
    root = Path(target)
    if not root.is_dir():
        raise TargetError(f"{target}: not a folder (give a git checkout or a bare repository)")
    now = time.time() if now is None else now
    evidence: list[Evidence] = []
    findings: list[Finding] = []
    incomplete: list[str] = []

    _git(root, now, limits, evidence, findings, incomplete)
    _files(root, release_license, limits, evidence, findings)
    scan = scan_manifests(root, limits)
    incomplete += scan.incomplete
    evidence += dependency_evidence(scan)
    for path, names in unpinned_unlocked(scan).items():
        findings.append(
            finding(
                "OPN-HLT-004",
                f"{len(names)} dependencies have no exact version and no lock file beside them",
                Location(path),
                ", ".join(names[:10]) + (" …" if len(names) > 10 else ""),
            )
        )
    result = _vulnerabilities(scan, osv_db, limits, evidence, findings, incomplete)

    findings.sort(key=lambda f: (-f.severity, f.rule_id, f.location.file, f.location.line or 0))
    return HealthReport(
        schema=HEALTH_SCHEMA_ID,
        tool_version=__version__,
        target=str(target),
        path=str(root.resolve()),
        evidence=tuple(evidence),
        findings=tuple(findings),
        checks=score_checks(evidence),
        dependencies=tuple(scan.dependencies),
        vulnerabilities=tuple(result.vulnerable) if result else (),
        complete=not incomplete,
        incomplete=tuple(incomplete),
    )


def _git(
    root: Path,
    now: float,
    limits: HealthLimits,
    evidence: list[Evidence],
    findings: list[Finding],
    incomplete: list[str],
) -> None:
    git_dir = git_dir_of(root)
    if git_dir is None:
        incomplete.append("no git repository at the target: history not read")
        return
    label = ".git" if git_dir != root else "."
    try:
        stats = read_history(git_dir, now, limits)
        tags = read_tags(git_dir, now, limits)
    except GitError as exc:
        findings.append(finding("OPN-HLT-008", str(exc), Location(label)))
        incomplete.append(f"git history not read: {exc}")
        return
    if stats.shallow:
        incomplete.append(
            "a shallow clone: the history is cut off, so people and activity are not judged"
        )
    if stats.truncated:
        incomplete.append(f"history read up to {limits.max_commits:,} commits only")
    if tags.truncated:
        incomplete.append(f"tags read up to {limits.max_tags:,} only")
    evidence += history_evidence(stats, label)
    evidence += tag_evidence(tags, label)
    if stats.commits and not stats.commits_90:
        findings.append(
            finding(
                "OPN-HLT-007",
                "no commit in the last 90 days",
                Location(label, key=stats.last_commit),
                f"last commit {stats.last_commit[:12]}",
            )
        )


def _files(
    root: Path,
    release_license: str | None,
    limits: HealthLimits,
    evidence: list[Evidence],
    findings: list[Finding],
) -> None:
    found = governance.find_governance_files(root)
    contacts: dict[str, list[governance.Contact]] = {}
    license_ids: dict[str, str] = {}
    for f in found:
        text = governance.read_text(root, f.path, limits)
        if text is None:
            continue
        if f.kind == "security_policy":
            contacts[f.path] = governance.security_contacts(text)
        elif f.kind == "license":
            recognised = recognise_text(text)
            if recognised is not None:
                license_ids[f.path] = recognised.id
    evidence += file_evidence(found, contacts, license_ids)
    policies = [f.path for f in found if f.kind == "security_policy"]
    if not policies:
        findings.append(
            finding(
                "OPN-HLT-002",
                "no SECURITY.md in the repository (an organisation-wide policy is not visible "
                "offline)",
                Location(""),
            )
        )
    elif not any(contacts.values()):
        findings.append(
            finding("OPN-HLT-003", "no contact or reporting channel", Location(policies[0]))
        )
    if not any(f.kind == "license" for f in found):
        findings.append(finding("OPN-HLT-005", "no LICENSE or COPYING file", Location("")))
    if release_license and license_ids:
        agree = release_license in license_ids.values()
        path, spdx = next(iter(license_ids.items()))
        evidence.append(
            Evidence(
                "health.license.agrees",
                agree,
                Location(path),
                note=f"release: {release_license}; repository: {', '.join(license_ids.values())}",
            )
        )
        if not agree:
            findings.append(
                finding(
                    "OPN-HLT-006",
                    f"the repository's license file is {spdx}, the release says {release_license}",
                    Location(path),
                    spdx,
                )
            )


def _vulnerabilities(
    scan: ManifestScan,
    osv_db: str | Path | None,
    limits: HealthLimits,
    evidence: list[Evidence],
    findings: list[Finding],
    incomplete: list[str],
) -> MatchResult | None:
    if osv_db is None:
        return None
    path = Path(osv_db)
    if not path.exists():
        raise TargetError(f"{osv_db}: no such OSV database (a folder or zip of OSV JSON files)")
    from .python_deps import normalise

    wanted = {normalise(package_key(d.ecosystem, d.name)) for d in scan.dependencies}
    db = load_osv(path, wanted, limits)
    result = match(scan.dependencies, db)
    evidence += osv_evidence(result, str(osv_db), db.records)
    if db.malformed:
        incomplete.append(f"{len(db.malformed)} OSV records could not be read")
    incomplete += [f"could not order versions for {u}" for u in result.undetermined]
    for v in result.vulnerable:
        dep = v.dependency
        fixed = ", ".join(v.fixed) or "no fixed version yet"
        score = f" {v.severity_score}" if v.severity_score is not None else ""
        findings.append(
            finding(
                "OPN-HLT-001",
                f"{dep.name} {dep.version} is affected by {v.advisory} (affected: {v.affected}; "
                f"fixed in: {fixed}; severity {v.severity_label}{score})",
                Location(dep.file, line=dep.line, key=dep.name),
                v.advisory,
                severity=v.severity,
            )
        )
    return result

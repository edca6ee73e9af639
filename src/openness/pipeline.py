"""The orchestrator: source -> inventory and readers -> documents -> evidence -> ratings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from . import __version__
from .crosscheck import check_config, summarise
from .errors import EmptyTarget
from .inventory import Progress, Scanned, take_inventory
from .limits import DEFAULT_LIMITS, Limits
from .model import SCHEMA_ID, Assessment, Evidence, Finding, LicenseInfo, Origin
from .record import Record
from .security.interface import run_analyzers
from .sources import Release, open_release

if TYPE_CHECKING:
    from .rubrics.engine import Rubric


@cache
def five_attributes() -> Rubric:
    from .rubrics.engine import load_rubric

    return load_rubric("five_attributes.yaml")


@dataclass(frozen=True, eq=False, repr=False)
class _Read(Record):
    """What one pass over the release gives, before any rating."""

    origin: Origin
    scanned: list[Scanned]
    findings: list[Finding]
    reader_evidence: list[Evidence]
    source_evidence: list[Evidence]
    incomplete: tuple[str, ...]


def _read_release(
    release: Release,
    limits: Limits,
    hash_files: bool,
    progress: Progress | None,
    on_start: Callable[[int], None] | None,
) -> _Read:
    if not release.members and not release.findings:
        raise EmptyTarget(f"{release.origin.target} holds no files; there is nothing to read")
    if on_start is not None:
        on_start(sum(m.size for m in release.members))
    scanned = take_inventory(release, limits, hash_files=hash_files, progress=progress)
    results = [s.result for s in scanned if s.result is not None]
    findings = [*release.findings]
    findings += [f for s in scanned for f in s.findings]
    findings += [f for r in results for f in r.findings]
    reader_evidence = [e for r in results for e in r.evidence]
    incomplete = tuple(release.incomplete) + tuple(s.incomplete for s in scanned if s.incomplete)
    if not release.members:  # only findings (a special file, a link out...): nothing was read
        incomplete += (f"{release.origin.target}: no file in the release could be read",)
    return _Read(
        release.origin, scanned, findings, reader_evidence, list(release.evidence), incomplete
    )


def scan(
    target: str,
    *,
    hash_files: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    on_start: Callable[[int], None] | None = None,
) -> Assessment:
    """Security only: what the readers and analyzers find, with no card, license or ratings
    (so none of that machinery is loaded). The result has empty ratings and an unknown license."""
    from .documents.collect import collect_configs

    with open_release(target, limits) as release:
        read = _read_release(release, limits, hash_files, progress, on_start)
        configs = collect_configs(release, limits)
    results = [s.result for s in read.scanned if s.result is not None]
    files = tuple(s.entry for s in read.scanned)
    evidence = read.reader_evidence + configs.evidence + read.source_evidence
    findings = read.findings + configs.findings + run_analyzers(evidence, files)
    findings.sort(key=lambda f: (-f.severity, f.rule_id, f.location.file, f.location.offset or 0))
    artifacts = tuple(r.artifact for r in results)
    return Assessment(
        schema=SCHEMA_ID,
        tool_version=__version__,
        origin=read.origin,
        summary=summarise(results, artifacts, evidence),
        license=LicenseInfo.not_assessed(),
        ratings=(),
        findings=tuple(findings),
        artifacts=artifacts,
        files=files,
        sections=(),
        links=(),
        evidence=tuple(evidence),
        complete=not read.incomplete,
        incomplete=read.incomplete,
    )


def assess(
    target: str,
    *,
    hash_files: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    on_start: Callable[[int], None] | None = None,
) -> Assessment:
    """Assess a release (folder, file or archive) and return a frozen Assessment.

    Raises `TargetError` when the target cannot be opened at all, `EmptyTarget` when it holds no
    files; every problem inside the release becomes a finding instead.
    """
    from .documents.collect import collect_documents
    from .documents.release_docs import release_doc_facts
    from .frameworks import evaluate_frameworks
    from .frameworks.card_text import card_text_facts
    from .frameworks.facts import derive_framework_facts
    from .frameworks.openwashing import openwashing_findings
    from .licenses import resolve_release
    from .rubrics.derive import derive

    with open_release(target, limits) as release:
        read = _read_release(release, limits, hash_files, progress, on_start)
        docs = collect_documents(release, limits)
        card_text = card_text_facts(release, limits) + release_doc_facts(release, limits)

    results = [s.result for s in read.scanned if s.result is not None]
    artifacts = tuple(r.artifact for r in results)
    files = tuple(s.entry for s in read.scanned)
    evidence = read.reader_evidence + docs.evidence + read.source_evidence
    findings = read.findings + docs.findings + run_analyzers(evidence, files)

    consistency, mismatches = check_config(results, evidence)
    evidence += consistency
    findings += mismatches

    resolution = resolve_release(evidence, docs.licenses)  # the one license verdict
    findings += resolution.findings
    evidence += resolution.facts
    evidence += derive(evidence, files)
    ratings = five_attributes().rate(evidence)
    # framework facts are cited by the framework results, not added to the evidence list
    framework_evidence = evidence + card_text
    framework_evidence += derive_framework_facts(framework_evidence, files, resolution.licenses)
    frameworks = evaluate_frameworks(framework_evidence)
    findings += openwashing_findings(framework_evidence, frameworks)

    incomplete = read.incomplete
    findings.sort(key=lambda f: (-f.severity, f.rule_id, f.location.file, f.location.offset or 0))
    return Assessment(
        schema=SCHEMA_ID,
        tool_version=__version__,
        origin=read.origin,
        summary=summarise(results, artifacts, evidence),
        license=resolution.verdict,
        ratings=ratings,
        findings=tuple(findings),
        artifacts=artifacts,
        files=files,
        sections=tuple(docs.sections),
        links=tuple(docs.links),
        evidence=tuple(evidence),
        complete=not incomplete,
        incomplete=incomplete,
        licenses=resolution.licenses,
        frameworks=frameworks,
    )

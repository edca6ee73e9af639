"""The orchestrator: source -> inventory and readers -> documents -> evidence -> ratings."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from . import __version__
from .crosscheck import check_config, summarise
from .documents.collect import collect_documents
from .frameworks import evaluate_frameworks
from .frameworks.card_text import card_text_facts
from .frameworks.facts import derive_framework_facts
from .frameworks.openwashing import openwashing_findings
from .inventory import Progress, take_inventory
from .licenses.conflicts import license_findings
from .licenses.detect import combine, from_card
from .licenses.identify import identify
from .limits import DEFAULT_LIMITS, Limits
from .model import SCHEMA_ID, Assessment, Finding, Location
from .rubrics.derive import derive, license_terms_facts
from .rubrics.engine import Rubric, load_rubric
from .rules import finding
from .security.interface import run_analyzers
from .sources import open_release


@cache
def five_attributes() -> Rubric:
    return load_rubric("five_attributes.yaml")


def assess(
    target: str,
    *,
    hash_files: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    on_start: Callable[[int], None] | None = None,
) -> Assessment:
    """Assess a release (folder, file or archive) and return a frozen Assessment.

    Raises `TargetError` when the target cannot be opened at all; every problem inside the
    release becomes a finding instead.
    """
    with open_release(target, limits) as release:
        if on_start is not None:
            on_start(sum(m.size for m in release.members))
        scanned = take_inventory(release, limits, hash_files=hash_files, progress=progress)
        docs = collect_documents(release, limits)
        card_text = card_text_facts(release, limits)
        origin, source_findings, listing_gaps = release.origin, release.findings, release.incomplete
        source_evidence = release.evidence

    results = [s.result for s in scanned if s.result is not None]
    artifacts = tuple(r.artifact for r in results)
    files = tuple(s.entry for s in scanned)
    evidence = [e for r in results for e in r.evidence] + docs.evidence + list(source_evidence)
    findings: list[Finding] = [*source_findings, *docs.findings]
    findings += [f for s in scanned for f in s.findings]
    findings += [f for r in results for f in r.findings]
    findings += run_analyzers(evidence, files)

    consistency, mismatches = check_config(results, evidence)
    evidence += consistency
    findings += mismatches

    license_info = identify(evidence)
    if license_info.category == "none":
        findings.append(
            finding(
                "OPN-LIC-001",
                "no license stated: by default nobody may reuse the model",
                Location(""),
            )
        )
    licenses = combine([*from_card(evidence), *docs.licenses])
    findings += license_findings(licenses)
    evidence += derive(evidence, files, license_info)
    evidence += license_terms_facts(licenses)
    ratings = five_attributes().rate(evidence)
    # framework facts are cited by the framework results, not added to the evidence list
    framework_evidence = evidence + card_text
    framework_evidence += derive_framework_facts(framework_evidence, files, licenses)
    frameworks = evaluate_frameworks(framework_evidence)
    findings += openwashing_findings(framework_evidence, frameworks)

    incomplete = tuple(listing_gaps) + tuple(s.incomplete for s in scanned if s.incomplete)
    findings.sort(key=lambda f: (-f.severity, f.rule_id, f.location.file, f.location.offset or 0))
    return Assessment(
        schema=SCHEMA_ID,
        tool_version=__version__,
        origin=origin,
        summary=summarise(results, artifacts, evidence),
        license=license_info,
        ratings=ratings,
        findings=tuple(findings),
        artifacts=artifacts,
        files=files,
        sections=tuple(docs.sections),
        links=tuple(docs.links),
        evidence=tuple(evidence),
        complete=not incomplete,
        incomplete=incomplete,
        licenses=licenses,
        frameworks=frameworks,
    )

"""Turn integrity results into evidence and findings on an Assessment (a new frozen value).

`pipeline.assess(..., digests=, signature=)` adds them before rating; `with_integrity` adds them to
an existing Assessment (a new value, `dataclasses.replace(...)`).
"""

from __future__ import annotations

import dataclasses

from ..model import Assessment, Confidence, Evidence, Finding, Location
from ..rules import finding
from .check import DigestReport
from .digests import Expected
from .signature import SignatureResult


def digest_evidence(report: DigestReport) -> tuple[list[Evidence], list[Finding]]:
    name = report.digest_list.name
    listed = len(report.digest_list.entries)
    where = Location(name)
    evidence = [
        Evidence(
            "integrity.digests.matched",
            len(report.matched),
            where,
            note=f"{len(report.matched)} of {listed} files listed in {name} "
            f"({report.digest_list.shape}) match",
        )
    ]
    evidence += [
        Evidence("integrity.digest", "match", Location(path, key="sha256"), note=f"as in {name}")
        for path in report.matched
    ]
    findings = [
        finding(
            "OPN-INT-001",
            f"{m.what} differs from {name}",
            Location(m.actual.path),
            trigger=_expected(m.expected, m.what),
        )
        for m in report.mismatched
    ]
    findings += [
        finding(
            "OPN-INT-002",
            f"listed in {name} but not in the release",
            Location(e.path),
            trigger=f"{name}:{e.line}" if e.line else name,
        )
        for e in report.missing
    ]
    findings += [
        finding("OPN-INT-003", f"not listed in {name}", Location(path)) for path in report.extra
    ]
    findings += [
        finding("OPN-INT-004", f"not checked against {name}: {why}", Location(path))
        for path, why in report.unchecked
    ]
    return evidence, findings


def _expected(e: Expected, what: str) -> str:
    if what == "size":
        return f"expected {e.size} bytes"
    return f"expected {e.sha256 if what == 'sha256' else e.git_sha1}"


def signature_evidence(result: SignatureResult) -> tuple[list[Evidence], list[Finding]]:
    where = Location(result.signature)
    if result.verified:
        note = f"OpenSSF model-signing, {result.mode} mode, {result.files} files; {result.reason}"
        return [Evidence("integrity.signature", "verified", where, Confidence.CERTAIN, note)], []
    evidence = Evidence(
        "integrity.signature", "failed", where, Confidence.CERTAIN, f"{result.mode} mode"
    )
    return [evidence], [finding("OPN-INT-010", result.reason, where, trigger=result.mode)]


def with_integrity(
    assessment: Assessment, evidence: list[Evidence], findings: list[Finding]
) -> Assessment:
    merged = [*assessment.findings, *findings]
    merged.sort(key=lambda f: (-f.severity, f.rule_id, f.location.file, f.location.offset or 0))
    return dataclasses.replace(
        assessment,
        evidence=(*assessment.evidence, *evidence),
        findings=tuple(merged),
    )

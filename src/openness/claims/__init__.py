"""Claims in: a CycloneDX BOM (JSON) or a Model Openness Tool YAML, verified against an
Assessment. Each contradicted claim is a finding (OPN-CLM-0xx); each confirmed or uncheckable
claim is evidence (`claim.confirmed`, `claim.unverified`) located in the claims document.

Pure functions of bytes and an Assessment: the CLI reads the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..documents.frontmatter import FrontMatterError, parse_front_matter
from ..errors import OpennessError
from ..model import Assessment, Evidence, Finding, Location
from . import cyclonedx, mot
from .model import Claim, ClaimKind, ClaimsDocument
from .verify import check

#: claims documents are small; this is far beyond any real BOM of one model
MAX_CLAIMS_BYTES = 16 * 1024 * 1024
MAX_YAML_BYTES = 64 * 1024


class ClaimsError(OpennessError):
    """The claims document cannot be read as CycloneDX JSON or Model Openness Tool YAML."""


@dataclass(frozen=True)
class ClaimsResult:
    document: ClaimsDocument
    findings: tuple[Finding, ...]
    evidence: tuple[Evidence, ...]


def read_claims(data: bytes, source: str) -> ClaimsDocument:
    if len(data) > MAX_CLAIMS_BYTES:
        raise ClaimsError(f"{source}: {len(data):,} bytes is beyond the {MAX_CLAIMS_BYTES:,} cap")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ClaimsError(f"{source}: not UTF-8 text") from None
    if text.lstrip().startswith(("{", "[")):
        parsed = _json(text, source)
        if cyclonedx.is_cyclonedx(parsed):
            return ClaimsDocument("CycloneDX", tuple(cyclonedx.claims(parsed)))
        raise ClaimsError(f"{source}: JSON but not a CycloneDX BOM (no bomFormat: CycloneDX)")
    parsed = _yaml(text, source)
    if mot.is_mot(parsed):
        return ClaimsDocument("Model Openness Tool", tuple(mot.claims(parsed)))
    raise ClaimsError(
        f"{source}: neither a CycloneDX BOM (JSON) nor a Model Openness Tool YAML "
        "(a mapping with a `release` key)"
    )


def read_claims_file(path: str | Path) -> ClaimsDocument:
    """Read a claims file (bounded) and parse it."""
    try:
        with Path(path).open("rb") as f:
            data = f.read(MAX_CLAIMS_BYTES + 1)
    except OSError as exc:
        raise OpennessError(f"cannot read claims file {path}: {exc.strerror}") from None
    return read_claims(data, str(path))


def verify_claims(a: Assessment, document: ClaimsDocument, source: str) -> ClaimsResult:
    findings: list[Finding] = []
    evidence = [Evidence("claims.document", document.kind, Location(source))]
    for claim in document.claims:
        result = check(a, claim, source)
        if isinstance(result, Finding):
            findings.append(result)
        else:
            evidence.append(result)
    return ClaimsResult(document, tuple(findings), tuple(evidence))


def with_claims(a: Assessment, result: ClaimsResult) -> Assessment:
    """The Assessment with the claims' findings and evidence added, findings in report order."""
    findings = sorted(
        (*a.findings, *result.findings),
        key=lambda f: (-f.severity, f.rule_id, f.location.file, f.location.offset or 0),
    )
    return replace(a, findings=tuple(findings), evidence=a.evidence + result.evidence)


def _json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ClaimsError(f"{source}: invalid JSON ({type(exc).__name__})") from None


def _yaml(text: str, source: str) -> Any:
    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        raise ClaimsError(f"{source}: YAML over {MAX_YAML_BYTES:,} bytes; not parsed")
    try:
        front = parse_front_matter(text, first_line=1)
    except FrontMatterError as exc:
        message = str(exc).replace("front matter", "YAML")
        raise ClaimsError(f"{source}:{exc.line}: {message}") from None
    return front.data if front is not None else None


__all__ = [
    "Claim",
    "ClaimKind",
    "ClaimsDocument",
    "ClaimsError",
    "ClaimsResult",
    "read_claims",
    "read_claims_file",
    "verify_claims",
    "with_claims",
]

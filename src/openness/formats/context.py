"""One view of an Assessment that every renderer reads (datasette-style: one context builder,
several renderers).

`build(a)` works out once what a person is shown: the model's name, the verdict, the five
attributes, findings, frameworks, licenses with their terms, card topics, files, and the release
facts the standard exports carry. Terminal, Markdown, HTML, the dashboard's model page and the
exports (CycloneDX, SPDX 3, MOT YAML) render this value and nothing else of the Assessment, so
they cannot drift apart. Pure: nothing is read again.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, fields

from ..model import Assessment, CommercialUse, Finding, FrameworkResult, LicenseTerms
from . import evidence, naming, places, verdict, view
from . import release_facts as rf
from .evidence import Citation
from .naming import ModelName
from .release_facts import LicenseClaim, Metric

#: a framework component's status -> its mark (the legend in verdict.LEGEND)
STATUS_MARK = {
    "open": "●",
    "pass": "●",
    "met": "●",
    "partial": "◐",
    "restricted": "◐",
    "claimed": "◌",
    "closed": "○",
    "absent": "○",
    "fail": "○",
    "not met": "○",
    "not checkable": "·",
    "license unknown": "?",
    "unknown": "?",
}
#: a mark -> a colour word, which each renderer maps to its own palette
MARK_TONE = {"●": "good", "◐": "mixed", "◌": "mixed", "○": "bad", "?": "unknown", "·": "unknown"}
LEVEL_TONE = {"open": "good", "partial": "mixed", "closed": "bad", "unknown": "unknown"}


@dataclass(frozen=True)
class RatingView:
    label: str
    level: str  # open | partial | closed | unknown
    mark: str
    rationale: str
    citations: tuple[Citation, ...]

    @property
    def tone(self) -> str:
        return LEVEL_TONE.get(self.level, "unknown")


@dataclass(frozen=True)
class FindingView:
    severity: str  # critical | high | medium | low | info
    rule_id: str
    docs: str
    where: str
    url: str | None
    reason: str
    trigger: str

    @property
    def openwashing(self) -> bool:
        """An openwashing finding: the reason quotes the claim, the trigger the evidence."""
        return self.rule_id.startswith("OPN-OWS-")


@dataclass(frozen=True)
class ComponentView:
    title: str
    status: str
    rationale: str
    citations: tuple[Citation, ...]

    @property
    def mark(self) -> str:
        return STATUS_MARK.get(self.status, "?")

    @property
    def tone(self) -> str:
        return MARK_TONE[self.mark]


@dataclass(frozen=True)
class ClassView:
    name: str
    reached: bool
    met: int
    required: int
    missing: tuple[str, ...]


@dataclass(frozen=True)
class FrameworkView:
    id: str
    title: str
    version: str
    verdict: str
    classes: tuple[ClassView, ...]
    components: tuple[ComponentView, ...]

    @property
    def headline(self) -> str:
        progress = "; ".join(f"{p.name}: {p.met}/{p.required}" for p in self.classes)
        return f"{self.title} {self.version}: {self.verdict}" + (
            f" ({progress})" if progress else ""
        )


@dataclass(frozen=True)
class LicenseFound:
    """One license or use policy found in the release, with the terms that matter for reuse."""

    id: str
    name: str
    kind: str
    scope: str
    source: str
    status: str
    confidence: float
    commercial_use: str
    use_restrictions: bool | None
    attribution: bool | None
    revocable: bool | None
    #: every stated term as (JSON field name, value), for the reader who wants them all
    terms: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class LicenseView:
    line: str  # "Apache-2.0 (open-source, OSI-approved)" and any conflict
    where: str  # the first place it was read
    declared: str
    spdx: str
    name: str
    category: str
    osi_approved: str  # yes | no | unknown
    commercial_use: str  # the verdict's: allowed | conditional | prohibited | unknown
    citations: tuple[Citation, ...]
    found: tuple[LicenseFound, ...]


@dataclass(frozen=True)
class SectionView:
    topic: str
    heading: str
    file: str
    line: int
    words: int


@dataclass(frozen=True)
class FileView:
    path: str
    size: int
    size_text: str  # 90.9 MB
    format: str
    sha256: str | None


@dataclass(frozen=True)
class ReleaseFacts:
    """What the standard exports carry about the release (CycloneDX, SPDX 3, MOT YAML)."""

    name: str
    uuid: uuid.UUID
    architecture: str | None
    model_type: str | None
    #: every family name the files give (config `model_type`, GGUF architecture)
    model_types: tuple[str, ...]
    #: every class name (the summary's architecture, config `architectures`)
    class_names: tuple[str, ...]
    task: str | None
    datasets: tuple[str, ...]
    base_models: tuple[str, ...]
    tags: tuple[str, ...]
    license: LicenseClaim | None
    card_file: str
    metrics: tuple[Metric, ...]
    uses: tuple[str, ...]
    limitations: tuple[str, ...]
    risks: tuple[str, ...]
    training: tuple[str, ...]


@dataclass(frozen=True)
class ReportContext:
    name: ModelName
    name_citation: Citation | None
    target: str
    origin_kind: str
    revision: str | None
    tool_version: str
    schema: str
    architecture: str  # "architecture unknown" when it is
    parameters: int | None
    parameters_text: str  # 22.7M
    formats: tuple[str, ...]
    file_count: int
    total_size: str  # 90.9 MB
    memory: str
    complete: bool
    incomplete: tuple[str, ...]
    answers: tuple[verdict.Answer, ...]  # commercial use, safe to load, complete
    openness: tuple[verdict.Answer, ...]  # five attributes, MOF class, OSAID
    legend: tuple[tuple[str, str], ...]
    severity_counts: str  # "1 high, 2 low" or "none"
    ratings: tuple[RatingView, ...]
    findings: tuple[FindingView, ...]
    frameworks: tuple[FrameworkView, ...]
    license: LicenseView
    sections: tuple[SectionView, ...]
    files: tuple[FileView, ...]
    places: tuple[str, ...]  # one line per place read (formats/places.py)
    release: ReleaseFacts

    @property
    def legend_text(self) -> str:
        return "  ".join(f"{mark} {meaning}" for mark, meaning in self.legend)


def build(a: Assessment) -> ReportContext:
    name = naming.model_name(a)
    origin = evidence.OriginRef.of(a.origin)
    s = a.summary
    return ReportContext(
        name=name,
        name_citation=evidence.of_evidence(name.evidence, origin) if name.evidence else None,
        target=a.origin.target,
        origin_kind=a.origin.kind,
        revision=a.origin.revision,
        tool_version=a.tool_version,
        schema=a.schema,
        architecture=s.architecture or "architecture unknown",
        parameters=s.parameters,
        parameters_text=view.human_count(s.parameters),
        formats=tuple(s.formats),
        file_count=len(a.files),
        total_size=view.human_bytes(sum(f.size for f in a.files)),
        memory=view.memory_line(a),
        complete=a.complete,
        incomplete=tuple(a.incomplete),
        answers=tuple(verdict.answers(a)),
        openness=tuple(verdict.openness_lines(a)),
        legend=verdict.LEGEND,
        severity_counts=view.severity_counts(a),
        ratings=tuple(
            RatingView(
                r.attribute.label,
                r.level.value,
                view.LEVEL_MARK[r.level],
                r.rationale,
                tuple(evidence.citations(r.evidence, a.origin)),
            )
            for r in a.ratings
        ),
        findings=tuple(_finding(a, f) for f in _by_severity(a.findings)),
        frameworks=tuple(_framework(a, f) for f in a.frameworks),
        license=_license(a),
        sections=tuple(
            SectionView(x.topic, x.heading, rf.card_file(a), x.line, x.words) for x in a.sections
        ),
        files=tuple(
            FileView(f.path, f.size, view.human_bytes(f.size), f.format, f.sha256) for f in a.files
        ),
        places=tuple(places.place_lines(a)),
        release=_release(a, name.value),
    )


def _by_severity(findings: tuple[Finding, ...]) -> list[Finding]:
    return sorted(findings, key=lambda f: -int(f.severity))


def _finding(a: Assessment, f: Finding) -> FindingView:
    loc = f.location
    return FindingView(
        f.severity.name.lower(),
        f.rule_id,
        f.docs,
        str(loc),
        evidence.link(evidence.OriginRef.of(a.origin), loc.file, loc.line),
        f.reason,
        f.trigger,
    )


def _framework(a: Assessment, f: FrameworkResult) -> FrameworkView:
    return FrameworkView(
        f.framework,
        f.title,
        f.version,
        f.verdict,
        tuple(ClassView(p.name, p.reached, p.met, p.required, tuple(p.missing)) for p in f.classes),
        tuple(
            ComponentView(
                c.title, c.status, c.rationale, tuple(evidence.citations(c.evidence, a.origin))
            )
            for c in f.components
        ),
    )


def _license(a: Assessment) -> LicenseView:
    lic = a.license
    terms = lic.terms
    commercial = terms.commercial_use if terms is not None else CommercialUse.UNKNOWN
    return LicenseView(
        line=view.license_line(a),
        where=view.where(a),
        declared=lic.declared or "",
        spdx=lic.spdx or "",
        name=lic.name or "",
        category=str(lic.category),
        osi_approved={True: "yes", False: "no", None: "unknown"}[lic.osi_approved],
        commercial_use=str(commercial),
        citations=tuple(evidence.citations(lic.evidence, a.origin)),
        found=tuple(
            LicenseFound(
                id=d.spdx or d.id,
                name=d.name,
                kind=str(d.kind),
                scope=str(d.scope) if d.scope else "",
                source=str(d.source),
                status=str(d.status),
                confidence=d.confidence,
                commercial_use=str(d.terms.commercial_use),
                use_restrictions=d.terms.use_restrictions,
                attribution=d.terms.attribution,
                revocable=d.terms.revocable,
                terms=_terms(d.terms),
            )
            for d in a.licenses
        ),
    )


def _terms(terms: LicenseTerms) -> tuple[tuple[str, str], ...]:
    out = []
    for f in fields(terms):
        if f.name == "sources":
            continue
        value = getattr(terms, f.name)
        if value in (None, "", ()):
            continue
        if isinstance(value, bool):
            text = "yes" if value else "no"
        elif isinstance(value, tuple):
            text = ", ".join(map(str, value))
        else:
            text = str(value)
        out.append((f.name, text))
    return tuple(out)


def _release(a: Assessment, name: str) -> ReleaseFacts:
    return ReleaseFacts(
        name=name,
        uuid=release_uuid(a, name),
        architecture=rf.architecture(a),
        model_type=rf.model_type(a),
        model_types=(*rf.strings(a, "config.model_type"), *rf.strings(a, "gguf.architecture")),
        class_names=(
            *([a.summary.architecture] if a.summary.architecture else []),
            *rf.strings(a, "config.architectures"),
        ),
        task=rf.task(a),
        datasets=tuple(rf.datasets(a)),
        base_models=tuple(rf.base_models(a)),
        tags=tuple(rf.strings(a, "card.tags")),
        license=rf.license_claim(a),
        card_file=rf.card_file(a),
        metrics=tuple(rf.metrics(a)),
        uses=tuple(rf.excerpts(a, rf.USE_TOPICS)),
        limitations=tuple(rf.excerpts(a, rf.LIMITATION_TOPICS)),
        risks=tuple(rf.excerpts(a, rf.RISK_TOPICS)),
        training=tuple(rf.excerpts(a, ("training_data", "training_procedure"))),
    )


def release_uuid(a: Assessment, name: str) -> uuid.UUID:
    """Stable for the same release content: name plus every file's path, size and digest."""
    digest = hashlib.sha256(name.encode())
    for f in sorted(a.files, key=lambda f: f.path):
        digest.update(f"\0{f.path}\0{f.size}\0{f.sha256 or ''}".encode())
    return uuid.UUID(bytes=digest.digest()[:16], version=5)

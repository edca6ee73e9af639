"""The orchestrator: source -> inventory and readers -> documents -> evidence (with claims,
integrity and code health) -> ratings, frameworks and openwashing -> one Assessment."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import (
    __version__,
    notebook,  # noqa: F401  (registers the notebook views of an Assessment)
)
from .crosscheck import check_config, summarise
from .errors import EmptyTarget
from .inventory import Progress, Scanned, take_inventory
from .limits import DEFAULT_LIMITS, Limits
from .model import SCHEMA_ID, Assessment, Evidence, Finding, LicenseInfo, Origin
from .record import Record, record
from .security.interface import run_analyzers
from .sources import Release, open_release

if TYPE_CHECKING:
    from .lineage.fingerprint import Fingerprint
    from .rubrics.engine import Rubric


@cache
def five_attributes() -> Rubric:
    from .rubrics.engine import load_rubric

    return load_rubric("five_attributes.yaml")


@record
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
    analyzed = run_analyzers(evidence, files)
    findings = read.findings + configs.findings + analyzed.findings
    incomplete = read.incomplete + analyzed.incomplete
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
        complete=not incomplete,
        incomplete=incomplete,
    )


@record
class _Produced(Record):
    """What one evidence producer (claims, integrity, health) adds before rating."""

    evidence: tuple[Evidence, ...] = ()
    findings: tuple[Finding, ...] = ()
    incomplete: tuple[str, ...] = ()
    complete: bool = True


def assess(
    target: str,
    *,
    hash_files: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    on_start: Callable[[int], None] | None = None,
    claims: str | Path | None = None,
    digests: str | Path | None = None,
    signature: str | Path | None = None,
    public_key: str | Path | None = None,
    certificate_chain: Sequence[str | Path] = (),
    health: bool = True,
    osv_db: str | Path | None = None,
    frameworks: str | Sequence[str] | None = None,
    now: float | None = None,
    follow_links: int = 0,
    follow_max_bytes: int = 64 * 1024 * 1024,
    lineage_db: str | Path | None = None,
) -> Assessment:
    """Assess a release (folder, file, archive, manifest, `hf:` or `gh:` repository) and return a
    frozen Assessment: the same value `openness assess --format json` prints for the same options.

    - `claims`: a CycloneDX BOM (JSON) or Model Openness Tool YAML to verify (OPN-CLM findings,
      `claim.confirmed` / `claim.unverified` evidence);
    - `digests`, `signature` with `public_key` or `certificate_chain`: integrity checks
      (OPN-INT findings, `integrity.*` evidence);
    - `health`: the health of the code repository the release is or names (`health.*`
      evidence, OPN-HLT findings), with `osv_db` its dependencies' advisories; `now` fixes the
      clock its ages are measured from;
    - `frameworks`: which frameworks the result lists (`"mof,osaid"`, a list of names, `"all"`,
      `"none"`; default all). Openwashing always reads every framework.
    - `follow_links`: also read up to this many of the release's own GitHub repositories linked
      in its documents, each at most `follow_max_bytes` (see sources/follow.py).
    - `lineage_db`: a store holding fingerprints of known models (`openness lineage index`):
      the closest known base of the weights (`lineage.*` evidence) and OPN-LIN findings when
      it contradicts the stated license or the card's base_model (docs/lineage.md).

    Claims, integrity and health are evidence producers: they run before the ratings and the
    frameworks, which read all evidence. Raises `TargetError` when the target cannot be opened at
    all, `EmptyTarget` when it holds no files, `OpennessError` for unusable options; every
    problem inside the release is a finding.
    """
    from .documents.collect import collect_documents
    from .documents.release_docs import release_doc_facts
    from .frameworks import FRAMEWORK_NAMES, evaluate_frameworks, parse_framework_names
    from .frameworks.card_text import card_text_facts
    from .frameworks.facts import derive_framework_facts
    from .frameworks.openwashing import openwashing_findings
    from .licenses import resolve_release
    from .rubrics.derive import derive
    from .sources.places import places_read, release_places, resting_places

    shown = _framework_names(frameworks, parse_framework_names, FRAMEWORK_NAMES)
    if digests or signature:  # usage errors before anything is read
        from .integrity.steps import check_trust_options

        check_trust_options(signature, public_key, certificate_chain)
    if lineage_db is not None:
        from .lineage import require

        require()
    claims_document = None
    if claims is not None:
        from .claims import read_claims_file

        claims_document = read_claims_file(claims)

    with _opened(target, limits, follow_links, follow_max_bytes) as release:
        read = _read_release(release, limits, hash_files, progress, on_start)
        docs = collect_documents(release, limits)
        card_text = card_text_facts(release, limits) + release_doc_facts(release, limits)
        place_specs = release_places(release)
        fingerprint = None
        if lineage_db is not None:
            fingerprint = _fingerprint(release, read, limits)

    results = [s.result for s in read.scanned if s.result is not None]
    artifacts = tuple(r.artifact for r in results)
    files = tuple(s.entry for s in read.scanned)
    evidence = read.reader_evidence + docs.evidence + read.source_evidence
    analyzed = run_analyzers(evidence, files)
    findings = read.findings + docs.findings + analyzed.findings
    unread = read.incomplete + analyzed.incomplete

    consistency, mismatches = check_config(results, evidence)
    evidence += consistency
    findings += mismatches

    resolution = resolve_release(evidence, docs.licenses)  # the one license verdict
    findings += resolution.findings
    evidence += resolution.facts
    evidence += derive(evidence, files)

    # the release as read, before any rating: what claims and integrity are checked against
    read_as = Assessment(
        schema=SCHEMA_ID,
        tool_version=__version__,
        origin=read.origin,
        summary=summarise(results, artifacts, evidence),
        license=resolution.verdict,
        ratings=(),
        findings=tuple(findings),
        artifacts=artifacts,
        files=files,
        sections=tuple(docs.sections),
        links=tuple(docs.links),
        evidence=tuple(evidence),
        complete=not unread,
        incomplete=unread,
        licenses=resolution.licenses,
    )
    produced: list[_Produced] = []
    if claims_document is not None:
        from .claims import verify_claims

        checked = verify_claims(read_as, claims_document, str(claims))
        produced.append(_Produced(checked.evidence, checked.findings))
    if digests or signature:
        from .integrity import integrity_results

        found = integrity_results(
            target,
            digests=_path(digests),
            signature=_path(signature),
            public_key=_path(public_key),
            chain=[Path(c) for c in certificate_chain],
            assessment=read_as,
        )
        produced.append(_Produced(tuple(found[0]), tuple(found[1])))
    if health:
        from .health.attach import health_evidence

        code = health_evidence(
            target,
            release_license=resolution.verdict.spdx,
            osv_db=None if osv_db is None else str(osv_db),
            now=now,
        )
        produced.append(_Produced(code.evidence, code.findings, code.incomplete, code.complete))
    if fingerprint is not None and lineage_db is not None:
        from .lineage.attach import lineage_step

        stated = resolution.verdict.spdx or resolution.verdict.id or resolution.verdict.declared
        lineage = lineage_step(fingerprint, str(lineage_db), stated, evidence)
        produced.append(
            _Produced(
                lineage.evidence, lineage.findings, lineage.incomplete, not lineage.incomplete
            )
        )
    for step in produced:
        evidence += step.evidence
        findings += step.findings

    # facts derived for rating are cited by the ratings and framework results that use them,
    # not added to the evidence list; the five attributes and every framework read the same ones
    framework_evidence = evidence + card_text
    framework_evidence += derive_framework_facts(framework_evidence, files, resolution.licenses)
    ratings = five_attributes().rate(framework_evidence)
    evaluated = evaluate_frameworks(framework_evidence)
    findings += openwashing_findings(framework_evidence, evaluated)

    places = places_read(
        place_specs,
        (f.path for f in files),
        (str(e.value) for e in card_text if e.fact == "doc.read"),
    )
    ratings = tuple(replace(r, places=resting_places(r.evidence, places)) for r in ratings)
    by_name = {
        f.framework: replace(
            f,
            components=tuple(
                replace(c, places=resting_places(c.evidence, places)) for c in f.components
            ),
        )
        for f in evaluated
    }
    incomplete = unread + tuple(i for step in produced for i in step.incomplete)
    findings.sort(key=lambda f: (-f.severity, f.rule_id, f.location.file, f.location.offset or 0))
    return replace(
        read_as,
        ratings=ratings,
        findings=tuple(findings),
        evidence=tuple(evidence),
        complete=not unread and all(step.complete for step in produced),
        incomplete=incomplete,
        frameworks=tuple(by_name[n] for n in shown if n in by_name),
        places=places,
    )


def _opened(target: str, limits: Limits, follow_links: int, max_bytes: int) -> Release:
    release = open_release(target, limits)
    if follow_links <= 0:
        return release
    from .sources.follow import follow_links as follow

    try:
        return follow(release, limits, follow_links, max_bytes)
    except BaseException:
        release.close()
        raise


def _framework_names(
    frameworks: str | Sequence[str] | None,
    parse: Callable[[str], tuple[str, ...]],
    every: tuple[str, ...],
) -> tuple[str, ...]:
    if frameworks is None:
        return every
    if isinstance(frameworks, str):
        return parse(frameworks)
    return parse(",".join(frameworks)) if frameworks else ()


def _fingerprint(release: Release, read: _Read, limits: Limits) -> Fingerprint:
    """The weights' fingerprint from the headers the readers already parsed; a weight file that
    could not be parsed leaves the lineage check incomplete rather than failing the assessment."""
    from .errors import FormatError
    from .lineage.fingerprint import Fingerprint, WeightFile, fingerprint_weights

    weights = [
        WeightFile(s.entry.path, s.entry.size, s.entry.format, s.result.tensors)
        for s in read.scanned
        if s.result is not None
    ]
    try:
        return fingerprint_weights(release, read.origin.target, weights, limits)
    except FormatError as exc:
        return Fingerprint(read.origin.target, None, "", (), (), note=f"cannot sample: {exc}")


def _path(value: str | Path | None) -> Path | None:
    return Path(value) if value else None

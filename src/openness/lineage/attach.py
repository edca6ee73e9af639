"""Lineage in an assessment: the closest known base (from an index, see docs/lineage.md) as
evidence, and findings when the weights' base contradicts the release's stated license
(OPN-LIN-001, license laundering) or its card's `base_model` (OPN-LIN-002)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Confidence, Evidence, Finding, JSONValue, Location, Severity
from ..rules import finding
from .compare import THRESHOLD, Comparison
from .fingerprint import Fingerprint


@dataclass(frozen=True)
class LineageResult:
    evidence: tuple[Evidence, ...] = ()
    findings: tuple[Finding, ...] = ()
    incomplete: tuple[str, ...] = ()


def lineage_step(
    fp: Fingerprint, db: str, stated_license: str | None, evidence: Sequence[Evidence]
) -> LineageResult:
    from ..observatory.lineage_repository import closest, compare_with
    from ..observatory.store import open_store

    where = Location(fp.files[0] if fp.files else "")
    if not fp.sampled:
        reason = f"lineage: {fp.note}" if fp.note else "lineage: no weights were sampled"
        return LineageResult(incomplete=(reason,))
    engine = open_store(db)
    try:
        ranked = closest(engine, fp)
        named = _named_bases(evidence)
        named_results = {n: compare_with(engine, fp, n) for n in named}
    finally:
        engine.dispose()
    facts: list[Evidence] = [
        Evidence("lineage.samples", len(fp.samples), where, note=f"{fp.bytes_read:,} bytes read")
    ]
    best = ranked[0] if ranked and ranked[0].comparison.related else None
    if best is None:
        facts.append(
            Evidence(
                "lineage.base",
                None,
                where,
                Confidence.MEDIUM,
                f"no indexed model reaches similarity {THRESHOLD} "
                f"({len(ranked)} of the same shape compared)",
            )
        )
    else:
        c = best.comparison
        facts += [
            Evidence(
                "lineage.base",
                best.model,
                where,
                _confidence(c.confidence),
                f"similarity {c.similarity:.3f} over {len(c.scores)} tensors (threshold "
                f"{THRESHOLD}); base license {best.license_id or 'unknown'}",
            ),
            Evidence("lineage.similarity", round(c.similarity or 0.0, 4), where),
            Evidence("lineage.base_license", best.license_id, where),
        ]
    findings: list[Finding] = []
    if best is not None:
        findings += _laundering(
            best.model, best.license_id, best.comparison, stated_license, named, where
        )
    named_related = any(k is not None and k.comparison.related for k in named_results.values())
    if named and best is not None and not named_related:
        if not any(_same_model(best.model, n) for n in named):
            findings.append(
                finding(
                    "OPN-LIN-002",
                    f"card names base_model {', '.join(named)}, but the weights match "
                    f"{best.model} (similarity {best.comparison.similarity:.3f})",
                    where,
                    trigger=", ".join(named),
                )
            )
    elif named and best is None:
        for name, known in named_results.items():
            if known is not None and known.comparison.related is False:
                findings.append(
                    finding(
                        "OPN-LIN-002",
                        f"card names base_model {name}, but the weights do not match it "
                        f"(similarity {known.comparison.similarity:.3f}, threshold {THRESHOLD})",
                        where,
                        trigger=name,
                    )
                )
    return LineageResult(tuple(facts), tuple(findings))


def _laundering(
    base: str,
    base_license: str | None,
    comparison: Comparison,
    stated: str | None,
    named: Sequence[str],
    where: Location,
) -> list[Finding]:
    if not base_license or not stated or _same_license(base_license, stated):
        return []
    hidden = not named
    reason = (
        f"the weights come from {base} (similarity {comparison.similarity:.3f}, "
        f"{comparison.confidence} confidence), released under {base_license}; this release "
        f"states {stated}" + (" and names no base model" if hidden else "")
    )
    severity = None if hidden else Severity.MEDIUM  # naming the base hides nothing
    return [finding("OPN-LIN-001", reason, where, trigger=base_license, severity=severity)]


def _named_bases(evidence: Sequence[Evidence]) -> list[str]:
    out: list[str] = []
    for e in evidence:
        if e.fact != "card.base_model":
            continue
        values: tuple[JSONValue, ...] = e.value if isinstance(e.value, tuple) else (e.value,)
        out += [v.strip() for v in values if isinstance(v, str) and v.strip()]
    return list(dict.fromkeys(out))


def _same_model(a: str, b: str) -> bool:
    a, b = a.strip().lower(), b.strip().lower()
    return a == b or a.rsplit("/", 1)[-1] == b.rsplit("/", 1)[-1]


def _same_license(a: str, b: str) -> bool:
    return a.strip().lower().removeprefix("licenseref-") == b.strip().lower().removeprefix(
        "licenseref-"
    )


def _confidence(level: str) -> Confidence:
    return {"high": Confidence.HIGH, "medium": Confidence.MEDIUM}.get(level, Confidence.LOW)

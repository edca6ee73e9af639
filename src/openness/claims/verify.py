"""Check each claim against the Assessment: confirmed, not checkable, or a contradiction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..licenses import license_refs
from ..model import Assessment, Confidence, Evidence, Finding, Location, VerdictStatus
from ..rules import finding
from .model import Claim, ClaimKind


@dataclass(frozen=True)
class Outcome:
    """`contradiction` is a reason when the release says otherwise; `checked` is False when the
    release holds nothing to check the claim against."""

    checked: bool
    release_side: str
    contradiction: str | None = None
    rule: str | None = None  # overrides the claim kind's rule


def check(a: Assessment, claim: Claim, source: str) -> Evidence | Finding:
    outcome = _CHECKS[claim.kind](a, claim)
    where = Location(source, key=claim.where)
    if outcome.contradiction is not None:
        rule = outcome.rule or _RULES[claim.kind]
        return finding(rule, outcome.contradiction, where, trigger=outcome.release_side)
    fact = "claim.confirmed" if outcome.checked else "claim.unverified"
    confidence = Confidence.CERTAIN if outcome.checked else Confidence.LOW
    return Evidence(fact, claim.describe(), where, confidence, note=outcome.release_side)


def license_terms(text: str) -> frozenset[str]:
    """Canonical license refs in an expression or a single id/name (case-insensitive)."""
    return license_refs(text)


def _license(a: Assessment, claim: Claim) -> Outcome:
    lic = a.license
    stated = lic.id or lic.spdx or lic.declared or lic.name
    if lic.status is VerdictStatus.NONE or lic.category == "none":
        return Outcome(True, "no license in the release", f"claims {claim.value}; no license")
    if stated is None:
        return Outcome(False, "the release license could not be identified")
    side = f"release license {stated}"
    if lic.evidence:
        side += f" at {lic.evidence[0].location}"
    # a card the license files contradict is not the release's license: only the verdict counts
    said: tuple[str | None, ...] = (lic.id, lic.spdx, lic.name)
    if lic.status is not VerdictStatus.CONFLICT:
        said += (lic.declared,)
    forms = {license_terms(t) for t in said if t}
    if license_terms(claim.value) in forms:
        return Outcome(True, side)
    reason = f"claims license {claim.value}, the release says {stated}"
    return Outcome(True, side, reason)


def _digest(a: Assessment, claim: Claim) -> Outcome:
    entry = next((f for f in a.files if f.path == claim.subject), None)
    if entry is None:
        reason = f"claims file {claim.subject}, which is not in the release"
        return Outcome(True, "not in the release", reason, rule="OPN-CLM-003")
    if entry.sha256 is None:
        return Outcome(False, f"{entry.path} was not hashed")
    side = f"{entry.path} sha256 {entry.sha256}"
    if entry.sha256.lower() == claim.value:
        return Outcome(True, side)
    return Outcome(True, side, f"claimed SHA-256 of {entry.path} does not match the file")


def _named(fact: str, what: str) -> Callable[[Assessment, Claim], Outcome]:
    def check_named(a: Assessment, claim: Claim) -> Outcome:
        named = [e for e in a.evidence if e.fact == fact]
        values = {
            str(v).lower()
            for e in named
            for v in (e.value if isinstance(e.value, tuple) else (e.value,))
        }
        if not named:
            return Outcome(False, f"the release names no {what}")
        side = f"{what} named at {named[0].location}: {', '.join(sorted(values))[:300]}"
        if claim.value.lower() in values:
            return Outcome(True, side)
        return Outcome(True, side, f"claims {what} {claim.value}, not named by the release")

    return check_named


def _parameters(a: Assessment, claim: Claim) -> Outcome:
    actual = a.summary.parameters
    if actual is None:
        return Outcome(False, "no readable weights")
    side = f"{actual} parameters in the weight headers"
    try:
        claimed = int(claim.value)
    except ValueError:
        return Outcome(True, side, f"claimed parameter count {claim.value!r} is not a number")
    if claimed == actual:
        return Outcome(True, side)
    return Outcome(True, side, f"claims {claimed} parameters, the weights hold {actual}")


def _weights(a: Assessment, claim: Claim) -> Outcome:
    weights = [art.path for art in a.artifacts if art.parameters is not None or art.tensors]
    if weights:
        return Outcome(True, f"weights in {', '.join(weights[:5])}")
    return Outcome(True, "no weight files", "claims the final weights are released; none are")


def _model_card(a: Assessment, claim: Claim) -> Outcome:
    card = next((e for e in a.evidence if e.fact == "card.present"), None)
    if card is not None:
        return Outcome(True, f"model card {card.location.file}")
    return Outcome(True, "no model card", "claims a model card is released; none is")


_CHECKS: dict[ClaimKind, Callable[[Assessment, Claim], Outcome]] = {
    ClaimKind.LICENSE: _license,
    ClaimKind.FILE_DIGEST: _digest,
    ClaimKind.DATASET: _named("card.datasets", "dataset"),
    ClaimKind.BASE_MODEL: _named("card.base_model", "base model"),
    ClaimKind.PARAMETERS: _parameters,
    ClaimKind.WEIGHTS: _weights,
    ClaimKind.MODEL_CARD: _model_card,
}
_RULES = {
    ClaimKind.LICENSE: "OPN-CLM-001",
    ClaimKind.FILE_DIGEST: "OPN-CLM-002",
    ClaimKind.DATASET: "OPN-CLM-004",
    ClaimKind.BASE_MODEL: "OPN-CLM-004",
    ClaimKind.PARAMETERS: "OPN-CLM-006",
    ClaimKind.WEIGHTS: "OPN-CLM-005",
    ClaimKind.MODEL_CARD: "OPN-CLM-005",
}

"""Openwashing: what the card claims about its openness, against what the evidence shows.

The checks are data (`openwashing.yaml`), rule lists of the one rule engine: each claim is
checked with the facts of the release, the framework results turned into facts here, and the
claim itself (`claim.this`). Each contradiction is a finding at the claim's line whose trigger
cites the other side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..datafiles import load_yaml
from ..evidence_index import EvidenceIndex
from ..model import Evidence, Finding, FrameworkResult, Location
from ..rubrics.engine import RubricError, RuleList, parse_rules
from ..rules import finding

NONE = "none"
MAX_FAILED = 4  # OSAID components named in a finding


@dataclass(frozen=True)
class Check:
    claims: tuple[str, ...]
    rules: RuleList[str]


def openwashing_findings(
    evidence: Sequence[Evidence], frameworks: Sequence[FrameworkResult]
) -> list[Finding]:
    index = EvidenceIndex(evidence)
    base = [*evidence, *framework_facts(index, frameworks)]
    out: list[Finding] = []
    for check in load_checks():
        for fact in check.claims:
            for claim in index.get(fact):
                decision = check.rules.decide(EvidenceIndex([*base, *_claim_facts(claim)]))
                if decision.outcome != NONE:
                    out.append(_found(decision.outcome, claim, decision.rationale))
    return out


def framework_facts(index: EvidenceIndex, frameworks: Sequence[FrameworkResult]) -> list[Evidence]:
    """The framework results and the license and weights sides, as facts the checks read."""
    results = {f.framework: f for f in frameworks}
    here = Location("")
    out = [Evidence("ows.license_side", _license_side(index), here)]
    weights = index.get("weights.present")
    if weights:
        out.append(
            Evidence("ows.weights_only", f"{weights[0].value} ({weights[0].location})", here)
        )
    mof = results.get("mof")
    if mof is not None:
        # each class's missing list holds the lower classes' ones: name each component once
        missing = ", ".join(dict.fromkeys(m for p in mof.classes for m in p.missing)) or "?"
        out += [
            Evidence("fw.mof.evaluated", True, here),
            Evidence("fw.mof.verdict", mof.verdict, here),
            Evidence("fw.mof.missing", missing, here),
        ]
        out += [
            Evidence("fw.mof.reached", p.name.split()[1], here) for p in mof.classes if p.reached
        ]
        out += _contradicted_classes(mof, here)
    osaid = results.get("osaid")
    if osaid is not None:
        failed = [c.title for c in osaid.components if c.status != "pass"]
        # only a `fail` (evidence against the item) contradicts a claim; `unknown` does not
        contradicted = [c.title for c in osaid.components if c.status == "fail"]
        out += [
            Evidence("fw.osaid.evaluated", True, here),
            Evidence("fw.osaid.verdict", osaid.verdict, here),
            Evidence("fw.osaid.failed", "; ".join(failed[:MAX_FAILED]), here),
            Evidence("fw.osaid.contradicted", "; ".join(contradicted[:MAX_FAILED]), here),
        ]
    return out


#: MOF statuses that are evidence against a component (the others only leave it unverified)
_AGAINST = ("absent", "restricted")


def _contradicted_classes(mof: FrameworkResult, here: Location) -> list[Evidence]:
    """`fw.mof.contradicts` (I, II, III): a class the evidence rules out, because a component it
    needs is absent from a place read or under a license that is not open; `fw.mof.contradicted`
    names those components. A class missing only unknown or linked components is not reached,
    but a claim of it is not contradicted."""
    status = {c.title: c.status for c in mof.components}
    against: list[str] = []
    out = []
    for p in mof.classes:
        found = [f"{m} ({status[m]})" for m in p.missing if status.get(m) in _AGAINST]
        if found:
            out.append(Evidence("fw.mof.contradicts", p.name.split()[1], here))
            against += found
    if against:
        out.append(Evidence("fw.mof.contradicted", ", ".join(dict.fromkeys(against)), here))
    return out


@cache
def load_checks() -> tuple[Check, ...]:
    text = resources.files(__package__).joinpath("openwashing.yaml").read_text(encoding="utf-8")
    return parse_checks(load_yaml(text), "openwashing.yaml")


def parse_checks(raw: Any, where: str) -> tuple[Check, ...]:
    checks = raw.get("checks") if isinstance(raw, dict) else None
    if not isinstance(checks, list) or not checks:
        raise RubricError(f"{where}: needs a non-empty list of checks")
    out = []
    for i, item in enumerate(checks):
        at = f"{where}: check {i + 1}"
        claims = item.get("claims") if isinstance(item, dict) else None
        if not isinstance(claims, list) or not all(isinstance(c, str) for c in claims):
            raise RubricError(f"{at}: needs `claims`, a list of fact names")
        out.append(Check(tuple(claims), parse_rules(item.get("rules"), at, "finding", _rule_id)))
    return tuple(out)


def _rule_id(value: Any) -> str:
    if not isinstance(value, str) or not (value == NONE or value.startswith("OPN-OWS-")):
        raise ValueError(value)
    return value


def _claim_facts(claim: Evidence) -> list[Evidence]:
    out = [Evidence("claim.this", claim.value, claim.location)]
    if claim.fact == "claim.mof_class":
        out.append(
            Evidence("claim.this.class", str(claim.value).split()[-1].upper(), claim.location)
        )
    return out


def _license_side(index: EvidenceIndex) -> str:
    restricting = index.get("fw.license.restricted")
    category = index.get("license.category")
    where = restricting[0] if restricting else (category[0] if category else None)
    if where is None:
        return "no license identified"
    kind = category[0].value if category else "?"
    return f"license {kind}, {where.fact}={where.value} at {where.location}"


def _found(rule_id: str, claim: Evidence, other_side: str) -> Finding:
    location = claim.location if claim.location.file else Location("")
    return finding(rule_id, f"card says “{claim.value}”", location, other_side)

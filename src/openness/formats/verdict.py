"""The verdict every report opens with: four questions a person can act on, one line each.

Can I use it commercially? How open is it (five attributes, MOF class, OSAID)? Is it safe to
load? Is the assessment complete? Pure functions of the Assessment; the details follow in each
report, and every answer here is backed by a section there.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Assessment, Attribute, CommercialUse, FrameworkResult, Severity
from . import view

YES, PARTLY, NO, UNKNOWN = "●", "◐", "○", "?"
#: what the marks mean, shown once in every human-readable report
LEGEND = (
    ("●", "open / yes / pass"),
    ("◐", "partial / with conditions"),
    ("◌", "claimed: linked, not read"),
    ("○", "closed / no / fail"),
    ("?", "unknown"),
    ("·", "not checkable"),
)


@dataclass(frozen=True)
class Answer:
    question: str
    mark: str
    short: str  # yes | conditional | no | unknown | open | ... : one word
    text: str  # the reason, one line

    @property
    def style(self) -> str:
        return {YES: "green", PARTLY: "yellow", NO: "red"}.get(self.mark, "dim")


def legend_text() -> str:
    return "  ".join(f"{mark} {meaning}" for mark, meaning in LEGEND)


def commercial(a: Assessment) -> Answer:
    lic = a.license
    terms = lic.terms
    name = lic.spdx or lic.name or lic.declared or "the license"
    q = "Commercial use"
    if lic.category == "none":
        return Answer(q, NO, "no", "no license stated: no right to use is granted")
    if terms is None or terms.commercial_use is CommercialUse.UNKNOWN:
        return Answer(q, UNKNOWN, "unknown", f"{name}: terms not identified, read the license")
    if _code_license_only(a):
        return Answer(
            q,
            UNKNOWN,
            "unknown",
            f"{name} is the code's license; no license read covers the weights",
        )
    conditions: list[str] = []
    if terms.mau_threshold is not None:
        conditions.append(f"up to {terms.mau_threshold:,} monthly users")
    if terms.revenue_threshold_usd is not None:
        conditions.append(f"revenue under ${terms.revenue_threshold_usd:,}")
    if terms.use_restrictions:
        conditions.append("use restrictions apply")
    if terms.attribution:
        conditions.append("attribution required")
    extra = f" ({'; '.join(conditions)})" if conditions else ""
    conflict = "; license sources conflict, strictest reading" if lic.status == "conflict" else ""
    if terms.commercial_use is CommercialUse.PROHIBITED:
        return Answer(q, NO, "no", f"{name} prohibits it{conflict}")
    if terms.commercial_use is CommercialUse.CONDITIONAL:
        return Answer(
            q, PARTLY, "conditional", f"{name} allows it with conditions{extra}{conflict}"
        )
    return Answer(q, YES, "yes", f"{name} allows it{extra}{conflict}")


def _code_license_only(a: Assessment) -> bool:
    """The open-license rating found only a code license (a folder of code and documents with
    a LICENSE, no weights and no card declaring one): it says nothing of using the model."""
    return any(
        e.fact == "fw.license.code_only"
        for r in a.ratings
        if r.attribute is Attribute.OPEN_LICENSE
        for e in r.evidence
    )


def safety(a: Assessment) -> Answer:
    q = "Safe to load"
    worst = a.max_severity()
    counts = view.severity_counts(a)
    rules = list(dict.fromkeys(f.rule_id for f in a.findings if f.severity >= Severity.HIGH))
    if worst is not None and worst >= Severity.HIGH:
        shown = ", ".join(rules[:3]) + (" …" if len(rules) > 3 else "")
        return Answer(q, NO, "no", f"do not load: {counts} ({shown})")
    if not a.complete:
        return Answer(q, UNKNOWN, "unknown", "not established: some content could not be read")
    if worst is Severity.MEDIUM:
        return Answer(q, PARTLY, "with care", f"no high findings; {counts}")
    formats = ", ".join(a.summary.formats) or "no weights"
    found = f"; findings: {counts}" if a.findings else ""
    return Answer(q, YES, "yes", f"nothing found that runs code ({formats}){found}")


def completeness(a: Assessment) -> Answer:
    q = "Complete"
    if a.complete:
        return Answer(q, YES, "yes", f"every one of the {len(a.files)} files was read")
    n = len(a.incomplete)
    return Answer(
        q, NO, "no", f"{n} thing{'s' if n != 1 else ''} could not be read (see Incomplete)"
    )


def _framework(a: Assessment, name: str) -> FrameworkResult | None:
    return next((f for f in a.frameworks if f.framework == name), None)


def mof(a: Assessment) -> Answer | None:
    f = _framework(a, "mof")
    if f is None:
        return None
    reached = [p for p in f.classes if p.reached]
    if reached:
        best = reached[-1]
        return Answer("MOF class", YES, "reached", f"{best.name} ({best.met}/{best.required})")
    nearest = f.classes[0] if f.classes else None
    progress = f"; {nearest.name}: {nearest.met}/{nearest.required} met" if nearest else ""
    return Answer("MOF class", NO, "none", f"{f.verdict}{progress}")


def osaid(a: Assessment) -> Answer | None:
    f = _framework(a, "osaid")
    if f is None:
        return None
    passed = sum(1 for c in f.components if c.status == "pass")
    mark = YES if f.verdict == "pass" else NO
    return Answer(
        f"OSAID {f.version}", mark, f.verdict, f"{f.verdict} ({passed}/{len(f.components)})"
    )


def openness_lines(a: Assessment) -> list[Answer]:
    """The five attributes, then the MOF class and OSAID: one line each."""
    out = [
        Answer(r.attribute.label, view.LEVEL_MARK[r.level], r.level.value, r.rationale)
        for r in a.ratings
    ]
    out += [x for x in (mof(a), osaid(a)) if x is not None]
    return out


def answers(a: Assessment) -> list[Answer]:
    """Commercial use, safe to load, complete: the three yes/no questions."""
    return [commercial(a), safety(a), completeness(a)]

"""A release policy for `openness check`: small rules, each saying what it requires and, when it
does not hold, why. Pure: the CLI reads flags and openness.toml and passes the values in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import OpennessError
from ..model import Assessment, Attribute, Level, Severity

LEVEL_RANK = {Level.UNKNOWN: 0, Level.CLOSED: 0, Level.PARTIAL: 1, Level.OPEN: 2}
MOF_RANK = {"not classified": 0, "Class III": 1, "Class II": 2, "Class I": 3}
TERMS = (
    "commercial_use",
    "mau_threshold",
    "revenue_threshold_usd",
    "use_restrictions",
    "restrictions_downstream",
    "output_training_restricted",
    "revocable",
    "territory_exclusions",
)
POLICY_KEYS = frozenset({"require_class", "require", "forbid", "fail_on"})


@dataclass(frozen=True)
class Policy:
    require_class: tuple[str, ...] = ()  # "mof:III", "osaid:pass"
    require: tuple[str, ...] = ()  # "open_license=open"
    forbid: tuple[str, ...] = ()  # "commercial_use=prohibited", "mau_threshold"
    fail_on: str = "high"  # a severity or "never"
    rules: tuple[str, ...] = field(default=(), compare=False)

    def describe(self) -> list[str]:
        return (
            [f"require class {r}" for r in self.require_class]
            + [f"require {r}" for r in self.require]
            + [f"forbid {r}" for r in self.forbid]
            + ([f"no finding at or above {self.fail_on}"] if self.fail_on != "never" else [])
        )


def policy_from_mapping(data: Mapping[str, Any], where: str) -> Policy:
    unknown = set(data) - POLICY_KEYS
    if unknown:
        raise OpennessError(
            f"{where}: unknown policy keys {sorted(unknown)}; use {sorted(POLICY_KEYS)}"
        )

    def strings(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise OpennessError(f"{where}: {key} must be a string or a list of strings")
        return tuple(value)

    fail_on = data.get("fail_on", "high")
    if not isinstance(fail_on, str):
        raise OpennessError(f"{where}: fail_on must be a severity name or 'never'")
    return validate(
        Policy(strings("require_class"), strings("require"), strings("forbid"), fail_on)
    )


def merge(base: Policy, flags: Policy, fail_on_flag: str | None) -> Policy:
    """Flags add to the policy file; --fail-on replaces its fail_on."""
    return validate(
        Policy(
            base.require_class + flags.require_class,
            base.require + flags.require,
            base.forbid + flags.forbid,
            fail_on_flag or base.fail_on,
        )
    )


def validate(policy: Policy) -> Policy:
    for rule in policy.require_class:
        name, _, wanted = rule.partition(":")
        if name == "mof" and f"Class {wanted.upper()}" in MOF_RANK:
            continue
        if name == "osaid" and wanted.lower() == "pass":
            continue
        raise OpennessError(f"require class {rule!r}: use mof:III, mof:II, mof:I or osaid:pass")
    for rule in policy.require:
        attribute, _, level = rule.partition("=")
        if attribute not in {a.value for a in Attribute} or level not in {v.value for v in Level}:
            names = ", ".join(a.value for a in Attribute)
            levels = ", ".join(v.value for v in Level)
            raise OpennessError(
                f"require {rule!r}: use ATTRIBUTE=LEVEL, ATTRIBUTE one of {names}, "
                f"LEVEL one of {levels}"
            )
    for rule in policy.forbid:
        if rule.partition("=")[0] not in TERMS:
            raise OpennessError(f"forbid {rule!r}: use one of {', '.join(TERMS)} [=VALUE]")
    if policy.fail_on != "never":
        try:
            Severity.parse(policy.fail_on)
        except ValueError as exc:
            raise OpennessError(f"fail_on: {exc}") from None
    return policy


def violations(a: Assessment, policy: Policy) -> list[str]:
    """Every rule of the policy the release breaks, each with the evidence that breaks it."""
    out: list[str] = []
    results = {f.framework: f for f in a.frameworks}
    for rule in policy.require_class:
        name, _, wanted = rule.partition(":")
        result = results.get(name)
        if result is None:
            out.append(f"require class {rule}: framework {name} was not evaluated")
        elif (
            name == "mof" and MOF_RANK.get(result.verdict, 0) < MOF_RANK[f"Class {wanted.upper()}"]
        ):
            target = next(p for p in result.classes if p.name.split()[1] == wanted.upper())
            out.append(
                f"require class {rule}: reached {result.verdict}; missing for Class "
                f"{wanted.upper()}: {', '.join(target.missing)}"
            )
        elif name == "osaid" and result.verdict != "pass":
            failed = [c.title for c in result.components if c.status != "pass"]
            out.append(f"require class {rule}: OSAID fails: {'; '.join(failed)}")
    for rule in policy.require:
        attribute, _, level = rule.partition("=")
        rating = a.rating(Attribute(attribute))
        if LEVEL_RANK[rating.level] < LEVEL_RANK[Level(level)]:
            out.append(f"require {rule}: rated {rating.level.value} ({rating.rationale})")
    out += _forbidden_terms(a, policy.forbid)
    if policy.fail_on != "never":
        threshold = Severity.parse(policy.fail_on)
        out += [
            f"finding at or above {policy.fail_on}: {f.rule_id} {f.severity.name.lower()} "
            f"at {f.location}: {f.reason}"
            for f in a.findings
            if f.severity >= threshold
        ]
    return out


def _forbidden_terms(a: Assessment, forbid: Sequence[str]) -> list[str]:
    terms = a.license.terms  # the verdict's binding terms
    out = []
    for rule in forbid:
        term, has_value, wanted = rule.partition("=")
        value = getattr(terms, term) if terms is not None else None
        if value in (None, (), "unknown", False) and not has_value:
            continue
        hit = str(value).lower() == wanted.lower() if has_value else True
        if hit:
            setter = _license_setting(a, term, value)
            out.append(f"forbid {rule}: the binding terms have {term}={value}{setter}")
    return out


def _license_setting(a: Assessment, term: str, value: object) -> str:
    for lic in a.licenses:
        if lic.scope != "code" and getattr(lic.terms, term) == value:
            return f" (set by {lic.name} at {lic.source})"
    return ""

"""A release policy for `openness check`: small requirement objects (RequireClass, RequireLevel,
Forbid, NoFindings) combined with AllOf / AnyOf, each saying what it requires and, when it does
not hold, why. As in sigstore-python, an empty policy fails: a gate that checks nothing is a
mistake, not a pass. Pure: the CLI reads flags and openness.toml and passes the values in.

`Policy` is the written form (flags, openness.toml); `Policy.requirement()` builds the objects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

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
        return self.requirement().describe()

    def requirement(self) -> AllOf:
        """Every rule of the policy, all required."""
        return AllOf(
            (
                *(RequireClass(r) for r in self.require_class),
                *(RequireLevel(r) for r in self.require),
                *(Forbid(r) for r in self.forbid),
                *([NoFindings(self.fail_on)] if self.fail_on != "never" else []),
            )
        )


class Requirement(Protocol):
    def describe(self) -> list[str]: ...

    def violations(self, a: Assessment) -> list[str]:
        """Why the release breaks it, each with the evidence that breaks it; [] when it holds."""
        ...


EMPTY = "the policy requires nothing, so it cannot pass; give a rule or a fail_on severity"


@dataclass(frozen=True)
class AllOf:
    children: tuple[Requirement, ...]

    def describe(self) -> list[str]:
        return [line for c in self.children for line in c.describe()]

    def violations(self, a: Assessment) -> list[str]:
        if not self.children:
            return [EMPTY]
        return [v for c in self.children for v in c.violations(a)]


@dataclass(frozen=True)
class AnyOf:
    children: tuple[Requirement, ...]

    def describe(self) -> list[str]:
        return ["any of: " + "; ".join(line for c in self.children for line in c.describe())]

    def violations(self, a: Assessment) -> list[str]:
        if not self.children:
            return [EMPTY]
        found = [c.violations(a) for c in self.children]
        if any(not v for v in found):
            return []
        return ["none of these holds: " + "; ".join(v for vs in found for v in vs)]


@dataclass(frozen=True)
class RequireClass:
    rule: str  # "mof:III", "osaid:pass"

    def describe(self) -> list[str]:
        return [f"require class {self.rule}"]

    def violations(self, a: Assessment) -> list[str]:
        name, _, wanted = self.rule.partition(":")
        result = next((f for f in a.frameworks if f.framework == name), None)
        rule = self.rule
        if result is None:
            return [f"require class {rule}: framework {name} was not evaluated"]
        if name == "mof" and MOF_RANK.get(result.verdict, 0) < MOF_RANK[f"Class {wanted.upper()}"]:
            target = next(p for p in result.classes if p.name.split()[1] == wanted.upper())
            return [
                f"require class {rule}: reached {result.verdict}; missing for Class "
                f"{wanted.upper()}: {', '.join(target.missing)}"
            ]
        if name == "osaid" and result.verdict != "pass":
            failed = [c.title for c in result.components if c.status != "pass"]
            return [f"require class {rule}: OSAID fails: {'; '.join(failed)}"]
        return []


@dataclass(frozen=True)
class RequireLevel:
    rule: str  # "open_license=open"

    def describe(self) -> list[str]:
        return [f"require {self.rule}"]

    def violations(self, a: Assessment) -> list[str]:
        attribute, _, level = self.rule.partition("=")
        rating = a.rating(Attribute(attribute))
        if LEVEL_RANK[rating.level] < LEVEL_RANK[Level(level)]:
            return [f"require {self.rule}: rated {rating.level.value} ({rating.rationale})"]
        return []


@dataclass(frozen=True)
class Forbid:
    rule: str  # "commercial_use=prohibited", "mau_threshold"

    def describe(self) -> list[str]:
        return [f"forbid {self.rule}"]

    def violations(self, a: Assessment) -> list[str]:
        return _forbidden_terms(a, (self.rule,))


@dataclass(frozen=True)
class NoFindings:
    fail_on: str  # a severity name

    def describe(self) -> list[str]:
        return [f"no finding at or above {self.fail_on}"]

    def violations(self, a: Assessment) -> list[str]:
        threshold = Severity.parse(self.fail_on)
        return [
            f"finding at or above {self.fail_on}: {f.rule_id} {f.severity.name.lower()} "
            f"at {f.location}: {f.reason}"
            for f in a.findings
            if f.severity >= threshold
        ]


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


def violations(a: Assessment, policy: Policy | Requirement) -> list[str]:
    """Every rule of the policy the release breaks, each with the evidence that breaks it."""
    requirement = policy.requirement() if isinstance(policy, Policy) else policy
    return requirement.violations(a)


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
        if lic.scope not in ("code", "third-party") and getattr(lic.terms, term) == value:
            return f" (set by {lic.name} at {lic.source})"
    return ""

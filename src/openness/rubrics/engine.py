"""The one rule engine: ordered rule lists written as data (YAML), evaluated against the evidence.

Every rated thing (one of the five attributes, a framework component, a health check) has a
`RuleList`: rules tried in order; the first whose condition holds gives the outcome (a level, a
status, a score) and a rationale, and cites the evidence its condition looked at. A rule list
must end with an `always` rule, checked when it is built (at load time), so exactly one rule
applies and there is no "no rule applied" case at run time. Conditions:

    {fact: NAME}                      the fact is present (and not false/empty)
    {fact: NAME, equals: VALUE}       some evidence for NAME has that value
    {fact: NAME, in: [V1, V2]}        some evidence for NAME has one of those values
    {fact: NAME, min: N}              some evidence for NAME is a number >= N
    {fact: NAME, max: N}              some evidence for NAME is a number <= N (with min: a range)
    {all: [C1, C2]} / {any: [...]} / {not: C} / {always: true}
    {component: NAME, is: STATE}      a release component's calibrated state (present, linked,
                                      absent, unknown), defined once in components.yaml
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field
from typing import Any, Generic, TypeVar

from ..evidence_index import EvidenceIndex
from ..lazy_re import lazy
from ..model import Attribute, Evidence, JSONValue, Level, Rating
from ..record import Record, record
from .components import ComponentError
from .components import expand as expand_component


class RubricError(ValueError):
    """A rubric file is malformed; raised at load time, never while rating."""


@record
class Condition(Record):
    kind: str
    fact: str = ""
    values: tuple[Any, ...] = ()
    minimum: float | None = None
    children: tuple[Condition, ...] = ()
    maximum: float | None = None

    def test(self, index: EvidenceIndex) -> tuple[bool, list[Evidence]]:
        if self.kind == "always":
            return True, []
        if self.kind == "fact":
            found = index.get(self.fact)
            if self.values:
                found = [e for e in found if _matches(e.value, self.values)]
            if self.minimum is not None or self.maximum is not None:
                found = [e for e in found if self._in_range(e.value)]
            return bool(found), found
        results = [c.test(index) for c in self.children]
        cited = [e for ok, ev in results if ok for e in ev]
        if self.kind == "all":
            return all(ok for ok, _ in results), cited
        if self.kind == "any":
            return any(ok for ok, _ in results), cited
        # not: cites nothing; absence is explained by the rationale
        return not results[0][0], []

    def _in_range(self, value: JSONValue) -> bool:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        return (self.minimum is None or value >= self.minimum) and (
            self.maximum is None or value <= self.maximum
        )


def _matches(value: JSONValue, wanted: tuple[Any, ...]) -> bool:
    if isinstance(value, tuple):
        return any(v in wanted for v in value)
    return value in wanted


def parse_condition(raw: Any, where: str) -> Condition:
    if not isinstance(raw, Mapping):
        raise RubricError(f"{where}: a condition must be a mapping, got {raw!r}")
    if raw.get("always") is True:
        return Condition("always")
    for kind in ("all", "any"):
        if kind in raw:
            items = raw[kind]
            if not isinstance(items, list) or not items:
                raise RubricError(f"{where}: '{kind}' needs a non-empty list")
            return Condition(kind, children=tuple(parse_condition(c, where) for c in items))
    if "not" in raw:
        return Condition("not", children=(parse_condition(raw["not"], where),))
    if "component" in raw:
        try:
            return parse_condition(expand_component(raw), where)
        except ComponentError as exc:
            raise RubricError(f"{where}: {exc}") from None
    if "fact" in raw:
        values: tuple[Any, ...] = ()
        if "equals" in raw:
            values = (raw["equals"],)
        elif "in" in raw:
            values = tuple(raw["in"])
        return Condition("fact", str(raw["fact"]), values, raw.get("min"), maximum=raw.get("max"))
    raise RubricError(f"{where}: unknown condition {dict(raw)!r}")


T = TypeVar("T")


@record
class Rule(Record, Generic[T]):
    """When `when` holds, the outcome is `outcome`, explained by `because` (a template)."""

    outcome: T
    when: Condition
    because: str


@record
class Decision(Record, Generic[T]):
    """The outcome of the rule that applied, its rationale and the evidence it cites."""

    outcome: T
    rationale: str
    evidence: tuple[Evidence, ...] = ()


@record
class RuleList(Record, Generic[T]):
    """Rules tried in order, first match wins; the last is `always` (checked here, so at load
    time), which is the one explicit result when nothing more specific applies."""

    where: str
    rules: tuple[Rule[T], ...]

    def __post_init__(self) -> None:
        if not self.rules or self.rules[-1].when.kind != "always":
            raise RubricError(
                f"{self.where}: the rules must end with an `always: true` rule, so one applies"
            )

    def decide(self, index: EvidenceIndex) -> Decision[T]:
        for rule in self.rules[:-1]:
            ok, cited = rule.when.test(index)
            if ok:
                return Decision(
                    rule.outcome,
                    render_template(rule.because, index),
                    tuple(dict.fromkeys(cited)),
                )
        last = self.rules[-1]
        return Decision(last.outcome, render_template(last.because, index))


def parse_rules(items: Any, where: str, key: str, outcome: Callable[[Any], T]) -> RuleList[T]:
    """A YAML list of `{KEY: outcome, when: condition, because: text}` as a RuleList."""
    if not isinstance(items, list) or not items:
        raise RubricError(f"{where}: needs a non-empty list of rules")
    rules = []
    for item in items:
        if not isinstance(item, Mapping) or not {key, "when", "because"} <= set(item):
            raise RubricError(f"{where}: each rule needs {key}, when and because, got {item!r}")
        try:
            value = outcome(item[key])
        except (TypeError, ValueError):
            raise RubricError(f"{where}: {key} {item[key]!r} is not allowed") from None
        rules.append(Rule(value, parse_condition(item["when"], where), str(item["because"])))
    return RuleList(where, tuple(rules))


@record
class Rubric(Record):
    """The five attributes: one rule list per attribute."""

    name: str
    rules: Mapping[Attribute, Sequence[Rule[Level]]]
    lists: Mapping[Attribute, RuleList[Level]] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        lists = {a: RuleList(f"{self.name}:{a.value}", tuple(r)) for a, r in self.rules.items()}
        object.__setattr__(self, "lists", lists)

    def rate(self, evidence: Iterable[Evidence]) -> tuple[Rating, ...]:
        index = EvidenceIndex(evidence)
        out = []
        for attribute, rules in self.lists.items():
            decision = rules.decide(index)
            out.append(Rating(attribute, decision.outcome, decision.rationale, decision.evidence))
        return tuple(out)


_PLACEHOLDER = lazy(r"\{([a-z0-9_.]+)\}")


def render_template(template: str, index: EvidenceIndex) -> str:
    """Fill `{fact.name}` placeholders with the first value of that fact."""

    def value(match: re.Match[str]) -> str:
        v = index.first(match.group(1))
        if isinstance(v, tuple):
            return ", ".join(str(x) for x in v[:5]) + (" …" if len(v) > 5 else "")
        return "?" if v is None else str(v)

    return _PLACEHOLDER.sub(value, template)


def load_rubric(resource: str) -> Rubric:
    from importlib import resources

    text = resources.files("openness.rubrics").joinpath(resource).read_text("utf-8")
    from ..datafiles import load_yaml  # PyYAML only when a rubric is loaded, never for a scan

    raw = load_yaml(text)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("attributes"), Mapping):
        raise RubricError(f"{resource}: expected a mapping with 'attributes'")
    rules: dict[Attribute, Sequence[Rule[Level]]] = {}
    for key, items in raw["attributes"].items():
        try:
            attribute = Attribute(key)
        except ValueError:
            raise RubricError(f"{resource}: unknown attribute {key!r}") from None
        rules[attribute] = parse_rules(items, f"{resource}:{key}", "level", Level).rules
    return Rubric(str(raw.get("name", resource)), rules)

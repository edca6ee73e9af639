"""The health rubric: checks scored 0..10 from evidence, rules as data (scorecard.yaml).

Unlike the five-attribute engine, a fact whose value is 0 is present here: "0 commits in the
last 90 days" is exactly what the Maintained check needs to see.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ..datafiles import load_yaml
from ..model import Evidence, JSONValue
from ..rubrics.engine import RubricError
from .model import CheckScore

Index = Mapping[str, list[Evidence]]


@dataclass(frozen=True)
class Condition:
    kind: str  # fact | all | any | not | always
    fact: str = ""
    minimum: float | None = None
    maximum: float | None = None
    equals: Any = None
    children: tuple[Condition, ...] = ()

    def test(self, index: Index) -> tuple[bool, list[Evidence]]:
        if self.kind == "always":
            return True, []
        if self.kind == "fact":
            found = [e for e in index.get(self.fact, []) if self._accepts(e.value)]
            return bool(found), found
        results = [c.test(index) for c in self.children]
        cited = [e for ok, ev in results if ok for e in ev]
        if self.kind == "all":
            return all(ok for ok, _ in results), cited
        if self.kind == "any":
            return any(ok for ok, _ in results), cited
        return not results[0][0], []

    def _accepts(self, value: JSONValue) -> bool:
        if value is None or value is False:
            return False
        if self.equals is not None:
            return bool(value == self.equals)
        if self.minimum is None and self.maximum is None:
            return True
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        low_ok = self.minimum is None or value >= self.minimum
        return low_ok and (self.maximum is None or value <= self.maximum)


def _condition(raw: Any, where: str) -> Condition:
    if not isinstance(raw, Mapping):
        raise RubricError(f"{where}: a condition must be a mapping, got {raw!r}")
    if raw.get("always") is True:
        return Condition("always")
    for kind in ("all", "any"):
        if kind in raw:
            items = raw[kind]
            if not isinstance(items, list) or not items:
                raise RubricError(f"{where}: '{kind}' needs a non-empty list")
            return Condition(kind, children=tuple(_condition(c, where) for c in items))
    if "not" in raw:
        return Condition("not", children=(_condition(raw["not"], where),))
    if "fact" in raw:
        return Condition(
            "fact", str(raw["fact"]), raw.get("min"), raw.get("max"), raw.get("equals")
        )
    raise RubricError(f"{where}: unknown condition {dict(raw)!r}")


@dataclass(frozen=True)
class Rule:
    score: int | None
    when: Condition
    because: str


@dataclass(frozen=True)
class Check:
    name: str
    framework: str
    rules: tuple[Rule, ...]

    def score(self, index: Index) -> CheckScore:
        for rule in self.rules:
            ok, cited = rule.when.test(index)
            if ok:
                why = _render(rule.because, index)
                return CheckScore(
                    self.name, self.framework, rule.score, why, tuple(dict.fromkeys(cited))
                )
        return CheckScore(self.name, self.framework, None, "no rule applied")


_PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)\}")


def _render(template: str, index: Index) -> str:
    def value(match: re.Match[str]) -> str:
        found = index.get(match.group(1), [])
        if not found:
            return "?"
        values = [str(e.value) for e in found[:3]]
        return ", ".join(values) + (" …" if len(found) > 3 else "")

    return _PLACEHOLDER.sub(value, template)


@cache
def load_checks(resource: str = "scorecard.yaml") -> tuple[Check, ...]:
    text = resources.files("openness.health").joinpath(resource).read_text("utf-8")
    raw = load_yaml(text)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("checks"), list):
        raise RubricError(f"{resource}: expected a mapping with a 'checks' list")
    checks = []
    for item in raw["checks"]:
        name = str(item["name"])
        rules = tuple(
            Rule(r["score"], _condition(r["when"], f"{resource}:{name}"), str(r["because"]))
            for r in item["rules"]
        )
        if not rules:
            raise RubricError(f"{resource}: {name} has no rules")
        checks.append(Check(name, str(item["framework"]), rules))
    return tuple(checks)


def score_checks(evidence: Iterable[Evidence]) -> tuple[CheckScore, ...]:
    index: dict[str, list[Evidence]] = defaultdict(list)
    for e in evidence:
        index[e.fact].append(e)
    return tuple(check.score(index) for check in load_checks())

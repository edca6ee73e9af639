"""The health rubric: checks scored 0..10 from evidence, rules as data (scorecard.yaml), on the
rubric engine's conditions and templates.

Unlike the five attributes, a fact whose value is 0 is present here: "0 commits in the last 90
days" is exactly what the Maintained check needs to see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..datafiles import load_yaml
from ..evidence_index import EvidenceIndex
from ..model import Evidence
from ..rubrics.engine import Condition, RubricError, parse_condition, render_template
from .model import CheckScore


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

    def score(self, index: EvidenceIndex) -> CheckScore:
        for rule in self.rules:
            ok, cited = rule.when.test(index)
            if ok:
                why = render_template(rule.because, index)
                return CheckScore(
                    self.name, self.framework, rule.score, why, tuple(dict.fromkeys(cited))
                )
        return CheckScore(self.name, self.framework, None, "no rule applied")


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
            Rule(r["score"], parse_condition(r["when"], f"{resource}:{name}"), str(r["because"]))
            for r in item["rules"]
        )
        if not rules:
            raise RubricError(f"{resource}: {name} has no rules")
        checks.append(Check(name, str(item["framework"]), rules))
    return tuple(checks)


def score_checks(evidence: Iterable[Evidence]) -> tuple[CheckScore, ...]:
    index = EvidenceIndex(evidence, zero_counts=True)
    return tuple(check.score(index) for check in load_checks())

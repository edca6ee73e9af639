"""The health rubric: checks scored 0..10 from evidence, rules as data (scorecard.yaml), each a
rule list of the one rule engine (`rubrics/engine.py`), ending with an `always` rule.

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
from ..rubrics.engine import RubricError, RuleList, parse_rules
from .model import CheckScore


@dataclass(frozen=True)
class Check:
    name: str
    framework: str
    rules: RuleList[int | None]  # a score 0..10, or None: could not be judged

    def score(self, index: EvidenceIndex) -> CheckScore:
        decision = self.rules.decide(index)
        return CheckScore(
            self.name, self.framework, decision.outcome, decision.rationale, decision.evidence
        )


def _score(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10:
        return value
    raise ValueError(value)


@cache
def load_checks(resource: str = "scorecard.yaml") -> tuple[Check, ...]:
    text = resources.files("openness.health").joinpath(resource).read_text("utf-8")
    raw = load_yaml(text)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("checks"), list):
        raise RubricError(f"{resource}: expected a mapping with a 'checks' list")
    checks = []
    for item in raw["checks"]:
        name = str(item["name"])
        rules = parse_rules(item.get("rules"), f"{resource}:{name}", "score", _score)
        checks.append(Check(name, str(item["framework"]), rules))
    return tuple(checks)


def score_checks(evidence: Iterable[Evidence]) -> tuple[CheckScore, ...]:
    index = EvidenceIndex(evidence, zero_counts=True)
    return tuple(check.score(index) for check in load_checks())

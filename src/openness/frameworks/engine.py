"""One small engine for component-based openness frameworks written as data (YAML).

A framework file lists components; each has a rule list of the one rule engine
(`rubrics/engine.py`): rules tried in order, the first whose condition holds gives the status
and the rationale, citing the evidence the condition looked at; the last rule is `always`.
A component may instead give the shorthand `present`, `claimed` and `license` (code | data |
content): it is then `open` when present under an open license of that type, `restricted` when
present under another license, `claimed` when only linked or named, `absent` otherwise.
Components with `checkable: false` are reported as `not checkable` with their `why`. Classes
are cumulative: each requires its own components and those of the classes before it, and is
reached only when all of them have a `met` status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..datafiles import load_yaml
from ..evidence_index import EvidenceIndex
from ..model import ClassProgress, ComponentResult, Evidence, FrameworkResult
from ..rubrics.engine import (
    Condition,
    RubricError,
    Rule,
    RuleList,
    parse_condition,
    parse_rules,
)

#: the fact each license type of the shorthand reads
LICENSE_FACTS = {
    "code": "fw.license.code",
    "data": "fw.license.open_content",
    "content": "fw.license.open_content",
}
NOT_CHECKABLE = "not checkable"


@dataclass(frozen=True)
class Component:
    id: str
    title: str
    group: str
    rules: RuleList[str] | None  # None: not checkable, for `why_not_checkable`
    why_not_checkable: str = ""


@dataclass(frozen=True)
class FrameworkClass:
    name: str
    verdict: str
    requires: tuple[str, ...]


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    version: str
    url: str
    met: frozenset[str]
    statuses: tuple[str, ...]
    components: tuple[Component, ...]
    classes: tuple[FrameworkClass, ...]
    no_class: str

    def evaluate(self, evidence: Iterable[Evidence]) -> FrameworkResult:
        index = EvidenceIndex(evidence)
        results = tuple(self._evaluate(c, index) for c in self.components)
        status = {r.id: r.status for r in results}
        titles = {c.id: c.title for c in self.components}
        progress = []
        for cls in self.classes:
            missing = tuple(titles[i] for i in cls.requires if status[i] not in self.met)
            met = len(cls.requires) - len(missing)
            progress.append(ClassProgress(cls.name, not missing, met, len(cls.requires), missing))
        return FrameworkResult(
            self.id,
            self.title,
            self.version,
            self._verdict(results, progress),
            results,
            tuple(progress),
        )

    def _verdict(self, results: Sequence[ComponentResult], progress: list[ClassProgress]) -> str:
        if self.classes:
            reached = [
                cls.verdict for cls, p in zip(self.classes, progress, strict=True) if p.reached
            ]
            return reached[-1] if reached else self.no_class
        counts = [(s, sum(r.status == s for r in results)) for s in self.statuses]
        return ", ".join(f"{n} {s}" for s, n in counts if n)

    @staticmethod
    def _evaluate(component: Component, index: EvidenceIndex) -> ComponentResult:
        if component.rules is None:
            return ComponentResult(
                component.id,
                component.title,
                NOT_CHECKABLE,
                component.why_not_checkable,
                component.group,
            )
        decision = component.rules.decide(index)
        return ComponentResult(
            component.id,
            component.title,
            decision.outcome,
            decision.rationale,
            component.group,
            decision.evidence,
        )


def load_framework(resource: str) -> Framework:
    text = resources.files("openness.frameworks").joinpath(resource).read_text("utf-8")
    return parse_framework(load_yaml(text), resource)


def parse_framework(raw: Any, where: str) -> Framework:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("components"), list):
        raise RubricError(f"{where}: expected a mapping with a list of 'components'")
    components = tuple(_component(c, where) for c in raw["components"])
    ids = [c.id for c in components]
    if len(set(ids)) != len(ids):
        raise RubricError(f"{where}: component ids must be unique")
    classes: list[FrameworkClass] = []
    required: list[str] = []
    for item in raw.get("classes") or []:
        own = [str(i) for i in item.get("requires", [])]
        unknown = set(own) - set(ids)
        if unknown:
            raise RubricError(f"{where}: class {item.get('name')!r} requires unknown {unknown}")
        required += own
        classes.append(
            FrameworkClass(
                str(item["name"]), str(item.get("verdict", item["name"])), tuple(required)
            )
        )
    return Framework(
        id=str(raw["id"]),
        title=str(raw["title"]),
        version=str(raw.get("version", "")),
        url=str(raw.get("url", "")),
        met=frozenset(str(s) for s in raw.get("met", [])),
        statuses=tuple(str(s) for s in raw.get("statuses", [])),
        components=components,
        classes=tuple(classes),
        no_class=str(raw.get("no_class", "none")),
    )


def _component(raw: Any, where: str) -> Component:
    if not isinstance(raw, Mapping) or "id" not in raw or "title" not in raw:
        raise RubricError(f"{where}: each component needs an id and a title, got {raw!r}")
    cid, title, group = str(raw["id"]), str(raw["title"]), str(raw.get("group", ""))
    here = f"{where}:{cid}"
    if raw.get("checkable") is False:
        return Component(cid, title, group, None, str(raw.get("why", "not in released artifacts")))
    if "rules" in raw:
        rules = parse_rules(raw["rules"], here, "status", str)
    elif "present" in raw:
        rules = _shorthand(raw, here)
    else:
        raise RubricError(f"{here}: give 'rules', 'present' or 'checkable: false'")
    return Component(cid, title, group, rules)


def _shorthand(raw: Mapping[str, Any], here: str) -> RuleList[str]:
    kind = str(raw.get("license", "content"))
    if kind not in LICENSE_FACTS:
        raise RubricError(f"{here}: license must be one of {sorted(LICENSE_FACTS)}")
    present = parse_condition(raw["present"], here)
    licensed = Condition("all", children=(present, Condition("fact", LICENSE_FACTS[kind])))
    rules = [
        Rule("open", licensed, f"released under an open {kind} license"),
        Rule("restricted", present, f"released, but not under an open {kind} license"),
    ]
    if "claimed" in raw:
        rules.append(
            Rule(
                "claimed",
                parse_condition(raw["claimed"], here),
                "only linked or named in the card; not read, so it counts as a claim",
            )
        )
    rules.append(Rule("absent", Condition("always"), "not found in the release"))
    return RuleList(here, tuple(rules))

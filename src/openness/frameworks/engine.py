"""One small engine for component-based openness frameworks written as data (YAML).

A framework file lists components; each has a rule list of the one rule engine
(`rubrics/engine.py`): rules tried in order, the first whose condition holds gives the status
and the rationale, citing the evidence the condition looked at; the last rule is `always`.
A component may instead name a release component of `rubrics/components.yaml` (`component:`),
whose calibrated state and scoped license decide: `open` / `restricted` when present under an
open / another license that speaks for its kind (code, weights, data, documentation),
`license unknown` when present and no license read speaks for it, `claimed` when only linked,
`absent` when a place read lacks it, `unknown` otherwise.
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
from ..rubrics.components import KINDS, ComponentError, component
from ..rubrics.engine import (
    Condition,
    RubricError,
    Rule,
    RuleList,
    parse_condition,
    parse_rules,
)

NOT_CHECKABLE = "not checkable"
LICENSE_UNKNOWN = "license unknown"


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
    elif "component" in raw:
        rules = _shorthand(raw, here)
    else:
        raise RubricError(f"{here}: give 'rules', 'component' or 'checkable: false'")
    return Component(cid, title, group, rules)


def _shorthand(raw: Mapping[str, Any], here: str) -> RuleList[str]:
    name = str(raw["component"])
    try:
        shared = component(name)
    except ComponentError as exc:
        raise RubricError(f"{here}: {exc}") from None
    kind = str(raw.get("license") or shared.kind)
    if kind not in KINDS:
        raise RubricError(f"{here}: license must be one of {KINDS}")

    def state(value: str) -> Condition:
        return parse_condition({"component": name, "is": value}, here)

    def licensed(level: str) -> Condition:
        scope = Condition("fact", f"fw.license.scope.{kind}", (level,))
        return Condition("all", children=(state("present"), scope))

    rules = [
        Rule("open", licensed("open"), f"in the places read, under an open {kind} license"),
        Rule(
            "restricted",
            licensed("restricted"),
            f"in the places read, under a {kind} license that is not open",
        ),
        Rule(
            LICENSE_UNKNOWN,
            state("present"),
            f"in the places read; no license read speaks for the {kind}",
        ),
        Rule(
            "claimed",
            state("linked"),
            shared.because.get("linked", "linked, not verified: not read, so only a claim"),
        ),
        Rule(
            "absent",
            state("absent"),
            shared.because.get(
                "absent",
                "not in the places read, and none of the {doc.read.count} documents read names"
                " it (read: {doc.read.list})",
            ),
        ),
        Rule(
            "unknown",
            Condition("always"),
            "not in the places read; a place that was not read (a Hub repository, a paper)"
            " may hold it",
        ),
    ]
    return RuleList(here, tuple(rules))

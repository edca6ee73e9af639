"""The CycloneDX `modelCard` object, as plain JSON.

cyclonedx-python-lib has no model-card type yet, so the exporter adds this object to the JSON the
library produces; the result is validated against the spec's schema in the tests.
"""

from __future__ import annotations

from typing import Any

from ..model import Assessment
from .context import ReleaseFacts
from .release_facts import Metric

#: Hugging Face pipeline tags that name how a model was trained, for `modelParameters.approach`
_SELF_SUPERVISED_TASKS = {"fill-mask", "text-generation", "feature-extraction"}


def model_card(a: Assessment, facts: ReleaseFacts, dataset_refs: dict[str, str]) -> dict[str, Any]:
    """A modelCard for the release; `dataset_refs` maps each dataset name to its bom-ref."""
    card: dict[str, Any] = {"bom-ref": "model-card"}
    parameters = _model_parameters(facts, dataset_refs)
    if parameters:
        card["modelParameters"] = parameters
    analysis = _quantitative_analysis(facts)
    if analysis:
        card["quantitativeAnalysis"] = analysis
    considerations = _considerations(facts)
    if considerations:
        card["considerations"] = considerations
    card_file = facts.card_file
    card["properties"] = [
        {"name": f"openness:section:{s.topic}", "value": f"{card_file}:{s.line} {s.heading}"}
        for s in a.sections
    ]
    if not card["properties"]:
        del card["properties"]
    return card


def _model_parameters(facts: ReleaseFacts, dataset_refs: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    task = facts.task
    if task:
        out["task"] = task
        if task in _SELF_SUPERVISED_TASKS:
            out["approach"] = {"type": "self-supervised"}
    family = facts.model_type
    if family:
        out["architectureFamily"] = family
    arch = facts.architecture
    if arch:
        out["modelArchitecture"] = arch
    if dataset_refs:
        out["datasets"] = [{"ref": ref} for ref in dataset_refs.values()]
    return out


def _quantitative_analysis(facts: ReleaseFacts) -> dict[str, Any]:
    metrics = [
        {
            "type": m.metric or "unnamed",
            "value": m.value,
            **({"slice": _slice(m)} if _slice(m) else {}),
        }
        for m in facts.metrics
    ]
    return {"performanceMetrics": metrics} if metrics else {}


def _slice(m: Metric) -> str:
    return " / ".join(part for part in (m.task, m.dataset) if part)


def _considerations(facts: ReleaseFacts) -> dict[str, Any]:
    out: dict[str, Any] = {}
    uses = list(facts.uses)
    if uses:
        out["useCases"] = uses
    limits = list(facts.limitations)
    if limits:
        out["technicalLimitations"] = limits
    risks = facts.risks
    if risks:
        out["ethicalConsiderations"] = [{"name": text} for text in risks]
    return out

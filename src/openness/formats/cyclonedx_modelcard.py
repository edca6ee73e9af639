"""The CycloneDX `modelCard` object, as plain JSON.

cyclonedx-python-lib has no model-card type yet, so the exporter adds this object to the JSON the
library produces; the result is validated against the spec's schema in the tests.
"""

from __future__ import annotations

from typing import Any

from ..model import Assessment
from . import release_facts as rf

#: Hugging Face pipeline tags that name how a model was trained, for `modelParameters.approach`
_SELF_SUPERVISED_TASKS = {"fill-mask", "text-generation", "feature-extraction"}


def model_card(a: Assessment, dataset_refs: dict[str, str]) -> dict[str, Any]:
    """A modelCard for the release; `dataset_refs` maps each dataset name to its bom-ref."""
    card: dict[str, Any] = {"bom-ref": "model-card"}
    parameters = _model_parameters(a, dataset_refs)
    if parameters:
        card["modelParameters"] = parameters
    analysis = _quantitative_analysis(a)
    if analysis:
        card["quantitativeAnalysis"] = analysis
    considerations = _considerations(a)
    if considerations:
        card["considerations"] = considerations
    card_file = rf.card_file(a)
    card["properties"] = [
        {"name": f"openness:section:{s.topic}", "value": f"{card_file}:{s.line} {s.heading}"}
        for s in a.sections
    ]
    if not card["properties"]:
        del card["properties"]
    return card


def _model_parameters(a: Assessment, dataset_refs: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    task = rf.task(a)
    if task:
        out["task"] = task
        if task in _SELF_SUPERVISED_TASKS:
            out["approach"] = {"type": "self-supervised"}
    family = rf.model_type(a)
    if family:
        out["architectureFamily"] = family
    arch = rf.architecture(a)
    if arch:
        out["modelArchitecture"] = arch
    if dataset_refs:
        out["datasets"] = [{"ref": ref} for ref in dataset_refs.values()]
    return out


def _quantitative_analysis(a: Assessment) -> dict[str, Any]:
    metrics = [
        {
            "type": m.metric or "unnamed",
            "value": m.value,
            **({"slice": _slice(m)} if _slice(m) else {}),
        }
        for m in rf.metrics(a)
    ]
    return {"performanceMetrics": metrics} if metrics else {}


def _slice(m: rf.Metric) -> str:
    return " / ".join(part for part in (m.task, m.dataset) if part)


def _considerations(a: Assessment) -> dict[str, Any]:
    out: dict[str, Any] = {}
    uses = rf.excerpts(a, rf.USE_TOPICS)
    if uses:
        out["useCases"] = uses
    limits = rf.excerpts(a, rf.LIMITATION_TOPICS)
    if limits:
        out["technicalLimitations"] = limits
    risks = rf.excerpts(a, rf.RISK_TOPICS)
    if risks:
        out["ethicalConsiderations"] = [{"name": text} for text in risks]
    return out

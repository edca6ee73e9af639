"""No rating of weights, data or documentation rests on a license that speaks only for code,
in any framework or the five attributes, on the real releases of ../shared/corpus/realworld-dev
(their GitHub documents: code repositories whose LICENSE is the code's)."""

from __future__ import annotations

from pathlib import Path

import pytest

import openness
from openness.model import Assessment, DetectedLicense, Evidence, Location

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "realworld-dev"
RELEASES = (
    sorted(p.name for p in CORPUS.iterdir() if (p / "docs").is_dir()) if CORPUS.is_dir() else []
)

#: framework -> component id -> what it rates, for the components that rate weights, data or
#: documentation (code components may rest on a code license)
NOT_CODE = {
    "mof": {
        "final_parameters": "weights",
        "intermediate_checkpoints": "weights",
        "model_metadata": "documentation",
        "datasets": "data",
        "evaluation_data": "data",
        "technical_report": "documentation",
        "evaluation_results": "documentation",
        "model_card": "documentation",
        "data_card": "documentation",
        "sample_outputs": "documentation",
        "research_paper": "documentation",
    },
    "osaid": {
        "parameters": "weights",
        "any_purpose": "weights",
        "training_data_description": "documentation",
        "data_provenance": "data",
        "training_methodology": "documentation",
    },
    "osai-index": {
        "base_model_data": "data",
        "end_model_data": "data",
        "base_model_weights": "weights",
        "end_model_weights": "weights",
        "model_card": "documentation",
        "datasheet": "documentation",
        "preprint": "documentation",
        "paper": "documentation",
        "licenses": "weights",
    },
    "fmti": {
        "license": "weights",
        "model_size": "weights",
        "distribution": "weights",
        "data_sources": "data",
    },
}
#: the five attributes that rate something other than code
NOT_CODE_ATTRIBUTES = ("open_license", "inputs_transparency", "open_standards")


def _is_model_release(a: Assessment) -> bool:
    """Weights in the release, or a card that declares a license (as a Hub card does)."""
    return any(e.fact in ("weights.present", "card.license") for e in a.evidence) or any(
        art.tensors for art in a.artifacts
    )


def _code_only(a: Assessment) -> list[DetectedLicense]:
    model = _is_model_release(a)
    return [
        lic
        for lic in a.licenses
        if lic.kind == "license" and (lic.scope == "code" or (lic.scope is None and not model))
    ]


def _places(lic: DetectedLicense) -> set[tuple[str, int | None]]:
    return {(loc.file, loc.line) for loc in (lic.source, *lic.also_in)}


def _rests_on(e: Evidence, licenses: list[DetectedLicense]) -> DetectedLicense | None:
    said = " ".join(str(v) for v in (e.value, e.note))
    if said.startswith("code:"):
        return licenses[0] if licenses else None  # a sentence about the code only
    if said.startswith(("weights:", "data:")) or " weights:" in said or " data:" in said:
        return None  # a sentence that names the component it licenses
    here = (e.location.file, e.location.line)
    for lic in licenses:
        places = _places(lic)
        if here in places or (
            e.location.line is None and e.location.file in {f for f, _ in places}
        ):
            return lic
    return None


def _offenders(a: Assessment) -> list[str]:
    code_only = _code_only(a)
    out = []
    for result in a.frameworks:
        for c in result.components:
            kind = NOT_CODE.get(result.framework, {}).get(c.id)
            if kind is None or c.status in ("unknown", "not checkable"):
                continue
            for e in c.evidence:
                lic = _rests_on(e, code_only)
                if lic is not None and (
                    e.fact.startswith(("license.", "fw.license."))
                    or e.fact == "doc.license_statement"
                ):
                    what = f"{result.framework}:{c.id} ({kind}) {c.status}"
                    out.append(f"{what} cites {e.fact} at {e.location} ({lic.id}, code only)")
    for r in a.ratings:
        if r.attribute.value not in NOT_CODE_ATTRIBUTES or r.level == "unknown":
            continue
        for e in r.evidence:
            lic = _rests_on(e, code_only)
            if lic is not None and e.fact.startswith(("license.", "fw.license.")):
                out.append(
                    f"{r.attribute.value} {r.level} cites {e.fact} at {e.location} ({lic.id})"
                )
    return out


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/realworld-dev is absent")
@pytest.mark.parametrize("slug", RELEASES)
def test_no_weights_data_or_documentation_rating_rests_on_a_code_license(slug: str) -> None:
    a = openness.assess(str(CORPUS / slug / "docs"), hash_files=False, health=False)
    assert _offenders(a) == []


def test_the_oracle_sees_a_code_license_cited_for_a_card() -> None:
    """The check itself: a model-card component citing the LICENSE of a code-only release."""
    lic = DetectedLicense(
        id="Apache-2.0",
        name="Apache License 2.0",
        version=None,
        spdx="Apache-2.0",
        hf_id="apache-2.0",
        confidence=1.0,
        osi_approved=True,
        category="open-source",  # type: ignore[arg-type]
        kind="license",  # type: ignore[arg-type]
        status="identified",  # type: ignore[arg-type]
        via="text",
        source=Location("repo/LICENSE", line=1),
    )
    cited = Evidence("fw.license.open_content", "open-source", Location("repo/LICENSE", line=1))
    assert _rests_on(cited, [lic]) is lic
    card = Evidence("doc.model_card", "repo/README.md", Location("repo/README.md"))
    assert _rests_on(card, [lic]) is None

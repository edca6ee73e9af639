"""CycloneDX ML-BOM: strictly valid for 1.6 and 1.7, with the model card actually present."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import openness
from openness.formats import RenderOptions, get
from tests.exports.golden import check_golden

pytest.importorskip("cyclonedx")
from cyclonedx.schema import SchemaVersion  # noqa: E402
from cyclonedx.validation.json import JsonStrictValidator  # noqa: E402

VERSIONS = {"1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}


def export(a: openness.Assessment, version: str = "1.6", created: str | None = None) -> str:
    return get("cyclonedx")(a, RenderOptions(spec_version=version, created=created))


def assert_valid(text: str, version: str) -> dict[str, Any]:
    errors = JsonStrictValidator(VERSIONS[version]).validate_str(text)
    assert errors is None, errors
    data: dict[str, Any] = json.loads(text)
    assert data["specVersion"] == version
    return data


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_example_is_valid_with_a_full_model_card(
    example: openness.Assessment, version: str
) -> None:
    text = export(example, version)
    check_golden(f"example.cdx-{version}.json", text)
    data = assert_valid(text, version)
    model = data["metadata"]["component"]
    # named after the card's title, not the folder
    assert model["type"] == "machine-learning-model" and model["name"] == "tiny-gpt"
    assert model["licenses"] == [{"license": {"id": "Apache-2.0"}}]
    card = model["modelCard"]
    params = card["modelParameters"]
    assert params["task"] == "text-generation"
    assert params["modelArchitecture"] == "GPT2LMHeadModel"
    assert params["architectureFamily"] == "gpt2"
    assert params["datasets"] == [{"ref": "dataset:openness/synthetic-counting"}]
    considerations = card["considerations"]
    assert considerations["useCases"] == [
        "Demonstrating and testing model-release audits. It is small enough to ship inside "
        "the package."
    ]
    assert len(considerations["technicalLimitations"]) == 2
    assert "risk is mistaking it" in considerations["ethicalConsiderations"][0]["name"]
    files = {c["name"]: c for c in data["components"] if c["type"] == "file"}
    assert sorted(files) == sorted(f.path for f in example.files)
    for entry in example.files:
        assert files[entry.path]["hashes"] == [{"alg": "SHA-256", "content": entry.sha256}]
    props = {p["name"]: p["value"] for p in model["properties"]}
    assert props["openness:parameters"] == "8128"
    assert props["openness:rating:open_license"] == "open"


def test_timestamp_only_when_asked(example: openness.Assessment) -> None:
    assert "timestamp" not in json.loads(export(example))["metadata"]
    data = assert_valid(export(example, created="2025-01-02T03:04:05+00:00"), "1.6")
    assert data["metadata"]["timestamp"].startswith("2025-01-02T03:04:05")


def test_same_release_same_serial_number(example: openness.Assessment) -> None:
    assert export(example) == export(example)


def test_the_validator_rejects_a_broken_model_card(example: openness.Assessment) -> None:
    data = json.loads(export(example))
    data["metadata"]["component"]["modelCard"]["considerations"]["useCases"] = [{"no": 1}]
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(data)) is not None


def test_license_ref_base_model_and_metrics(make_release: Callable[..., Path]) -> None:
    front = """license: other
license_name: acme-model-license
license_link: https://example.com/acme-license
base_model: google-bert/bert-base-uncased
model-index:
- name: m
  results:
  - task: {type: text-classification}
    dataset: {name: SST-2}
    metrics:
    - {type: accuracy, value: 0.9}"""
    a = openness.assess(str(make_release(front)))
    for version in VERSIONS:
        data = assert_valid(export(a, version), version)
        model = data["metadata"]["component"]
        [lic] = model["licenses"]
        assert lic["license"]["name"] == "acme-model-license"
        assert lic["license"]["url"] == "https://example.com/acme-license"
        assert lic["license"]["properties"] == [
            {"name": "openness:license-ref", "value": "LicenseRef-acme-model-license"}
        ]
        [ancestor] = model["pedigree"]["ancestors"]
        assert ancestor["name"] == "google-bert/bert-base-uncased"
        assert ancestor["purl"] == "pkg:huggingface/google-bert/bert-base-uncased"
        metrics = model["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]
        assert metrics == [
            {"type": "accuracy", "value": "0.9", "slice": "text-classification / SST-2"}
        ]


def test_no_license_no_card_no_weights_is_still_valid(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here")
    a = openness.assess(str(tmp_path))
    data = assert_valid(export(a), "1.6")
    model = data["metadata"]["component"]
    assert "licenses" not in model and model["modelCard"] == {"bom-ref": "model-card"}


def test_minilm_release_validates(minilm_dir: Path) -> None:
    a = openness.assess(str(minilm_dir))
    for version in VERSIONS:
        data = assert_valid(export(a, version), version)
        card = data["metadata"]["component"]["modelCard"]
        assert len(card["modelParameters"]["datasets"]) == 21
        assert card["modelParameters"]["modelArchitecture"] == "BertModel"
        hashes = [c for c in data["components"] if c["type"] == "file" and c.get("hashes")]
        assert len(hashes) == len(a.files)

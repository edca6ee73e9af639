from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
import yaml
from jsonschema import FormatChecker

from openness.claims import read_claims, verify_claims
from openness.formats import RenderOptions, get
from openness.model import Origin
from openness.pipeline import assess
from tests.helpers import CORPUS

from .releases import build


def test_mof_yaml_is_mot_model_yaml_that_verifies_against_its_release(tmp_path: Path) -> None:
    a = assess(str(build(tmp_path / "r", "III")), hash_files=False)
    text = get("mof-yaml")(a, RenderOptions(created="2026-01-02T03:04:05+00:00"))
    doc = yaml.safe_load(text)
    assert doc["framework"]["name"] == "Model Openness Framework"
    assert doc["release"]["date"] == "2026-01-02"
    assert doc["release"]["license"]["distribution"]["name"] == "Apache-2.0"
    components = {c["name"]: c for c in doc["release"]["components"]}
    assert len(components) == 17
    assert components["Model parameters (Final)"]["license"] == "Apache-2.0"
    assert "license" not in components["Training code"]
    assert "MOF class by that evidence: Class III" in text
    # the claims reader understands it, and the release does not contradict it
    document = read_claims(text.encode(), "model.yml")
    assert document.kind == "Model Openness Tool"
    assert {c.kind.value for c in document.claims} >= {"license", "weights", "model_card"}
    assert not verify_claims(a, document, "model.yml").findings


MOT_SCHEMA = CORPUS / "standards" / "mof_schema.json"


def _mot_valid(doc: object) -> None:
    if not MOT_SCHEMA.exists():
        pytest.skip("shared corpus standards folder absent")
    schema = json.loads(MOT_SCHEMA.read_text())
    jsonschema.Draft202012Validator(schema, format_checker=FormatChecker()).validate(doc)


def _config(folder: Path, config: dict[str, object]) -> None:
    (folder / "config.json").write_text(json.dumps(config))


@pytest.mark.parametrize(
    ("config", "architecture"),
    [
        ({"model_type": "bert", "architectures": ["BertModel"]}, "encoder"),
        ({"model_type": "llama", "architectures": ["LlamaForCausalLM"]}, "transformer decoder"),
        ({"model_type": "t5"}, "transformer encoder-decoder"),
        (
            {"model_type": "newfangled", "architectures": ["NewfangledForCausalLM"]},
            "transformer decoder",
        ),
        ({"model_type": "newfangled", "architectures": ["NewfangledModel"]}, ""),
    ],
)
def test_valid_against_the_mot_schema_with_architecture_in_its_list(
    tmp_path: Path, config: dict[str, object], architecture: str
) -> None:
    folder = build(tmp_path / "r", "III")
    _config(folder, config)
    a = assess(str(folder), hash_files=False)
    doc = yaml.safe_load(get("mof-yaml")(a, RenderOptions(created="2026-01-02T03:04:05+00:00")))
    _mot_valid(doc)
    assert doc["release"]["architecture"] == architecture
    assert doc["release"]["name"] == "r"  # the name the shared release facts give
    assert "huggingface" not in doc["release"] and "repository" not in doc["release"]


def test_without_a_creation_time_the_date_is_left_out_not_blank(tmp_path: Path) -> None:
    a = assess(str(build(tmp_path / "r", "III")), hash_files=False)
    doc = yaml.safe_load(get("mof-yaml")(a, RenderOptions()))
    _mot_valid(doc)
    assert "date" not in doc["release"]


def test_hub_and_github_origins_give_urls(tmp_path: Path) -> None:
    a = assess(str(build(tmp_path / "r", "III")), hash_files=False)
    commit = "0123456789abcdef0123456789abcdef01234567"
    hub = replace(
        a, origin=Origin("hub", f"hf:acme/tiny-bert@{commit}", "hf:acme/tiny-bert", commit)
    )
    doc = yaml.safe_load(get("mof-yaml")(hub, RenderOptions()))
    _mot_valid(doc)
    release = doc["release"]
    assert release["huggingface"] == "https://huggingface.co/acme/tiny-bert"
    assert release["name"] == "tiny-bert"
    weights = next(c for c in release["components"] if c["name"] == "Model parameters (Final)")
    assert weights["license_path"].startswith(
        f"https://huggingface.co/acme/tiny-bert/blob/{commit}/"
    )
    git = replace(a, origin=Origin("git", "gh:acme/tiny-bert", "/cache/acme+tiny-bert", commit))
    release = yaml.safe_load(get("mof-yaml")(git, RenderOptions()))["release"]
    assert release["repository"] == "https://github.com/acme/tiny-bert"
    assert "huggingface" not in release

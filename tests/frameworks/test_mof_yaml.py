from __future__ import annotations

from pathlib import Path

import yaml

from openness.claims import read_claims, verify_claims
from openness.formats import RenderOptions, get
from openness.pipeline import assess

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

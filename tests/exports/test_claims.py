"""Claims in: CycloneDX and Model Openness Tool documents verified against the release."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import openness
from openness.claims import ClaimsError, read_claims, verify_claims, with_claims
from openness.examples import example_path
from openness.formats import RenderOptions, get
from tests.helpers import ROOT, run_cli

pytest.importorskip("cyclonedx")
SCHEMA = json.loads((ROOT / "src" / "openness" / "schema" / "assessment-1.json").read_text())

MOT = """framework:
  name: 'Model Openness Framework'
  version: '1.0'
release:
  name: tiny
  license:
    distribution:
      name: {distribution}
  components:
    - name: 'Model parameters (Final)'
      description: 'Trained model parameters'
      license: {weights}
    - name: 'Model card'
      license: CC-BY-4.0
    - name: 'Training code'
      description: 'not released: no license'
"""


def check(a: openness.Assessment, text: str, source: str = "claims") -> openness.Assessment:
    result = verify_claims(a, read_claims(text.encode(), source), source)
    return with_claims(a, result)


def claim_findings(a: openness.Assessment) -> list[str]:
    return [f.rule_id for f in a.findings if f.rule_id.startswith("OPN-CLM-")]


def bom(a: openness.Assessment) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(get("cyclonedx")(a, RenderOptions()))
    return data


@pytest.fixture(scope="module")
def example() -> openness.Assessment:
    return openness.assess(str(example_path()))


def test_round_trip_has_no_contradictions(example: openness.Assessment) -> None:
    checked = check(example, json.dumps(bom(example)))
    assert claim_findings(checked) == []
    confirmed = [e.value for e in checked.evidence if e.fact == "claim.confirmed"]
    assert len(confirmed) == len(example.files) + 3  # + license, parameters, dataset
    assert "license Apache-2.0" in confirmed
    data = json.loads(get("json")(checked, RenderOptions()))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)


def test_an_edited_license_is_exactly_one_contradiction(example: openness.Assessment) -> None:
    data = bom(example)
    data["metadata"]["component"]["licenses"] = [{"license": {"id": "MIT"}}]
    checked = check(example, json.dumps(data), "edited.cdx.json")
    [contradiction] = [f for f in checked.findings if f.rule_id.startswith("OPN-CLM-")]
    assert contradiction.rule_id == "OPN-CLM-001"
    assert contradiction.location.file == "edited.cdx.json"
    assert contradiction.location.key == "/metadata/component/licenses/0/license"
    assert "MIT" in contradiction.reason and "Apache-2.0" in contradiction.reason


def test_digest_file_parameter_and_dataset_contradictions(example: openness.Assessment) -> None:
    data = bom(example)
    files = [c for c in data["components"] if c["type"] == "file"]
    files[0]["hashes"][0]["content"] = "0" * 64
    files[1]["name"] = "missing.bin"
    model = data["metadata"]["component"]
    for p in model["properties"]:
        if p["name"] == "openness:parameters":
            p["value"] = "7000000000"
    [dataset] = [c for c in data["components"] if c["type"] == "data"]
    dataset["name"] = "the-pile"
    model["licenses"] = [{"expression": "Apache-2.0"}]
    found = sorted(claim_findings(check(example, json.dumps(data))))
    assert found == ["OPN-CLM-002", "OPN-CLM-003", "OPN-CLM-004", "OPN-CLM-006"]


def test_license_ref_round_trips(make_release: Callable[..., Path]) -> None:
    a = openness.assess(str(make_release("license: other\nlicense_name: acme-license")))
    assert claim_findings(check(a, json.dumps(bom(a)))) == []


def test_unhashed_files_are_unverified_not_contradicted(example: openness.Assessment) -> None:
    unhashed = openness.assess(str(example_path()), hash_files=False)
    checked = check(unhashed, json.dumps(bom(example)))
    assert claim_findings(checked) == []
    unverified = [e for e in checked.evidence if e.fact == "claim.unverified"]
    assert len(unverified) == len(example.files)


def test_mot_yaml_consistent_and_contradicted(example: openness.Assessment) -> None:
    ok = check(example, MOT.format(distribution="Apache-2.0", weights="apache-2.0"))
    assert claim_findings(ok) == []
    assert len([e for e in ok.evidence if e.fact == "claim.confirmed"]) == 4
    bad = check(example, MOT.format(distribution="Apache-2.0", weights="llama3"))
    [finding] = [f for f in bad.findings if f.rule_id.startswith("OPN-CLM-")]
    assert finding.rule_id == "OPN-CLM-001"
    assert finding.location.key == "release.components[0].license"


def test_mot_claims_weights_and_card_the_release_lacks(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text("MIT License\n\nPermission is hereby granted, free of charge")
    a = openness.assess(str(tmp_path))
    found = claim_findings(check(a, MOT.format(distribution="MIT", weights="MIT")))
    assert sorted(found) == ["OPN-CLM-005", "OPN-CLM-005"]


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe not utf-8",
        b"{not json",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"bomFormat": "SPDX"}',
        b"just: a mapping\n",
        b"a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
        b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
        b"e: [*d, *d, *d, *d, *d, *d, *d, *d]\nf: [*d, *d, *d, *d, *d, *d, *d, *d]\n" * 3,
        b"release: [unclosed",
    ],
)
def test_unreadable_claims_are_a_clear_error(data: bytes) -> None:
    with pytest.raises(ClaimsError, match="^x.yml"):
        read_claims(data, "x.yml")


def test_hostile_bom_values_are_ignored_not_crashing(example: openness.Assessment) -> None:
    hostile = {
        "bomFormat": "CycloneDX",
        "metadata": {"component": {"type": "machine-learning-model", "licenses": [1, {}]}},
        "components": [None, {"type": "file", "name": 3}, {"type": "file", "hashes": "x"}],
    }
    checked = check(example, json.dumps(hostile))
    assert claim_findings(checked) == []


def test_cli_round_trip_and_exit_codes(tmp_path: Path) -> None:
    exported = tmp_path / "bom.json"
    result = run_cli(
        "assess", "--example", "-f", "cyclonedx", "--spec-version", "1.7", "-o", str(exported)
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(exported.read_text())["specVersion"] == "1.7"
    ok = run_cli("assess", "--example", "--claims", str(exported), "-f", "json")
    assert ok.returncode == 0, ok.stderr
    assert not [f for f in json.loads(ok.stdout)["findings"] if f["rule_id"].startswith("OPN-CLM")]
    exported.write_text(exported.read_text().replace('"id": "Apache-2.0"', '"id": "MIT"'))
    bad = run_cli("assess", "--example", "--claims", str(exported), "-f", "json")
    assert bad.returncode == 1
    rules = [f["rule_id"] for f in json.loads(bad.stdout)["findings"]]
    assert rules == ["OPN-CLM-001"]
    missing = run_cli("assess", "--example", "--claims", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "cannot read claims file" in missing.stderr
    (tmp_path / "junk.json").write_text("{")
    junk = run_cli("assess", "--example", "--claims", str(tmp_path / "junk.json"))
    assert junk.returncode == 2 and "invalid JSON" in junk.stderr and "Traceback" not in junk.stderr

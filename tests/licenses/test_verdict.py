"""One license verdict per release, read the same way by every report (issue 13)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import yaml

from openness.documents.files import license_detections
from openness.formats import cyclonedx, mof_yaml, spdx3
from openness.licenses import resolve_release
from openness.model import Attribute, Evidence, Level, LicenseCategory, Location, VerdictStatus
from openness.observatory.record import row_for
from openness.pipeline import assess
from openness.serialize import assessment_from_data, to_data
from tests.helpers import safetensors_bytes

# A notice pointing at the license, written for this test (no license text is stored here).
_NC_NOTICE = (
    "The weights in this repository are made available under the Creative Commons\n"
    "Attribution-NonCommercial 4.0 International license.\n"
    "See https://creativecommons.org/licenses/by-nc/4.0/ for its terms.\n"
)


def _conflicting_release(root: Path) -> Path:
    """The card says Apache-2.0; the LICENSE file says CC BY-NC 4.0."""
    (root / "README.md").write_text(
        "---\nlicense: apache-2.0\nlibrary_name: transformers\n---\n# Demo\n\nAn open model.\n",
        "utf-8",
    )
    (root / "LICENSE").write_text(_NC_NOTICE, "utf-8")
    (root / "config.json").write_text('{"model_type": "bert"}', "utf-8")
    header = {"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}
    (root / "model.safetensors").write_bytes(safetensors_bytes(header, 16))
    return root


def test_card_file_conflict_gives_one_strict_verdict_everywhere(tmp_path: Path) -> None:
    a = assess(str(_conflicting_release(tmp_path)), hash_files=False)
    lic = a.license

    # the headline: the strictest reading, marked as a conflict that cites both sides
    assert lic.status is VerdictStatus.CONFLICT
    assert lic.category is LicenseCategory.NONCOMMERCIAL
    assert (lic.id, lic.spdx, lic.declared) == ("CC-BY-NC-4.0", "CC-BY-NC-4.0", "apache-2.0")
    assert lic.osi_approved is False
    assert lic.terms is not None and lic.terms.commercial_use == "prohibited"
    assert "README.md:2#license" in lic.note and "LICENSE" in lic.note
    cited = {(e.fact, e.location.file) for e in lic.evidence}
    assert {("card.license", "README.md"), ("license_file.spdx", "LICENSE")} <= cited
    assert any(f.rule_id == "OPN-LIC-003" for f in a.findings)

    # the five attributes
    rating = a.rating(Attribute.OPEN_LICENSE)
    assert rating.level is Level.CLOSED and "commercial" in rating.rationale

    # every framework's license parameter
    frameworks = {f.framework: f for f in a.frameworks}

    def component(framework: str, cid: str) -> tuple[str, str]:
        c = next(c for c in frameworks[framework].components if c.id == cid)
        return c.status, c.rationale

    assert component("mof", "final_parameters")[0] != "open"
    status, why = component("osaid", "parameters")
    assert status == "fail" and "noncommercial" in why
    assert component("osaid", "any_purpose")[0] == "fail"
    status, why = component("osai-index", "licenses")
    assert status == "closed" and "noncommercial" in why
    status, why = component("fmti", "license")
    assert status == "not met" and "disagree" in why

    # the exports
    bom = json.loads(cyclonedx.render(a))
    model = bom["metadata"]["component"]
    assert [x["license"]["id"] for x in model["licenses"]] == ["CC-BY-NC-4.0"]
    props = {p["name"].split(":")[-1]: p["value"] for p in model["properties"]}
    assert props["license-category"] == "noncommercial"
    assert props["license-status"] == "conflict" and "Apache-2.0" in props["license-note"]

    graph = json.loads(spdx3.render(a))["@graph"]
    (expr,) = [g for g in graph if g.get("type") == "simplelicensing_LicenseExpression"]
    assert expr["simplelicensing_licenseExpression"] == "CC-BY-NC-4.0"
    assert "conflict" in expr["comment"]
    relation = next(g for g in graph if g.get("to") == [expr["spdxId"]])
    assert relation["relationshipType"] == "hasConcludedLicense"

    mot_text = mof_yaml.render(a)
    mot = yaml.safe_load(mot_text)
    assert mot["release"]["license"]["distribution"]["name"] == "CC-BY-NC-4.0"
    assert "# License conflict:" in mot_text

    # the observatory row, from the stored JSON
    data = json.loads(json.dumps(to_data(a)))
    row = row_for(data, "acme/demo", datetime(2025, 1, 1, tzinfo=UTC))
    assert row["license_id"] == "CC-BY-NC-4.0"
    assert row["license_category"] == "noncommercial"
    assert row["commercial_use"] == "no"
    assert data["license"]["status"] == "conflict" and "Apache-2.0" in data["license"]["note"]

    # the verdict survives the JSON round trip
    assert assessment_from_data(data).license == lic


def test_card_stricter_than_file_keeps_the_card() -> None:
    card = Evidence("card.license", "llama3", Location("README.md", line=2, key="license"))
    mit = Evidence("license_file.spdx", "MIT", Location("LICENSE"))
    found = license_detections("LICENSE", b"Licensed under the MIT License.\n")
    assert [(f.id, f.status) for f in found] == [("MIT", "identified")]
    verdict = resolve_release([card, mit], found).verdict
    assert verdict.status is VerdictStatus.CONFLICT
    assert verdict.category is LicenseCategory.RESTRICTED
    assert verdict.id == "LicenseRef-llama3"


def test_agreeing_card_and_file_is_identified_and_unstated_is_none() -> None:
    card = Evidence("card.license", "mit", Location("README.md", line=2, key="license"))
    verdict = resolve_release([card]).verdict
    assert (verdict.status, verdict.id, verdict.category) == (
        VerdictStatus.IDENTIFIED,
        "MIT",
        LicenseCategory.OPEN_SOURCE,
    )
    assert verdict.terms is not None and verdict.terms.commercial_use == "allowed"
    empty = resolve_release([])
    assert empty.verdict.status is VerdictStatus.NONE and empty.verdict.id is None
    assert [f.rule_id for f in empty.findings] == ["OPN-LIC-001"]


# A permissive code license written for this test: no catalogued license matches it.
_OWN_CODE_LICENSE = (
    "Copyright (C) 2025 Wombat Labs. All rights reserved.\n\n"
    "Wombat Labs grants you a personal, non-exclusive license to use, reproduce, modify and\n"
    "redistribute this software, with or without modifications, in source and binary forms,\n"
    "including for commercial purposes, provided that you retain this notice in all copies.\n\n"
    "THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND.\n"
)


def test_an_unknown_code_license_never_lifts_the_model_licenses_terms(tmp_path: Path) -> None:
    """LICENSE_MODEL is a noncommercial license, LICENSE an unrecognised permissive text: the
    terms read from LICENSE must not make the release's commercial use `allowed` (issue 14, seen
    on a real release whose headline said "Commercial use: yes")."""
    (tmp_path / "README.md").write_text("# Wombat\n\nA small model.\n", "utf-8")
    (tmp_path / "LICENSE_MODEL").write_text(_NC_NOTICE, "utf-8")
    (tmp_path / "LICENSE").write_text(_OWN_CODE_LICENSE, "utf-8")
    a = assess(str(tmp_path), hash_files=False)
    read = {lic.source.file: lic for lic in a.licenses}
    assert read["LICENSE"].terms.commercial_use == "allowed"  # the code license, as read
    assert a.license.terms is not None
    assert a.license.terms.commercial_use == "prohibited"
    assert a.rating(Attribute.OPEN_LICENSE).level is not Level.OPEN

"""Defects found on license texts the matcher was not tuned on (issue 14, benchmarks/README.md
"License texts nobody here had seen"), each pinned by a general rule, not by the text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from openness.licenses import clauses
from openness.licenses.catalog import ai_entries, resolve
from openness.licenses.detect import from_match
from openness.licenses.match import UNKNOWN, match_text, reference_ids
from openness.model import LicenseKind, Location

FINGERPRINTS = Path(__file__).resolve().parents[2] / "src/openness/licenses/fingerprints.json"


def test_every_catalogued_use_policy_has_a_reference_text() -> None:
    # a policy known by title only was scored from a sibling's text, capped below "identified":
    # the real Llama 3 policy read as "modified (91%)"
    have = reference_ids()
    policies = [e.resolved.id for e in ai_entries() if e.resolved.kind == LicenseKind.USE_POLICY]
    assert policies
    assert [p for p in policies if p not in have] == []


def test_references_outside_the_corpus_and_scancode_are_pinned() -> None:
    refs = json.loads(FINGERPRINTS.read_text("utf-8"))["refs"]
    for ref in refs:
        source = ref["source"]
        if source.startswith(("corpus:", "scancode:")):
            continue
        assert re.fullmatch(r"github:[\w.-]+/[\w.-]+@[0-9a-f]{7,40}:\S+", source), source


def test_llama33_policy_withholds_multimodal_models_in_the_eu() -> None:
    # the Llama 3.3 policy states the EU exclusion as the 3.2 one does; the profile lacked it,
    # so the real text read as "modified: territory exclusions added"
    found = resolve("LicenseRef-llama3.3-acceptable-use-policy")
    assert found is not None and found.terms.territory_exclusions


CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "licenses"


def _corpus(name: str) -> str:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip("../shared/corpus is not present")
    return path.read_text("utf-8", errors="replace")


def _paragraphs(text: str, share: float, start: float = 0.0) -> str:
    paras = [p for p in text.split("\n\n") if p.strip()]
    lo = int(len(paras) * start)
    return "\n\n".join(paras[lo : lo + max(1, int(len(paras) * share))])


_OWN_CLAUSES = "\n\n".join(
    f"{n}. The Wombat party shall keep record number {n} of every {w} made with the weights, "
    f"and shall hand a copy of record {n} to the Wombat office each {w} on request."
    for n, w in enumerate(("quarter", "season", "month", "week", "fortnight", "year") * 4, 5)
)


def test_a_license_under_its_own_title_sharing_some_clauses_is_not_modified() -> None:
    # DBRX's license shares 29% of Llama 2's text and was called "modified Llama 2"
    llama2 = _corpus("meta-llama2-LICENSE")
    text = "Wombat Open Model License\n\n" + _paragraphs(llama2, 0.6, 0.2) + "\n\n" + _OWN_CLAUSES
    found = match_text(text)
    assert found.candidates and found.candidates[0].score < 0.5
    assert found.status == UNKNOWN and found.license is None
    assert found.title == "Wombat Open Model License"
    assert "not in the catalog" in found.reason
    lic = from_match(found, Location("LICENSE", line=found.line))
    assert lic.status == "unknown" and lic.name == "Wombat Open Model License"


def test_most_of_a_catalogued_text_under_another_title_is_still_modified() -> None:
    llama2 = _corpus("meta-llama2-LICENSE")
    body = "\n".join(llama2.split("\n")[1:])
    found = match_text("Wombat Open Model License\n" + body)
    assert found.status == "modified" and found.candidates[0].id == "LicenseRef-llama2"


def test_a_titled_text_is_not_replaced_by_a_block_inside_it() -> None:
    # SDXL 0.9's research license was reported under its section heading "1. LICENSE GRANT"
    flux = _corpus("bfl-flux1-dev-LICENSE")
    text = (
        "WOMBAT 0.9 RESEARCH LICENSE AGREEMENT\n\n"
        + _OWN_CLAUSES
        + "\n\n1. LICENSE GRANT\n\n"
        + _paragraphs(flux, 0.15, 0.2)
        + "\n\n"
        + _OWN_CLAUSES * 3
    )
    found = match_text(text)
    assert found.status != "identified"
    assert found.title == "WOMBAT 0.9 RESEARCH LICENSE AGREEMENT", found.title


def test_a_line_wrapped_from_a_sentence_is_not_a_title() -> None:
    # Apple's sample code license: "...supplied to you by Apple / Inc. ("Apple") in
    # consideration of your agreement to the following" was read as the title
    text = (
        "Copyright (C) 2024 Wombat Inc. All Rights Reserved.\n\n"
        "Disclaimer: IMPORTANT:  This Wombat software is supplied to you by Wombat\n"
        'Inc. ("Wombat") in consideration of your agreement to the following\n'
        "terms, and your use of this software constitutes acceptance of these terms.\n"
    )
    assert clauses.read(text, 1).title is None

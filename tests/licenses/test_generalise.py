"""Terms read from the text itself, right on licenses never seen before (issue 15).

Variants of the corpus licenses are made at test time (tests/licenses/variants.py); the
hand-written clauses below are this project's own wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openness.documents.files import readme_license
from openness.licenses import clauses
from openness.licenses.match import IDENTIFIED, match_text
from tests.licenses import variants as V
from tests.licenses.test_match import EXPECTED_IDS


def _cases() -> list[V.Variant]:
    return list(V.variants())


def _expected_id(name: str) -> str:
    label = V.labels()[name]
    return EXPECTED_IDS[(str(label["family"]), label.get("version"), "license")]  # type: ignore[index]


@pytest.mark.parametrize(
    "variant", _cases(), ids=lambda v: f"{v.source}-{v.shape}" if isinstance(v, V.Variant) else ""
)
def test_variant_terms_are_read_from_the_text(variant: V.Variant) -> None:
    found = match_text(variant.text)
    assert V.check(variant, found, _expected_id(variant.source)) == []


def test_variants_exist_when_the_corpus_does() -> None:
    if not V.labels():
        pytest.skip("../shared/corpus is not present")
    shapes = {v.shape for v in _cases()}
    assert shapes == {
        "rename", "threshold", "commercial", "output", "territory", "deleted", "card",
        "padded", "retitled",
    }  # fmt: skip


def test_terms_from_the_text_alone_match_every_label() -> None:
    labels = V.labels()
    if not labels:
        pytest.skip("../shared/corpus is not present")
    for name, label in labels.items():
        if label["kind"] != "license":
            continue
        terms = clauses.read(V.text_of(name)).terms
        for field in V.FIELDS:
            got = getattr(terms, field)
            assert (str(got) if field == "commercial_use" else got) == label[field], (name, field)


def test_catalog_stated_terms_are_what_the_reader_finds() -> None:
    """`stated` in catalog.yaml lists the terms the reader finds in each catalogued text."""
    from openness.licenses.catalog import ai_entry

    labels = V.labels()
    if not labels:
        pytest.skip("../shared/corpus is not present")
    for name in labels:
        text = V.text_of(name)
        found = match_text(text)
        assert found.license is not None
        entry = ai_entry(found.license.id)
        if entry is None:
            continue
        read = clauses.read(text).terms
        stated = {t for t in clauses.COMPARED if clauses.value_of(read, t) is not None}
        assert entry.stated <= stated, name


def test_a_license_appended_to_a_readme_is_found(tmp_path: Path) -> None:
    if not V.labels():
        pytest.skip("../shared/corpus is not present")
    text = V.text_of("qwen-tongyi-LICENSE")
    card = "# Demo\n\nA model.\n\n## Usage\n\nRun it.\n\n"
    (lic,) = readme_license("README.md", (card + text).encode())
    assert lic.id == "LicenseRef-tongyi-qianwen" and lic.source.line == 9
    mau = next(s for s in lic.terms.sources if s.term == "mau_threshold")
    assert mau.line is not None and mau.line > 9


# --------------------------------------------------------------------------- own wording

_OWN = """ACME OPEN WEIGHTS LICENSE AGREEMENT
Version 2.1

1. Grant. Acme grants you a worldwide, royalty-free, revocable license to use, copy and
modify the Model.

2. Commercial use. If your products exceed two hundred million monthly active users, you
must request a separate license from Acme before any further commercial use.

3. Acceptable use. Your use is subject to the Acme Acceptable Use Policy at
https://acme.example/aup, which you must include with every copy you distribute.

4. Outputs. You will not use the Model or its outputs to improve any other large language model.

5. Territory. No rights are granted to anyone domiciled in the United Kingdom.

6. Attribution. You must retain this notice and display "Built with Acme" in your product.

7. Patents. If you institute patent litigation against Acme, this license terminates.
"""


def test_own_license_every_clause_cited() -> None:
    reading = clauses.read(_OWN)
    t = reading.terms
    assert (reading.title, reading.title_line, reading.version) == (
        "ACME OPEN WEIGHTS LICENSE AGREEMENT",
        1,
        "2.1",
    )
    assert t.commercial_use == "conditional" and t.mau_threshold == 200_000_000
    assert t.use_restrictions is True and t.use_policy_url == "https://acme.example/aup"
    assert t.restrictions_downstream is True
    assert t.output_training_restricted is True
    assert t.territory_exclusions == ("United Kingdom",)
    assert t.attribution is True and t.naming == 'display "Built with Acme"'
    assert t.revocable is True and t.patent_retaliation is True
    lines = {s.term: s.line for s in t.sources}
    assert lines["mau_threshold"] == 7 and lines["output_training_restricted"] == 13
    assert lines["territory_exclusions"] == 15 and lines["patent_retaliation"] == 19


def test_own_license_is_unknown_but_read() -> None:
    found = match_text(_OWN)
    assert found.status != IDENTIFIED and found.license is None
    assert found.terms is not None and found.terms.mau_threshold == 200_000_000
    assert found.title == "ACME OPEN WEIGHTS LICENSE AGREEMENT"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("You may use the Model for research purposes only.", "prohibited"),
        ("The Model may not be used for any commercial purpose.", "prohibited"),
        ("You may use the Model for commercial and non-commercial purposes.", "allowed"),
        ("Commercial use requires registration with us.", "conditional"),
        ("Outputs may be used for any purpose, including commercial purposes.", "unknown"),
        ("This file describes the model.", "unknown"),
    ],
)
def test_commercial_clauses(sentence: str, expected: str) -> None:
    assert clauses.read(sentence).terms.commercial_use == expected


def test_numbers_in_words_and_revenue() -> None:
    t = clauses.read(
        "Above seven hundred million monthly active users you must obtain a license from us. "
        "Companies with more than USD 10 million in annual revenue must contact us."
    ).terms
    assert t.mau_threshold == 700_000_000 and t.revenue_threshold_usd == 10_000_000


def test_outputs_for_competing_models_only_is_not_a_general_ban() -> None:
    t = clauses.read("You may not use outputs to train a model that competes with ours.").terms
    assert t.output_training_restricted is None
    (src,) = [s for s in t.sources if s.term == "output_training_restricted"]
    assert src.value == "only for competing models" and src.line == 1


def test_a_title_and_one_sentence_is_not_the_license() -> None:
    found = match_text("Yi Series Models Community License Agreement\nUse it responsibly.\n")
    assert found.status != IDENTIFIED and found.license is None
    assert found.confidence < 0.9

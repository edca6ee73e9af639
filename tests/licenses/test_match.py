"""Text matching on the real corpus: every label right, reformatted copies still named, and
paraphrased, cut or version-swapped variants (made here, never stored) never named."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from openness.licenses import clauses
from openness.licenses.match import IDENTIFIED, match_text
from openness.licenses.text import clean, flat

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "licenses"

#: the label's family (and version) -> this project's catalog id
EXPECTED_IDS = {
    ("llama", "2", "license"): "LicenseRef-llama2",
    ("llama", "3", "license"): "LicenseRef-llama3",
    ("llama", "3.1", "license"): "LicenseRef-llama3.1",
    ("llama", "3.2", "license"): "LicenseRef-llama3.2",
    ("llama", "2", "use-policy"): "LicenseRef-llama2-acceptable-use-policy",
    ("llama", "3.2", "use-policy"): "LicenseRef-llama3.2-acceptable-use-policy",
    ("deepseek", "1.0", "license"): "LicenseRef-deepseek",
    ("mit", None, "license"): "MIT",
    ("tongyi-qianwen", "2023-08-03", "license"): "LicenseRef-tongyi-qianwen",
    ("openrail", "2022-08-22", "license"): "LicenseRef-creativeml-openrail-m",
    ("openrail", "++-M 2022-11-24", "license"): "LicenseRef-openrail-plus-plus",
    ("openrail", "++-M 2023-07-26", "license"): "LicenseRef-openrail-plus-plus",
    ("flux-dev", "1.1.1", "license"): "LicenseRef-flux-1-dev-non-commercial-license",
    ("chatglm", "6b", "license"): "LicenseRef-chatglm-6b",
    ("apache", "2.0", "license"): "Apache-2.0",
    ("gpt-oss", None, "use-policy"): "LicenseRef-gpt-oss-usage-policy",
    ("apple-amlr", None, "license"): "LicenseRef-apple-amlr",
    ("cc-by-nc", "4.0", "license"): "CC-BY-NC-4.0",
    ("modified-mit", None, "license"): "LicenseRef-kimi-k2-modified-mit",
    ("stability-nc", "2023-11-21", "license"): "LicenseRef-stable-video-diffusion-nc-community",
}


def _labels() -> dict[str, dict[str, object]]:
    path = CORPUS / "labels.json"
    if not path.is_file():
        pytest.skip("../shared/corpus is not present")
    files: dict[str, dict[str, object]] = json.loads(path.read_text("utf-8"))["files"]
    return files


def _text(name: str) -> str:
    return (CORPUS / name).read_text("utf-8", errors="replace")


def _expected(label: dict[str, object]) -> str:
    kind = "use-policy" if label["kind"] == "use-policy" else "license"
    return EXPECTED_IDS[(str(label["family"]), label.get("version"), kind)]  # type: ignore[index]


def _license_names() -> list[str]:
    try:
        return [n for n, label in _labels().items() if label["kind"] == "license"]
    except pytest.skip.Exception:
        return []


def _all_names() -> list[str]:
    try:
        return list(_labels())
    except pytest.skip.Exception:
        return []


@pytest.mark.parametrize("name", _all_names())
def test_every_label_right(name: str) -> None:
    label = _labels()[name]
    found = match_text(_text(name))
    assert found.status == IDENTIFIED and found.license is not None, (name, found.reason)
    lic = found.license
    assert lic.id == _expected(label)
    assert found.confidence >= 0.95
    if label["kind"] != "license":
        assert lic.kind == "use-policy"
        return
    assert lic.kind == "license"
    assert lic.osi_approved is label["osi_approved"]
    assert lic.spdx == label["spdx"]
    assert lic.hf_id == label["hf_id"]
    t = lic.terms
    assert t.commercial_use == label["commercial_use"]
    assert t.mau_threshold == label["mau_threshold"]
    assert t.use_restrictions is label["use_restrictions"]
    assert t.output_training_restricted is label["output_training_restricted"]


@pytest.mark.parametrize("name", _license_names())
def test_terms_read_from_the_text_agree_with_the_profile(name: str) -> None:
    """Whatever the text states about a term must be what the catalog profile says."""
    found = match_text(_text(name))
    assert found.license is not None
    profile, read = found.license.terms, clauses.read(_text(name)).terms
    if read.commercial_use != "unknown":
        assert read.commercial_use == profile.commercial_use
    assert read.mau_threshold == profile.mau_threshold
    if read.use_restrictions is not None:
        assert read.use_restrictions is profile.use_restrictions
    if read.output_training_restricted is not None:
        assert read.output_training_restricted is profile.output_training_restricted


# --------------------------------------------------------------------------- reformatted copies


def _rewrap(text: str) -> str:
    return "\n\n".join(textwrap.fill(p, 58) for p in re.split(r"\n\s*\n", text))


def _html(text: str) -> str:
    paragraphs = re.split(r"\n\s*\n", text)
    body = "".join(f"<p>{p.replace('&', '&amp;')}</p>\n" for p in paragraphs)
    return f"<html><body><h1>License</h1>\n{body}</body></html>"


def _markdown(text: str) -> str:
    first, _, rest = text.strip().partition("\n")
    return f"# **{first.strip()}**\n\n" + "\n".join(f"* {line}" for line in rest.split("\n"))


@pytest.mark.parametrize("reformat", [_rewrap, _html, _markdown])
def test_reformatted_copies_keep_their_name(reformat: object) -> None:
    for name, label in _labels().items():
        found = match_text(reformat(_text(name)))  # type: ignore[operator]
        assert found.license is not None and found.license.id == _expected(label), name


# --------------------------------------------------------------------------- imitations

_SYNONYMS = {
    "use": "employ",
    "license": "permit",
    "model": "system",
    "shall": "must",
    "agreement": "contract",
    "rights": "entitlements",
    "terms": "provisions",
    "materials": "assets",
    "software": "program",
    "distribute": "share",
    "any": "each",
    "including": "such as",
    "without": "absent",
    "provided": "supplied",
    "other": "further",
}


def _paraphrase(text: str, every: int = 12) -> str:
    """Replace every n-th word of four letters or more: with a synonym, or reworded."""
    count = 0

    def swap(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        word = m.group()
        if count % every:
            return word
        return _SYNONYMS.get(word.lower(), word[::-1])

    return re.sub(r"[A-Za-z]{4,}", swap, text)


def _cut_clause(text: str) -> str:
    """Remove the longest paragraph after the first (a whole clause of the license)."""
    paragraphs = re.split(r"\n\s*\n", text)
    if len(paragraphs) < 4:
        sentences = re.split(r"(?<=\.)\s+", text)
        longest = max(range(1, len(sentences)), key=lambda i: len(sentences[i]))
        return " ".join(sentences[:longest] + sentences[longest + 1 :])
    longest = max(range(1, len(paragraphs)), key=lambda i: len(paragraphs[i]))
    return "\n\n".join(paragraphs[:longest] + paragraphs[longest + 1 :])


@pytest.mark.parametrize("name", _all_names())
def test_paraphrase_is_never_named(name: str) -> None:
    found = match_text(_paraphrase(_text(name)))
    assert found.status != IDENTIFIED, (name, found.confidence)
    assert found.license is None


@pytest.mark.parametrize("name", _all_names())
def test_removed_clause_is_never_named(name: str) -> None:
    text = _text(name)
    cut = _cut_clause(text)
    assert len(cut) < len(text) * 0.97 or len(text) < 600
    found = match_text(cut)
    assert found.status != IDENTIFIED, (name, found.confidence)


def test_modified_text_names_its_closest_candidates() -> None:
    _labels()
    found = match_text(_paraphrase(_text("meta-llama3_1-LICENSE"), every=30))
    assert found.status == "modified" and found.license is None
    assert found.candidates[0].id in ("LicenseRef-llama3.1", "LicenseRef-llama3.2")
    assert 0.5 <= found.confidence < 0.95


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("meta-llama3_1-LICENSE", "3.1", "3.2"),
        ("meta-llama3_1-LICENSE", "3.1", "3.3"),
        ("meta-llama3_2-LICENSE", "3.2", "3.1"),
        ("meta-llama2-LICENSE", "Llama 2", "Llama 3"),
        ("meta-llama2-LICENSE", "LLAMA 2", "LLAMA 4"),
    ],
)
def test_swapped_version_is_never_named(name: str, old: str, new: str) -> None:
    _labels()
    found = match_text(_text(name).replace(old, new))
    assert found.status != IDENTIFIED, found.license


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("meta-llama2-LICENSE", "700 million", "900 million"),
        ("qwen-tongyi-LICENSE", "100 million", "10 million"),
        ("kimi-k2-LICENSE", "100 million", "1 billion"),
    ],
)
def test_a_changed_threshold_is_a_modified_license(name: str, old: str, new: str) -> None:
    _labels()
    text = _text(name)
    assert old in text
    found = match_text(text.replace(old, new))
    assert found.status == "modified" and found.license is None


def test_a_removed_output_training_clause_is_a_modified_license() -> None:
    _labels()
    text = flat(clean(_text("meta-llama2-LICENSE")))
    cut = re.sub(r"v\. you will not use the llama materials or any output[^.]*\.[^.]*\.", "", text)
    assert len(cut) < len(text)
    found = match_text(cut)
    assert found.status != IDENTIFIED


# --------------------------------------------------------------------------- short texts


def test_pointer_file_names_the_license_by_its_url() -> None:
    found = match_text("Please refer to https://ai.google.dev/gemma/terms for the terms of use.\n")
    assert found.license is not None and found.license.id == "LicenseRef-gemma"
    assert (found.via, found.line) == ("pointer", 1)
    assert 0.5 <= found.confidence < 0.95
    cc = match_text("See https://creativecommons.org/licenses/by-nc/4.0/ for details.")
    assert cc.license is not None and cc.license.id == "CC-BY-NC-4.0"
    assert match_text("Please refer to https://example.com/our-terms").status != IDENTIFIED


def test_notice_and_spdx_identifier() -> None:
    found = match_text('Licensed under the Apache License, Version 2.0 (the "License");')
    assert found.license is not None and found.license.id == "Apache-2.0"
    assert found.via == "notice"
    spdx = match_text("# SPDX-License-Identifier: MIT\n")
    assert spdx.license is not None and spdx.license.id == "MIT"


@pytest.mark.parametrize(
    "text", ["", "   \n", "\x00\xff" * 100, "All rights reserved.", "lorem ipsum " * 20000]
)
def test_hostile_or_empty_texts_are_unknown(text: str) -> None:
    found = match_text(text)
    assert found.status != IDENTIFIED and found.license is None


def test_a_notice_in_a_markdown_link_outranks_the_url_it_links() -> None:
    """01-ai/Yi's README: "distributed under the [Apache 2.0 license](.../Yi/blob/main/LICENSE)":
    the URL once held the Yi Community License, the sentence names Apache 2.0."""
    text = (
        "The code and weights of the Yi-1.5 series models are distributed under the "
        "[Apache 2.0 license](https://github.com/01-ai/Yi/blob/main/LICENSE).\n"
    )
    found = match_text(text)
    assert found.status == IDENTIFIED and found.license is not None
    assert found.license.id == "Apache-2.0", found

"""Per-model and cumulative license sentences: a repository of several models licensed
differently leaves the release's license undecided (unless the release is named), while one
subject under two licenses at once is bound by both."""

from __future__ import annotations

from pathlib import Path

import pytest

import openness
from openness.documents.license_sentences import model_license_statements, model_subject

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "realworld-dev"

SEVERAL_MODELS = """# Wombat: marsupial language models

## Licenses

- Base model checkpoints (`Wombat-Base-Alpha`) are licensed under the Creative Commons license
  (CC BY-SA-4.0).
- Fine-tuned checkpoints (`Wombat-Tuned-Alpha`) are licensed under the Non-Commercial Creative
  Commons license (CC BY-NC-SA-4.0).
- All code in this repository is licensed under the Apache License 2.0 license.
"""


def _licenses(folder: Path) -> tuple[str, str]:
    result = openness.assess(str(folder), hash_files=False)
    index = next(f for f in result.frameworks if f.framework == "osai-index")
    component = next(c for c in index.components if c.id == "licenses")
    return component.status, component.rationale


def test_models_licensed_differently_leave_the_release_undecided(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(SEVERAL_MODELS)
    status, why = _licenses(tmp_path)
    assert status == "unknown"
    assert "wombat-base-alpha: open" in why and "wombat-tuned-alpha: restricted" in why


def test_the_named_release_takes_its_own_models_license(tmp_path: Path) -> None:
    card = "---\nmodel_name: wombat-tuned-alpha-7b\npipeline_tag: text-generation\n---\n"
    (tmp_path / "README.md").write_text(card + SEVERAL_MODELS)
    assert _licenses(tmp_path)[0] == "closed"
    (tmp_path / "README.md").write_text(card.replace("tuned", "base") + SEVERAL_MODELS)
    assert _licenses(tmp_path)[0] == "open"


@pytest.mark.parametrize(
    "sentence",
    [
        "The community usage of the Wombat 2 model requires adherence to Apache 2.0 and the "
        "Community License for Wombat 2 Model.",
        "社区使用 Wombat 2 模型需要遵循 Apache 2.0 和《Wombat 2 模型社区许可协议》。",
    ],
)
def test_one_subject_under_two_licenses_is_bound_by_both(tmp_path: Path, sentence: str) -> None:
    base = "The Wombat-7B-Base weights are released under Apache 2.0."
    text = f"# Wombat 2\n\n## License\n\n{sentence}\n\n{base}\n"
    (tmp_path / "README.md").write_text(text)
    assert _licenses(tmp_path)[0] == "closed"


def test_a_restriction_on_every_model_decides_for_all(tmp_path: Path) -> None:
    text = (
        "# Wombat\n\nWombat-7B-Base is released under Apache 2.0.\n\n"
        "The model weights are licensed under the Wombat Model License.\n"
    )
    (tmp_path / "README.md").write_text(text)
    assert _licenses(tmp_path)[0] == "closed"


def test_the_subject_names_models_and_qualifiers_not_addresses() -> None:
    assert model_subject(
        "Fine-tuned checkpoints (`Wombat-Tuned-Alpha`) are licensed under CC BY-NC-SA-4.0"
    ) == ("fine-tuned", "wombat-tuned-alpha")
    assert model_subject("Released Wombat-3B-4E1T model under CC BY-SA-4.0") == ("wombat-3b-4e1t",)
    assert model_subject("send the form to opensource@wombat-inc.com under the license") == ()
    said = model_license_statements("README.md", ["The model weights are under the MIT license."])
    assert [e.value for e in said] == [("open", "", False, False)]


def test_baichuan2_conjunctive_license_stays_closed() -> None:
    docs = CORPUS / "baichuan2" / "docs"
    if not docs.is_dir():
        pytest.skip("realworld-dev corpus absent")
    assert _licenses(docs)[0] == "closed"


def test_a_license_field_of_the_model_summary_speaks_for_the_weights() -> None:
    from openness.documents.license_sentences import license_statements

    summary = ["# Wombat", "", "## 2. Model Summary", "", "- Layers: 62", "- License: MIT"]
    assert [e.value for e in license_statements("README.md", summary)] == ["weights:open"]
    elsewhere = ["# Wombat", "", "## Installation", "", "- License: MIT"]
    assert list(license_statements("README.md", elsewhere)) == []
    unknown_id = ["## Model Details", "", "- License: Wombat Terms"]
    assert list(license_statements("README.md", unknown_id)) == []


def test_a_restriction_on_some_listed_models_leaves_the_others_undecided(tmp_path: Path) -> None:
    readme = """# wombat-inference

## Model download

| Name | Download |
|------|----------|
| 7B Instruct | https://huggingface.co/wombat-ai/Wombat-7B-Instruct-v0.3 |
| Large 2 | https://huggingface.co/wombat-ai/Wombat-Large-Instruct-2407 |

Note:
- `wombat-large-instruct-2407.tar` has a custom non-commercial license, called Wombat
  Research License
"""
    place = tmp_path / "wombat-ai+wombat-inference"  # a checkout: its owner's models are its own
    place.mkdir()
    (place / "README.md").write_text(readme)
    status, why = _licenses(tmp_path)
    assert status == "unknown" and "Wombat-7B-Instruct-v0.3" in why
    single = readme.replace(
        "| 7B Instruct | https://huggingface.co/wombat-ai/Wombat-7B-Instruct-v0.3 |\n", ""
    )
    (place / "README.md").write_text(single)
    assert _licenses(tmp_path)[0] == "closed"


def test_a_news_item_is_superseded_by_the_license_section(tmp_path: Path) -> None:
    readme = """# Wombat

## News

- 2023-11-23: The Wombat Models Community License Agreement is updated to v2.1.

## License

The code and weights of the Wombat models are distributed under the Apache 2.0 license.
"""
    (tmp_path / "README.md").write_text(readme)
    assert _licenses(tmp_path)[0] == "open" and "README.md:9" in _cited(tmp_path)
    news_only = readme.split("## License")[0]
    (tmp_path / "README.md").write_text(news_only)
    assert _licenses(tmp_path)[0] == "closed"  # what the news said is all there is


def _cited(folder: Path) -> str:
    result = openness.assess(str(folder), hash_files=False)
    index = next(f for f in result.frameworks if f.framework == "osai-index")
    component = next(c for c in index.components if c.id == "licenses")
    return " ".join(str(e.location) for e in component.evidence)


def test_a_hostile_document_repeating_a_license_line_gives_bounded_statements() -> None:
    from openness.documents.license_sentences import MAX_STATEMENTS, license_statements

    lines = ["## Model Summary", *["- License: MIT"] * (MAX_STATEMENTS * 5)]
    assert len(list(license_statements("README.md", lines))) == MAX_STATEMENTS


def test_a_modified_open_license_is_not_that_open_license(tmp_path: Path) -> None:
    """Kimi K2.5: "released under the Modified MIT License" adds terms to MIT (a name to show
    above a size of business): it is not MIT, so the weights are not rated open."""
    (tmp_path / "README.md").write_text(
        "# Wombat\n\n## License\n\n"
        "Both the code repository and the model weights are released under the "
        "[Modified MIT License](LICENSE).\n"
    )
    status, why = _licenses(tmp_path)
    assert status == "closed", why
    statements = [
        e.value
        for e in model_license_statements(
            "README.md", ["Our weights are under a custom Apache 2.0 license."]
        )
    ]
    assert [s[0] for s in statements] == ["restricted"]


def test_the_licenses_of_base_models_are_no_model_license_agreement(tmp_path: Path) -> None:
    """open-instruct: "the license we use for V1 models (along with the base model licenses)
    can be found in ..." names no license; "base model licenses" is not a Model License."""
    (tmp_path / "README.md").write_text(
        "# Wombat trainer\n\n## Licensing\n\nThis codebase is licensed under Apache 2.0.\n\n"
        "The license we use for V1 models released (along with the base model licenses) can "
        "be found in [the license file](./assets/license.txt).\n"
    )
    status, why = _licenses(tmp_path)
    assert status != "closed", why


MODEL_ZOO = """# Wombat model zoo

Pretrained models trained by the community, each under its own terms.

### WombatCLIP

WombatCLIP models are described in their own paper.

Models are licensed under CC-BY-NC.

### KANGA-2

Models are licensed under the MIT License.
"""


def test_a_section_named_after_a_model_says_whose_models_its_license_sentence_covers(
    tmp_path: Path,
) -> None:
    (tmp_path / "README.md").write_text(MODEL_ZOO)
    status, why = _licenses(tmp_path)
    assert status == "unknown"
    assert "wombatclip: restricted" in why and "kanga-2: open" in why


def test_a_license_section_names_no_model_so_its_sentence_covers_all(tmp_path: Path) -> None:
    text = MODEL_ZOO.replace("### KANGA-2", "## License").replace("### WombatCLIP", "## Models")
    (tmp_path / "README.md").write_text(text)
    assert _licenses(tmp_path)[0] == "closed"


def test_a_model_family_written_as_no_english_word_is_the_subject_not_the_license_it_follows() -> (
    None
):
    assert model_subject(
        "Currently, the KOALA based models are subject to a non-commercial license"
    ) == ("koala",)
    assert model_subject(
        "The usage of KoaLa checkpoints should comply with the base LLM's model license"
    ) == ("koala",)
    # a platform or format is no model
    assert model_subject("Our HuggingFace checkpoints are released under CC-BY-NC 4.0") == ()
    # the model license named after the comply is the license, not the subject
    assert model_subject(
        "We release Wombat weights v0 as delta weights to comply with the KoaLa model license."
    ) == ("delta",)


SOMEONE_ELSES_FAMILY = """# Wombat

## Models

| Model | Download |
|---|---|
| Wombat-J | [weights](https://huggingface.co/acme-ai/wombat-j) |

## Why several architectures?

One of the major differences is license. Currently, the KOALA based models are subject to a
non-commercial license, whereas the Wombat-J models allow commercial usage.
"""


def test_a_restriction_on_another_model_family_leaves_the_listed_models_undecided(
    tmp_path: Path,
) -> None:
    place = tmp_path / "acme-ai+wombat"
    place.mkdir()
    (place / "README.md").write_text(SOMEONE_ELSES_FAMILY)
    status, why = _licenses(tmp_path)
    assert status == "unknown"
    assert "koala: restricted" in why and "acme-ai/wombat-j" in why

"""Weights the documents say are downloadable: the release's own model links in a download
context, base told from end by name, gated access told apart, others' models ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

import openness
from openness.documents.place_names import owners_of
from openness.documents.sections import find_headings
from openness.documents.weights_links import weights_download_facts

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "realworld-dev"

DOWNLOAD_TABLE = """# Wombat

## Model Downloads

| Model | Params | Download |
|---|---|---|
| Wombat-7B-Base | 7B | [🤗 Hub](https://huggingface.co/acme-ai/Wombat-7B-Base) |
| Wombat-7B-Chat | 7B | [🤗 Hub](https://huggingface.co/acme-ai/Wombat-7B-Chat) |

## Comparison

We compare against [Kangaroo-7B](https://huggingface.co/other-lab/Kangaroo-7B), whose weights
are available too.
"""


def _facts(text: str, owners: frozenset[str], path: str = "README.md") -> list[tuple[str, str]]:
    lines = text.split("\n")
    found = weights_download_facts(path, lines, find_headings(lines), owners)
    return [(e.fact, str(e.value)) for e in found]


def test_a_download_table_names_base_and_end_weights_of_the_own_organisation() -> None:
    facts = _facts(DOWNLOAD_TABLE, owners_of(["acme-ai/wombat"]))
    assert facts == [
        ("doc.weights.base", "acme-ai/Wombat-7B-Base"),
        ("doc.weights.end", "acme-ai/Wombat-7B-Chat"),
    ]


def test_another_organisations_model_is_not_the_releases_weights() -> None:
    assert _facts(DOWNLOAD_TABLE, owners_of(["someone/else"])) == []
    assert _facts(DOWNLOAD_TABLE, frozenset()) == []


def test_a_model_link_without_a_download_context_says_nothing() -> None:
    text = "# Wombat\n\nTo train [Wombat](https://huggingface.co/acme-ai/Wombat-7B), run train.py."
    assert _facts(text, owners_of(["acme-ai/wombat"])) == []


def test_a_download_sentence_a_cli_command_and_a_checkpoint_file() -> None:
    text = (
        "# Usage\n\nDownload the model from https://huggingface.co/acme-ai/Wombat-7B now.\n\n"
        "```\nhuggingface-cli download acme-ai/Wombat-7B-GGUF --local-dir x\n```\n\n"
        "## Pretraining checkpoints\n\n"
        "| step | weights |\n|---|---|\n"
        "| 50k | [link](https://assets.acme.com/wombat/pretrained/7B/ckpt_50k.pt) |\n"
    )
    facts = _facts(text, owners_of(["acme/wombat", "acme-ai/wombat"]))
    assert facts == [
        ("doc.weights.end", "acme-ai/Wombat-7B"),
        ("doc.weights.end", "acme-ai/Wombat-7B-GGUF"),
        ("doc.weights.base", "https://assets.acme.com/wombat/pretrained/7B/ckpt_50k.pt"),
    ]


def test_a_list_of_the_releases_models_names_its_weights() -> None:
    text = (
        "# Wombat\n\nWombat comes in two flavours.\n\n"
        "- [`acme-ai/wombat-2b`](https://huggingface.co/acme-ai/wombat-2b): the chat model\n"
        "- see also [our space](https://huggingface.co/spaces/acme-ai/demo)\n\n"
        "| [Wombat Base](https://huggingface.co/acme-ai/wombat-2b-base) | pretrained |\n"
    )
    assert _facts(text, owners_of(["acme-ai/wombat"])) == [
        ("doc.weights.end", "acme-ai/wombat-2b"),
        ("doc.weights.base", "acme-ai/wombat-2b-base"),
    ]


def test_a_size_called_base_is_not_a_base_model() -> None:
    text = "## Released checkpoints\n\n- [w](https://huggingface.co/acme-ai/wombat-base-summarise)"
    assert _facts(text, owners_of(["acme-ai/wombat"])) == [
        ("doc.weights.end", "acme-ai/wombat-base-summarise")
    ]


def test_owners_come_from_repository_places_not_local_paths() -> None:
    assert owners_of(["gh:Acme-AI/Wombat@v1", "acme+x", "/tmp/acme/wombat", "hf:acme/w"]) == {
        "acmeai",
        "acme",
    }


def _assess(tmp_path: Path, readme: str) -> dict[str, tuple[str, str]]:
    place = tmp_path / "acme-ai+wombat"
    place.mkdir(exist_ok=True)
    (place / "README.md").write_text(readme, encoding="utf-8")
    result = openness.assess(str(tmp_path), hash_files=False, frameworks="osai-index")
    index = result.frameworks[0]
    return {c.id: (c.status, c.rationale) for c in index.components}


def test_the_index_rates_stated_downloads_open_and_gated_ones_partial(tmp_path: Path) -> None:
    levels = _assess(tmp_path, DOWNLOAD_TABLE)
    assert levels["base_model_weights"][0] == "open"
    assert levels["end_model_weights"][0] == "open"
    assert "acme-ai/Wombat-7B-Chat" in levels["end_model_weights"][1]
    assert "not read" in levels["end_model_weights"][1]


def test_gated_weights_are_partial(tmp_path: Path) -> None:
    gated = DOWNLOAD_TABLE + "\nThe weights are gated: request access on the model page.\n"
    levels = _assess(tmp_path, gated)
    assert levels["end_model_weights"][0] == "partial"
    assert levels["base_model_weights"][0] == "partial"


@pytest.mark.parametrize(
    "sentence",
    [
        "Once your request is approved, you will receive a signed URL.",
        "Note: access to the Base model requires manual approval.",
        "Accept the license and you will be granted access to all the models.",
    ],
)
def test_access_after_approval_is_gated(tmp_path: Path, sentence: str) -> None:
    assert _assess(tmp_path, DOWNLOAD_TABLE + "\n" + sentence + "\n")["end_model_weights"][0] == (
        "partial"
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "The license gives ungated access to the weights.",
        "Wombat uses gated linear units (GLU).",
    ],
)
def test_ungated_access_and_gated_units_are_not_gated(tmp_path: Path, sentence: str) -> None:
    assert _assess(tmp_path, DOWNLOAD_TABLE + "\n" + sentence + "\n")["end_model_weights"][0] == (
        "open"
    )


@pytest.mark.skipif(not (CORPUS / "dots-llm1").is_dir(), reason="realworld-dev corpus absent")
def test_a_real_download_table_gives_both_weights() -> None:
    result = openness.assess(
        str(CORPUS / "dots-llm1" / "docs"), hash_files=False, frameworks="osai-index"
    )
    components = {c.id: c for c in result.frameworks[0].components}
    for component, line in (("base_model_weights", 63), ("end_model_weights", 64)):
        assert components[component].status == "open"
        cited = [e.location for e in components[component].evidence]
        assert ("rednote-hilab+dots.llm1/README.md", line) in [(c.file, c.line) for c in cited]


def test_a_linked_repository_that_was_not_read_lends_no_owner(tmp_path: Path) -> None:
    """With --follow-links, links that were not read are listed as places (`#unread/...`); a
    comparison table linking another lab's model must not become the release's weights."""
    from openness.documents.release_docs import release_doc_facts
    from openness.limits import Limits
    from openness.sources import open_release
    from openness.sources.places import PlaceSpec

    place = tmp_path / "acme-ai+wombat"
    place.mkdir()
    (place / "README.md").write_text(
        "| Model | Download |\n|---|---|\n| [K](https://huggingface.co/other-lab/kangaroo) | x |\n",
        encoding="utf-8",
    )
    with open_release(str(tmp_path), Limits()) as release:
        unread = PlaceSpec(
            "#unread/gh:other-lab/kangaroo",
            "gh:other-lab/kangaroo",
            "link",
            "gh:other-lab/kangaroo",
            "linked, not verified",
        )
        release.place_specs = (unread,)  # type: ignore[attr-defined]
        facts = release_doc_facts(release, Limits())
    assert not [e for e in facts if e.fact.startswith("doc.weights")]


def test_the_heading_above_a_line() -> None:
    from openness.documents.sections import heading_at

    lines = ["intro", "# One", "text", "## Two", "text"]
    headings = find_headings(lines)
    assert heading_at(headings, 1) is None
    assert heading_at(headings, 3).text == "One"  # type: ignore[union-attr]
    assert heading_at(headings, 5).text == "Two"  # type: ignore[union-attr]


def test_malformed_links_and_a_header_far_above_say_nothing() -> None:
    owners = owners_of(["acme-ai/wombat"])
    broken = (
        "## Download\n\n- [w](https://[::1/acme-ai/x) https://huggingface.co/ https://%%%/a.pt\n"
    )
    assert _facts(broken, owners) == []
    far = ["| Model | Download |", "|---|---|"] + ["| x | y |"] * 600
    far.append("| w | [w](https://huggingface.co/acme-ai/wombat-7b) |")
    assert _facts("\n".join(far), owners) == []


def test_a_table_introduced_as_the_download_links_names_the_weights() -> None:
    """Baichuan 2's README: "The specific released versions and download links are shown in the
    table below:" above a table whose rows start with a size, not the link."""
    owners = owners_of(["acme-ai/wombat"])
    rows = (
        "|    | Base Models | Aligned Models |\n|:-:|:-:|:-:|\n"
        "| 7B | [Wombat-7B-Base](https://huggingface.co/acme-ai/Wombat-7B-Base) | "
        "[Wombat-7B-Chat](https://huggingface.co/acme-ai/Wombat-7B-Chat) |\n"
    )
    introduced = "# Models\n\nThe released versions and download links are in the table below:\n\n"
    assert _facts(introduced + rows, owners) == [
        ("doc.weights.base", "acme-ai/Wombat-7B-Base"),
        ("doc.weights.end", "acme-ai/Wombat-7B-Chat"),
    ]
    # a table of scores under a sentence about evaluation is no download listing
    assert _facts("# Models\n\nScores of the models on five benchmarks:\n\n" + rows, owners) == []
    # the sentence must sit right above the table: one 40 lines higher says nothing of it
    far = "# Models\n\nThe download links are below.\n" + "\nText.\n" * 20 + "\n" + rows
    assert _facts(far, owners) == []


CHECKPOINT_ARCHIVES = """# Wombat

### Model Zoo

| Model | Stage | PyTorch Checkpoint (url) |
|:--|:-:|:-:|
| Wombat-1B | 3 | [wombat_1b](https://ml-cdn.files-acme.com/datasets/wombat/wombat_1b_stage3.zip) |

## Data

Download the evaluation set: https://ml-cdn.files-acme.com/datasets/wombat/eval_set.zip
"""


def test_an_archive_in_a_checkpoint_table_on_the_own_organisations_host_is_weights() -> None:
    """`files-acme.com` is Acme's by a hyphenated word of its label; the `.zip` counts because
    the column names checkpoints, and the host's `/datasets/` folder does not make it data."""
    assert _facts(CHECKPOINT_ARCHIVES, owners_of(["acme/wombat"])) == [
        ("doc.weights.end", "https://ml-cdn.files-acme.com/datasets/wombat/wombat_1b_stage3.zip")
    ]


def test_an_archive_offered_only_for_download_is_not_weights() -> None:
    text = CHECKPOINT_ARCHIVES.split("## Data")[1]
    assert _facts(text, owners_of(["acme/wombat"])) == []
    assert _facts(CHECKPOINT_ARCHIVES, owners_of(["other/wombat"])) == []


def test_gating_said_in_another_document_does_not_gate_the_releases_weights(
    tmp_path: Path,
) -> None:
    """A how-to about someone else's gated models ("### Python (gated models)") beside the
    README that lists the release's own downloads."""
    guide = tmp_path / "acme-ai+wombat" / "docs" / "chat_templates.md"
    guide.parent.mkdir(parents=True)
    guide.write_text("# Chat templates\n\n### Python (gated models)\n\nLog in first.\n")
    assert _assess(tmp_path, DOWNLOAD_TABLE)["end_model_weights"][0] == "open"

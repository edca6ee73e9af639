"""Every document of a release read, and the EU index levels calibrated: `unknown` unless the
places read show the thing or say it is absent; a code license never speaks for the weights."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import openness
from openness.documents.release_docs import document_facts, license_statements
from tests.helpers import safetensors_bytes

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "realworld-dev"

OWN_AND_CITED = """# Wombat-7B

[Paper](https://arxiv.org/abs/2501.01234) | [Code](https://example.org/code)

Wombat builds on earlier work (https://arxiv.org/abs/1706.03762), which we thank.

## Citation

```bibtex
@article{smith2025wombat,
  title={Wombat: a small marsupial language model},
  author={Smith, A.},
  journal={arXiv preprint arXiv:2501.01234},
  year={2025}
}
@inproceedings{doe2020kangaroo,
  title={Kangaroo: hopping attention},
  booktitle={Proceedings of NeurIPS},
  year={2020}
}
```
"""


def _facts(path: str, text: str, names: frozenset[str] = frozenset()) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {}
    for e in document_facts(path, text, names):
        out.setdefault(e.fact, []).append(e.value)
    return out


def test_own_preprint_is_told_from_a_cited_method_paper() -> None:
    facts = _facts("org+wombat/README.md", OWN_AND_CITED, frozenset({"wombat"}))
    assert set(facts["doc.paper.preprint"]) == {"arXiv:2501.01234"}
    # the other work's venue is a citation of someone else, not the release's paper
    assert "doc.paper.venue" not in facts


def test_a_venue_in_the_releases_own_entry_is_a_peer_reviewed_paper() -> None:
    text = "@inproceedings{doe2024wombat,\n  title={Wombat},\n  booktitle={Proceedings of ACL},\n}"
    facts = _facts("wombat/README.md", text, frozenset({"wombat"}))
    assert facts["doc.paper.venue"] == ["Proceedings of ACL"]


def test_an_arxiv_link_in_prose_is_not_the_releases_preprint() -> None:
    text = (
        "# Wombat\n\nWe follow the setup described in https://arxiv.org/abs/1706.03762 closely.\n"
    )
    assert "doc.paper.preprint" not in _facts("README.md", text)


def test_license_statements_scope_each_component() -> None:
    line = (
        "The code in this repository is under the Apache-2.0 license, while the model weights "
        "are licensed under the [Model License](MODEL_LICENSE)."
    )
    found = {e.value for e in license_statements("README.md", [line])}
    assert found == {"code:open", "weights:restricted"}


def test_a_link_target_does_not_name_a_component() -> None:
    line = "License: [CC BY 4.0](https://huggingface.co/datasets/org/corpus)."
    assert not list(license_statements("README.md", [line]))


def test_a_code_readme_is_not_a_model_card_but_a_model_card_file_is() -> None:
    assert "doc.model_card" not in _facts("org+repo/README.md", "# Repo\n\n## Training\n")
    card = _facts("org+repo/MODEL_CARD.md", "# Card\n\n## Model architecture\n\n## Evaluation\n")
    assert card["doc.model_card"] and set(card["doc.model_card.topic"]) == {
        "architecture",
        "evaluation",
    }


def _osai(path: Path) -> dict[str, str]:
    result = openness.assess(str(path), hash_files=False)
    index = next(f for f in result.frameworks if f.framework == "osai-index")
    return {c.id: c.status for c in index.components}


def test_a_code_repository_license_does_not_license_the_weights(tmp_path: Path) -> None:
    repo = tmp_path / "org+wombat"
    repo.mkdir()
    (repo / "README.md").write_text("# Wombat inference code\n\nRun `python chat.py`.\n")
    (repo / "LICENSE").write_text(_APACHE_NOTICE)
    levels = _osai(tmp_path)
    assert levels["licenses"] == "unknown"
    assert levels["end_model_weights"] == "unknown"
    # weights and cards live elsewhere (the Hub): their absence here is never "closed"
    assert levels["base_model_weights"] == levels["model_card"] == "unknown"


_DOWNLOAD = "\n## Download\n\n```\nhuggingface-cli download acme/wombat-7b\n```\n"


def test_a_place_read_that_names_no_data_code_or_paper_rates_them_closed(tmp_path: Path) -> None:
    repo = tmp_path / "acme+wombat"
    repo.mkdir()
    readme = "# Wombat\n\nWombat is fast. Run `python chat.py`.\n" + _DOWNLOAD
    (repo / "README.md").write_text(readme)
    levels = _osai(tmp_path)
    closed = {"base_model_data", "end_model_data", "datasheet", "training_code"}
    closed |= {"code_documentation", "paper"}
    assert {k for k, v in levels.items() if v == "closed"} == closed
    # a preprint often follows the documents: its absence stays unknown
    assert levels["preprint"] == "unknown"
    result = openness.assess(str(tmp_path), hash_files=False)
    index = next(f for f in result.frameworks if f.framework == "osai-index")
    paper = next(c for c in index.components if c.id == "paper")
    assert "acme+wombat/README.md" in paper.rationale  # the documents read are named


def test_the_silence_of_a_readme_that_presents_no_model_is_no_absence(tmp_path: Path) -> None:
    """A training framework's or an inference port's README (a fork of Megatron-LM linked as
    a release's training code) says nothing of the data of the models trained with it: on the
    EU index's database its silence was right 65% of the time, a model's own README's 85%."""
    repo = tmp_path / "acme+trainer"
    repo.mkdir()
    (repo / "README.md").write_text(
        "# Trainer\n\nA library to train transformer models at scale.\n\n"
        "## Setup\n\n```\npip install -e .\n```\n"
    )
    levels = _osai(tmp_path)
    for key in ("base_model_data", "end_model_data", "datasheet", "training_code"):
        assert levels[key] == "unknown", key
    assert levels["paper"] == "closed"  # a paper would be cited by any README: still absent
    (repo / "README.md").write_text("# Trainer\n\nA library to train models.\n" + _DOWNLOAD)
    assert _osai(tmp_path)["base_model_data"] == "closed"  # this README presents a model


def test_what_a_document_names_keeps_the_level_unknown(tmp_path: Path) -> None:
    repo = tmp_path / "org+wombat"
    repo.mkdir()
    (repo / "README.md").write_text(
        "# Wombat\n\n## Fine-tuning\n\n```\ndeepspeed finetune_wombat.py --lr 1e-5\n```\n\n"
        "Instruction data: [here](https://github.com/someone/alpaca/tree/main/data).\n\n"
        "See https://aclanthology.org/2023.acl-long.1/ for the method.\n"
    )
    levels = _osai(tmp_path)
    for key in ("base_model_data", "datasheet", "training_code", "code_documentation", "paper"):
        assert levels[key] == "unknown", key


def test_a_request_is_not_a_license_term_and_the_release_name_speaks_for_the_weights() -> None:
    line = (
        "While Wombat-7B is released under an Apache 2.0 license, we ask that usage of the "
        "model be limited to non-commercial purposes."
    )
    found = {e.value for e in license_statements("README.md", [line], frozenset({"wombat"}))}
    assert found == {"weights:open"}


def test_weights_with_an_open_license_are_open(tmp_path: Path) -> None:
    header = {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    (tmp_path / "model.safetensors").write_bytes(safetensors_bytes(header, 8))
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n# Wombat\n")
    levels = _osai(tmp_path)
    assert levels["end_model_weights"] == "open" and levels["licenses"] == "open"


def test_a_model_license_agreement_closes_the_licenses_parameter(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "# Wombat\n\nThe model weights are licensed under the Wombat Community License.\n"
    )
    assert _osai(tmp_path)["licenses"] == "closed"


_APACHE_NOTICE = (
    "Copyright 2025 Example\n\n"
    'Licensed under the Apache License, Version 2.0 (the "License");\n'
    "you may not use this file except in compliance with the License.\n"
)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/realworld-dev is absent")
def test_confident_answers_agree_with_the_experts_on_the_real_releases() -> None:
    from benchmarks.bench_experts import PARAMETERS, expert_levels, releases, tool_levels

    confident = agree = 0
    for release in releases("all"):
        tool, _, _ = tool_levels(release / "docs")
        expert = expert_levels(release)
        for param in PARAMETERS:
            if tool[param] != "unknown":
                confident += 1
                agree += tool[param] == expert[param]
    # pinned at the level reached; it may only rise (see benchmarks/README.md for the table)
    assert confident >= 80 and agree / confident >= 0.9, json.dumps([agree, confident])


def test_a_restrictive_model_license_leaves_the_code_license_standing(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Wombat\n\n## Fine-tuning\n\nRun `python train.py`.\n")
    (tmp_path / "train.py").write_text("print('train')\n")
    (tmp_path / "LICENSE").write_text(_APACHE_NOTICE)
    (tmp_path / "MODEL_LICENSE").write_text(
        "The Wombat Model License\n\nThe weights may be used for non-commercial research only.\n"
    )
    levels = _osai(tmp_path)
    assert levels["training_code"] == "open"
    assert levels["licenses"] == "closed"


def test_the_paper_a_release_is_named_after_is_not_its_own() -> None:
    text = (
        "# OpenWombat: an open reproduction of Wombat\n\n"
        "@article{smith2023wombat,\n  title={Wombat: efficient marsupial models},\n"
        "  journal={arXiv preprint arXiv:2302.00001},\n}\n\n"
        "@software{acme2023openwombat,\n  title={OpenWombat: An Open Reproduction of Wombat},\n}\n"
    )
    facts = _facts("acme+open_wombat/README.md", text, frozenset({"wombat"}))
    notes = {
        e.value: e.note
        for e in document_facts("acme+open_wombat/README.md", text, frozenset({"wombat"}))
        if e.fact == "doc.citation"
    }
    assert notes["smith2023wombat"].startswith("other")
    assert notes["acme2023openwombat"].startswith("own")
    assert "doc.paper.preprint" not in facts


@pytest.mark.parametrize(
    ("path", "primary"),
    [
        ("README.md", True),
        ("org+repo/README.md", True),
        ("@code/README.md", True),
        ("@acme+wombat-train/MODEL_CARD.md", True),
        ("docs/README.md", False),
        ("org+repo/docs/README.md", False),
        ("org+repo/NOTES.md", False),
    ],
)
def test_the_root_readme_or_card_of_each_place_is_primary(path: str, primary: bool) -> None:
    assert ("doc.primary" in _facts(path, "# Wombat\n")) is primary


def test_a_license_sentence_wrapped_over_lines_is_read_whole() -> None:
    lines = [
        "# License",
        "",
        "The code and associated Wombat weights in this release are licensed under the",
        "Apache 2.0 license. The license applies to the source files and the weights.",
        "",
        "- a list item under the MIT license",
    ]
    found = {(e.value, e.location.line) for e in license_statements("README.md", lines)}
    assert ("weights:open", 3) in found and ("code:open", 3) in found


def test_long_hostile_links_and_commands_give_no_false_facts() -> None:
    # (each used to cost quadratic regex backtracking; the patterns are now linear)
    links = "\n".join(f"https://github.com/a/b{'/tree/x' * 1400}{i}" for i in range(100))
    commands = ("python " + "a " * 240 + "\n") * 500
    for text in (links, commands):
        facts = _facts("README.md", text)
        assert "doc.dataset_link" not in facts and "doc.training.section" not in facts


def test_a_repository_place_names_the_release_whose_readme_lies_at_its_root() -> None:
    """A `gh:acme/WombatLM-3` place: its README is `README.md`, no folder names the release,
    and its title is a logo; the repository's name makes the BibTeX entry its own."""
    text = (
        '<div align="center"><img src="logo.svg"></div>\n\n## Citation\n\n'
        "@misc{acme2025wombatlm,\n  title={WombatLM-3 Technical Report},\n"
        "  eprint={2501.01234},\n  archivePrefix={arXiv},\n}\n"
    )
    anonymous = list(document_facts("README.md", text, frozenset()))
    assert not [e for e in anonymous if e.fact == "doc.paper.preprint"]
    named = document_facts("README.md", text, frozenset(), repositories=frozenset({"WombatLM-3"}))
    assert [e.value for e in named if e.fact == "doc.paper.preprint"] == ["arXiv:2501.01234"]


def test_a_repository_name_does_not_make_the_work_it_is_named_after_its_own() -> None:
    text = "@article{t2023wombat,\n  title={Wombat: hopping models},\n  journal={arXiv},\n}\n"
    facts = document_facts("README.md", text, frozenset(), repositories=frozenset({"open_wombat"}))
    assert not [e for e in facts if e.fact == "doc.paper.preprint"]


@pytest.mark.parametrize("path", ["docs/finetuning.md", "guides/fine-tuning.md", "fine_tuning.md"])
def test_a_fine_tuning_guide_is_training_documentation(path: str) -> None:
    facts = [e.fact for e in document_facts(path, "# Guide\n\nSome text.\n", frozenset())]
    assert "doc.training" in facts


def test_a_citation_of_the_repository_itself_is_no_paper() -> None:
    text = (
        "@misc{wombat,\n  title = {Wombat: a marsupial model},\n  publisher = {GitHub},\n"
        "  journal = {GitHub repository},\n  howpublished = {\\url{https://example.org/wombat}},\n}"
    )
    facts = _facts("wombat/README.md", text, frozenset({"wombat"}))
    assert "doc.paper.venue" not in facts
    assert "doc.paper.preprint" not in facts
    assert facts["doc.citation"] == ["wombat"]


DATA_SECTION = """# Wombat-1B

Wombat is a small language model.

## Data Collection

Wombat is trained on web text curated by the authors, synthetic data they generated and
public datasets with permissive licenses; see the technical report for the list.

## Evaluation

Scores on common benchmarks.
"""


def test_data_described_only_in_prose_is_closed_for_what_it_is(tmp_path: Path) -> None:
    """A README with a data section but no dataset named, linked or released: the EU index's
    experts rate that closed, but "no document names a data source" would be a false reason;
    the reason cites the section instead."""
    facts = _facts("README.md", DATA_SECTION)
    assert facts["doc.data.section"] == ["data collection"]
    (tmp_path / "MODEL_CARD.md").write_text(DATA_SECTION)  # a card: it speaks for a model
    a = openness.assess(str(tmp_path), hash_files=False, health=False)
    index = next(f for f in a.frameworks if f.framework == "osai-index")
    data = next(c for c in index.components if c.id == "base_model_data")
    assert data.status == "closed"
    assert "data collection" in data.rationale
    assert "names or links" not in data.rationale
    assert ("MODEL_CARD.md", 5) in {(e.location.file, e.location.line) for e in data.evidence}
    sheet = next(c for c in index.components if c.id == "datasheet")
    assert sheet.status == "closed" and "data collection" in sheet.rationale
    silent = tmp_path / "silent"
    silent.mkdir()
    (silent / "MODEL_CARD.md").write_text(DATA_SECTION.split("## Data Collection")[0])
    b = openness.assess(str(silent), hash_files=False, health=False)
    index = next(f for f in b.frameworks if f.framework == "osai-index")
    data = next(c for c in index.components if c.id == "base_model_data")
    assert data.status == "closed" and "names or links" in data.rationale


FINETUNED = """# Stanford Wombat: an instruction-following Kangaroo model

Wombat is an instruction-following model fine-tuned from a 7B Kangaroo model on 52K
demonstrations; the demonstrations are released in `data/wombat_data.json`.
"""


def test_a_sentence_naming_another_base_model_makes_the_base_unknown(tmp_path: Path) -> None:
    """The release's data is not the base model's: a README saying it is fine-tuned from another
    model (no `base_model` in a card) leaves the base model's data and weights `unknown`."""
    facts = _facts("README.md", FINETUNED, frozenset({"wombat", "stanford"}))
    assert facts["doc.base_model"] == ["Kangaroo"]
    (tmp_path / "README.md").write_text(FINETUNED)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "wombat_data.json").write_text('[{"instruction": "x"}]\n')
    a = openness.assess(str(tmp_path), hash_files=False, health=False)
    index = next(f for f in a.frameworks if f.framework == "osai-index")
    status = {c.id: c.status for c in index.components}
    assert status["base_model_data"] == "unknown"
    assert status["end_model_data"] == "open"
    # its own base model ("Wombat-Chat is fine-tuned from Wombat-Base") is no other model
    own = "# Wombat-Chat\n\nWombat-Chat is fine-tuned from Wombat-Base on dialogues.\n"
    assert "doc.base_model" not in _facts("README.md", own, frozenset({"wombat"}))
    assert "doc.base_model" not in _facts("README.md", "We fine-tuned from scratch.\n")


def test_fine_tuning_a_named_base_model_names_the_base() -> None:
    text = "Wombat is created by fine-tuning a Kangaroo base model on 125K conversations.\n"
    assert _facts("README.md", text, frozenset({"wombat"}))["doc.base_model"] == ["Kangaroo"]
    for advice in (
        "We recommend fine-tuning the pretrained model on your own data.\n",
        "For a minimal example of finetuning a GPT2 model on a local dataset, see `example/`.\n",
    ):
        assert "doc.base_model" not in _facts("README.md", advice, frozenset({"wombat"}))
    # a how-to beside the code is not where the release says what it was made from
    how_to = "scripts/train/README.md"
    assert "doc.base_model" not in _facts(how_to, text, frozenset({"wombat"}))


def test_a_readme_naming_its_training_data_is_no_evidence_of_absence(tmp_path: Path) -> None:
    """ "trained on [the Pile](paper link)": the data is named (a paper link is no dataset link),
    so `closed` ("no document names a data source") would be false; not verified: `unknown`."""
    text = (
        "# Wombat-20B\n\nWombat-20B is an autoregressive model trained on "
        "[the Pile](https://arxiv.org/abs/2101.00027).\n"
    )
    assert _facts("README.md", text)["doc.data.named"] == ["Pile"]
    (tmp_path / "README.md").write_text(text)
    a = openness.assess(str(tmp_path), hash_files=False, health=False)
    index = next(f for f in a.frameworks if f.framework == "osai-index")
    data = next(c for c in index.components if c.id == "base_model_data")
    assert data.status == "unknown" and "Pile" in data.rationale
    for other in (
        "Wombat was trained on 512 A100 GPUs for a month.\n",
        "Wombat is continually trained on the Kangaroo-9B to improve its code.\n",
        "Wombat is trained on English and French text.\n",
    ):
        assert "doc.data.named" not in _facts("README.md", other)


def test_a_readme_saying_the_data_is_withheld_makes_the_data_closed(tmp_path: Path) -> None:
    """Data-cleaning documentation would make the data `partial`; the README's own word that
    the conversations are not released makes it `closed`, citing that line."""
    text = (
        "# Wombat\n\nWombat is fine-tuned on 100K shared conversations.\n"
        "We will not release the conversation dataset; try the code on your own data.\n"
    )
    assert _facts("README.md", text)["doc.data.withheld"] == [
        "will not release the conversation dataset"
    ]
    (tmp_path / "README.md").write_text(text)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "data_cleaning.md").write_text("# Data cleaning\n\nDeduplicate.\n")
    a = openness.assess(str(tmp_path), hash_files=False, health=False)
    index = next(f for f in a.frameworks if f.framework == "osai-index")
    data = next(c for c in index.components if c.id == "end_model_data")
    assert data.status == "closed"
    assert ("README.md", 4) in {(e.location.file, e.location.line) for e in data.evidence}
    for other in ("The data will be released soon.\n", "We do not share our evaluation code.\n"):
        assert "doc.data.withheld" not in _facts("README.md", other)


CARD = """# Wombat-7B

## Model Architecture

Wombat is an auto-regressive language model that uses an optimized transformer architecture.

## Hardware and Software

Training used 1.3M GPU hours of computation on H100-80GB hardware.

## Training Data

Wombat was pretrained on a new mix of publicly available online data.

## Evaluation

Scores on common benchmarks.
"""
NUMBERS = (
    "\n| Hyperparameter | Value |\n|---|---|\n"
    "| # transformer blocks | 32 |\n| Hidden size | 4 096 |\n"
)


def test_an_architecture_sketched_in_a_sentence_is_partial(tmp_path: Path) -> None:
    """The index's experts rate a card that names the training hardware and sketches the
    architecture in one sentence (the Llama 3 cards) `partial`, an architecture given in
    numbers `open`. A command's `--num-layers 2` is no architecture."""
    (tmp_path / "MODEL_CARD.md").write_text(CARD)
    assert _osai(tmp_path)["hardware_architecture"] == "partial"
    (tmp_path / "MODEL_CARD.md").write_text(
        CARD + "\n```\ntrain.py --num-layers 2 --heads 4\n```\n"
    )
    assert _osai(tmp_path)["hardware_architecture"] == "partial"
    (tmp_path / "MODEL_CARD.md").write_text(CARD.replace("## Hardware", NUMBERS + "\n## Hardware"))
    assert _osai(tmp_path)["hardware_architecture"] == "open"
    assert _facts("MODEL_CARD.md", "32 layers and 8 attention heads\n")["doc.architecture.numbers"]


def test_a_model_card_is_open_only_when_it_names_its_training_data(tmp_path: Path) -> None:
    """ "A new mix of publicly available online data" describes the data without naming it:
    the experts rate such a card `partial` (the Llama 3 cards), one naming its data `open`."""
    (tmp_path / "MODEL_CARD.md").write_text(CARD)
    assert _osai(tmp_path)["model_card"] == "partial"
    named = CARD.replace("a new mix of", "[KangarooWeb](https://huggingface.co/datasets/acme/kw),")
    (tmp_path / "MODEL_CARD.md").write_text(named)
    assert _osai(tmp_path)["model_card"] == "open"


@pytest.mark.parametrize(
    ("command", "training"),
    [
        ("python evals/harness_eval.py --model hf --model_args pretrained=acme/wombat-1b", False),
        ("python generate.py --ckpt pretrained/wombat.pt", False),
        ("torchrun --nproc_per_node 8 pretrain/run.py --devices 8", True),
        ("accelerate launch --config_file deepspeed.yaml sft.py", True),
        ("python -m wombat.train configs/wombat-1b.yaml", True),
    ],
)
def test_a_command_runs_training_when_its_script_says_so_not_its_options(
    command: str, training: bool
) -> None:
    text = f"# Wombat\n\n```bash\n{command}\n```\n"
    facts = _facts("README.md", text)
    assert ("doc.training.section" in facts) is training


P_TUNING = """# Wombat-7B Chat Fine-tuning

Run `python finetune.py data/ acme/Wombat-7B configs/lora.yaml`.

## Reference

```
@inproceedings{liu2022p,
title={P-tuning: Prompt tuning can be comparable to fine-tuning across scales and tasks},
booktitle={Proceedings of the 60th Annual Meeting of the Association for Computational Linguistics},
year={2022}
}
```
"""


def test_a_method_cited_by_a_how_to_is_not_the_releases_paper_for_sharing_its_verb() -> None:
    """The how-to's title says "Fine-tuning" and the cited method is "P-tuning": the words of
    what is done name no release."""
    facts = _facts("finetune/README.md", P_TUNING)
    assert "doc.paper.venue" not in facts
    assert [str(v) for v in facts["doc.citation"]] == ["liu2022p"]


@pytest.mark.parametrize(
    "sentence",
    [
        "You can find example fine-tuning scripts in `finetune/README.md`.",
        "To start a simple model fine-tuning example, run the following commands:",
    ],
)
def test_example_fine_tuning_scripts_are_for_users(sentence: str) -> None:
    facts = _facts("README.md", f"# Wombat\n\n### Model Fine-tuning\n\n{sentence}\n")
    assert "doc.library_for_users" in facts


FAMILY_ZOO = """# Pretrained models

### MetaWombat

@inproceedings{xu2023metawombat,
   title={Demystifying WOMBAT Data},
   journal={arXiv preprint arXiv:2309.00001},
   year={2023}
}

### Wombat-C

@inproceedings{li2023wombatc,
      title={An Inverse Scaling Law for WOMBAT Training},
      booktitle={NeurIPS},
      year={2023}
}
"""


def test_works_on_the_model_family_a_repository_reimplements_are_not_its_own() -> None:
    """`open_wombat` reimplements Wombat: papers on Wombat by others share only `wombat` with it
    and never spell `openwombat`."""
    facts = list(
        document_facts(
            "docs/PRETRAINED.md",
            FAMILY_ZOO,
            frozenset(),
            frozenset(),
            repositories=frozenset({"open_wombat"}),
        )
    )
    assert not [e for e in facts if e.fact in ("doc.paper.preprint", "doc.paper.venue")]
    own = "@article{w2024,\n  title={Open Wombat: reproducible scaling},\n  journal={CVPR},\n}\n"
    facts = list(
        document_facts(
            "README.md", own, frozenset(), frozenset(), repositories=frozenset({"open_wombat"})
        )
    )
    assert [e.value for e in facts if e.fact == "doc.paper.venue"] == ["CVPR"]


@pytest.mark.parametrize(
    ("parent", "section"),
    [("## 4. Pre-Training Details", True), ("## Fine-tuning", True), ("## Evaluation", False)],
)
def test_a_data_heading_inside_a_training_section_is_a_data_section(
    parent: str, section: bool
) -> None:
    text = f"# Wombat\n\n{parent}\n\n### Data\n\nOur data mixes web text, code and books.\n"
    facts = _facts("README.md", text)
    assert ("doc.data.section" in facts) is section


@pytest.mark.parametrize(
    ("line", "released"),
    [
        (
            "- `2025/08/30`: We open-source the training code of [Wombat-2](x) and its RL stage.",
            True,
        ),
        ("- [x] Release training / evaluation code for the Wombat 2 series", True),
        ("The training code is available at https://example.org/acme/wombat-train.", True),
        ("- [ ] Release training code", False),
        ("We do not release the training code.", False),
        ("### Will you release training code?", False),
        ("We will release the training code soon.", False),
    ],
)
def test_a_sentence_saying_the_training_code_is_released(line: str, released: bool) -> None:
    assert ("doc.training.released" in _facts("README.md", f"# Wombat\n\n{line}\n")) is released


def test_training_code_said_to_be_released_is_not_closed(tmp_path: Path) -> None:
    place = tmp_path / "acme+wombat"
    place.mkdir()
    (place / "README.md").write_text(
        "# Wombat\n\nWombat is a vision-language model.\n\n## News\n\n"
        "- 2025/08/30: We open-source the training code of Wombat-2.\n"
    )
    levels = _osai(tmp_path)
    assert levels["training_code"] == "unknown"
    assert levels["code_documentation"] == "unknown"


def test_a_numbered_section_heading_is_no_title_naming_a_longer_release() -> None:
    """The README's first heading "1. Introduction of Wombat Coder" is a section, not a title:
    read as one, it contained the cited name `WombatCoder`, which made the release's own report
    look like a work the release is named after."""
    text = (
        "### 1. Introduction of Wombat Coder\n\nCode models.\n\n### 10. Citation\n```\n"
        "@misc{wombat-coder,\n  title = {Wombat-Coder: When the Model Meets Programming},\n"
        "  journal = {CoRR},\n  url = {https://arxiv.org/abs/2401.00001},\n}\n```\n"
    )
    facts = _facts("acme+Wombat-Coder/README.md", text, frozenset({"wombat", "coder"}))
    assert facts["doc.paper.preprint"] == ["arXiv:2401.00001"]


def test_a_link_labelled_as_the_paper_is_a_paper_on_any_host(tmp_path: Path) -> None:
    """ "refer to our [research paper](https://ai.example.com/publications/wombat/)": the
    documents do cite a paper, so the peer-reviewed paper is not `closed`."""
    readme = (
        "# Wombat\n\nWombat is a code model. For details refer to our [research paper]"
        "(https://ai.example.com/research/publications/wombat-open-models/).\n"
    )
    facts = _facts("README.md", readme)
    assert facts["doc.paper.link"] == [
        "https://ai.example.com/research/publications/wombat-open-models/"
    ]
    (tmp_path / "README.md").write_text(readme)
    assert _osai(tmp_path)["paper"] == "unknown"
    (tmp_path / "README.md").write_text(readme.replace("research paper", "blog post"))
    assert _osai(tmp_path)["paper"] == "closed"


def test_a_cards_bold_training_data_label_is_a_data_section() -> None:
    card = "# Wombat\n\n**Training data**\nAll models were trained on the same data as Koala 2.\n"
    assert _facts("MODEL_CARD.md", card)["doc.data.section"] == ["training data"]


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("Models are CC-BY-NC due to the training data Koala, an in-the-wild dataset.", "Koala"),
        ("Training data: The Pile and RedPajama.", "Pile"),
        ("| Wombat | trained on the Pile |", "Pile"),
        ("### Training Data Composition", None),
        ("The training data is proprietary.", None),
    ],
)
def test_a_readme_naming_its_training_data(line: str, named: str | None) -> None:
    facts = _facts("README.md", f"# Wombat\n\n{line}\n")
    assert facts.get("doc.data.named", [None])[0] == named


@pytest.mark.parametrize(
    ("command", "training"),
    [
        ("python eval/harness.py --model hf --model_args pretrained=org/wombat-1b", False),
        ("python -m wombat.generate --checkpoint pretrained/wombat.pt", False),
        ("torchrun --nproc_per_node 8 scripts/pretrain_wombat.py", True),
        ("python -m wombat.train --config c.yaml", True),
        ("python src/training/main.py --epochs 3", True),
        ("bash run_sft.sh", True),
    ],
)
def test_a_training_command_is_told_by_what_it_runs_not_its_arguments(
    command: str, training: bool
) -> None:
    facts = _facts("wombat/README.md", f"# Wombat\n\nRun:\n\n```\n{command}\n```\n")
    assert ("doc.training.section" in facts) is training


def test_an_evaluated_use_section_is_about_uses_not_evaluation_results() -> None:
    card = "# Wombat\n\n## Model Use\n\n### Evaluated Use\n\nResearchers studying speech.\n"
    facts = _facts("model-card.md", card)
    assert "evaluation" not in facts.get("doc.model_card.topic", [])
    results = card + "\n## Evaluation results\n\n| task | score |\n|---|---|\n| asr | 0.9 |\n"
    assert "evaluation" in _facts("model-card.md", results)["doc.model_card.topic"]

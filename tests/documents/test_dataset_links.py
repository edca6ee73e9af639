"""A benchmark the model is scored on is no training data source; a software DOI in a BibTeX
entry is a citation, not data."""

from __future__ import annotations

from pathlib import Path

import openness
from openness.documents.dataset_links import is_evaluation_data
from openness.documents.release_docs import document_facts

BENCHMARK = "https://huggingface.co/datasets/acme/KangarooQA"


def test_a_dataset_linked_as_a_benchmark_is_evaluation_data() -> None:
    line = f"Wombat scores well on public benchmarks such as [KangarooQA]({BENCHMARK})."
    assert is_evaluation_data(BENCHMARK, line, "")
    assert is_evaluation_data(BENCHMARK, f"- [KangarooQA]({BENCHMARK})", "Evaluation results")
    named = "https://huggingface.co/datasets/acme/wombat-bench"
    assert is_evaluation_data(named, f"We release [it]({named}).", "Data")


def test_a_dataset_the_model_was_trained_on_is_training_data() -> None:
    line = f"For the best performance we trained Wombat on [KangarooQA]({BENCHMARK})."
    assert not is_evaluation_data(BENCHMARK, line, "Evaluation")
    assert not is_evaluation_data(BENCHMARK, f"- [KangarooQA]({BENCHMARK})", "Training data")


def test_document_facts_tell_the_two_apart_and_skip_bibtex_fields() -> None:
    text = (
        "# Wombat\n\n## Performance\n\n"
        f"Wombat leads on [KangarooQA]({BENCHMARK}).\n\n## Training data\n\n"
        "- [acme/outback-corpus](https://huggingface.co/datasets/acme/outback-corpus)\n\n"
        "```\n@software{wombat,\n  url = {https://doi.org/10.5281/zenodo.123456}\n}\n```\n"
    )
    facts = [(e.fact, e.value) for e in document_facts("README.md", text, frozenset())]
    assert ("doc.eval_dataset_link", BENCHMARK) in facts
    assert [v for f, v in facts if f == "doc.dataset_link"] == [
        "https://huggingface.co/datasets/acme/outback-corpus"
    ]


def test_a_readme_linking_only_benchmarks_names_no_data_source(tmp_path: Path) -> None:
    place = tmp_path / "acme+wombat"
    place.mkdir()
    (place / "README.md").write_text(
        f"# Wombat\n\nWombat is a model: [weights](https://huggingface.co/acme/wombat).\n\n"
        f"## Performance\n\nSee [KangarooQA]({BENCHMARK}).\n",
        encoding="utf-8",
    )
    result = openness.assess(str(tmp_path), hash_files=False, frameworks="osai-index")
    levels = {c.id: c.status for c in result.frameworks[0].components}
    assert levels["base_model_data"] == "closed"
    assert levels["datasheet"] == "closed"


def test_a_benchmark_under_a_subheading_of_the_results_is_evaluation_data() -> None:
    """Baichuan 2: BBH listed under "# Benchmark Results" > "## General Domain"."""
    text = (
        "# Wombat\n\n# Benchmark Results\n\nWe compare Wombat with its peers.\n\n"
        "## General Domain\n\n"
        f"- [KQA]({BENCHMARK}) is a hard subset of a larger suite of tasks.\n"
    )
    facts = [(e.fact, e.value) for e in document_facts("README.md", text, frozenset())]
    assert ("doc.eval_dataset_link", BENCHMARK) in facts


def test_the_sample_data_of_a_how_to_is_no_training_data_source() -> None:
    """Baichuan 2's fine-tuning how-to: "This sample data was drawn from [multiturn_chat]...
    The main purpose is to demonstrate how to train", also in Chinese (该样例数据)."""
    sample = "https://huggingface.co/datasets/acme/chats"
    english = (
        f"Training data: `data/chats_10k.json`. This sample data was drawn from [chats]({sample})."
        " The main purpose is to demonstrate how to train with multi-turn data."
    )
    chinese = f"训练数据：`data/chats_10k.json`，该样例数据是从 [chats]({sample}) 采样出 1 万条。"
    for line in (english, chinese):
        text = f"# Wombat\n\n## Fine-tuning\n\n{line}\n"
        facts = [(e.fact, e.value) for e in document_facts("README.md", text, frozenset())]
        assert ("doc.example_dataset_link", sample) in facts, line
        assert ("doc.dataset_link", sample) not in facts, line
    trained = f"# Wombat\n\nWombat was trained on [chats]({sample}), a sample of forums.\n"
    facts = [(e.fact, e.value) for e in document_facts("README.md", trained, frozenset())]
    assert ("doc.dataset_link", sample) in facts

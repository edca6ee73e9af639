"""FMTI's hardware, compute and data size rest on a line about training that names them, not on
any GPU, FLOPs or "N samples" in a README (issue 14: seen on real releases)."""

from __future__ import annotations

import pytest

from openness.documents.release_docs import document_facts
from openness.frameworks.card_text import scan_text


def _mentions(line: str) -> set[str]:
    return {e.fact for e in scan_text("README.md", f"# Wombat\n{line}\n") if "mentions" in e.fact}


@pytest.mark.parametrize(
    "line",
    [
        "The relative speeds below are measured by transcribing speech on an A100.",
        "- Support for training on multiple GPUs",
        "Additional requirements for GPU execution.",
        "If dataset A has 1000 samples, pass `--train-data-upsampling-factors=0.001`.",
        "See the models we support (number of parameters, FLOPs) in this table.",
        "The vocabulary has 64 tokens and the context 32 positions.",
    ],
)
def test_a_line_not_about_training_mentions_no_training_facts(line: str) -> None:
    assert _mentions(line) == set()


@pytest.mark.parametrize(
    ("line", "fact"),
    [
        ("Pre-training takes four days on 4 to 16 Cloud TPUs.", "card.mentions.hardware"),
        ("Wombat was trained on 2,048 H100 GPUs.", "card.mentions.hardware"),
        ("A command that fine-tunes Wombat on 4 A100 GPUs.", "card.mentions.hardware"),
        ("Training used 3.8e24 FLOPs.", "card.mentions.compute"),
        ("The base models were trained on 300B tokens of web text.", "card.mentions.data_size"),
    ],
)
def test_a_line_about_training_still_mentions_them(line: str, fact: str) -> None:
    assert fact in _mentions(line)


def test_a_model_size_in_a_path_is_no_training_hardware() -> None:
    text = "# Wombat\n\nTo train from a checkpoint, pass `/path/to/my/b32.pt`.\n"
    assert "doc.mentions.training_hardware" not in {
        e.fact for e in document_facts("R.md", text, frozenset())
    }
    text = "# Wombat\n\nWe trained Wombat on 64 A100 GPUs.\n"
    assert "doc.mentions.training_hardware" in {
        e.fact for e in document_facts("R.md", text, frozenset())
    }

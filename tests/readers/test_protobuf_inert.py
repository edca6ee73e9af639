"""A sentencepiece `tokenizer.model` (protobuf) is recognised and inert: a release with one is
read completely; unknown binary next to it is still reported unscanned."""

from __future__ import annotations

import io
import os
import random
from pathlib import Path

import pytest

import openness
from openness.readers import detect


@pytest.fixture(scope="module")
def tokenizer_model(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    spm = pytest.importorskip("sentencepiece")
    folder = tmp_path_factory.mktemp("spm")
    rng = random.Random(7)
    words = ["open", "model", "weights", "data", "license", "code", "train", "eval"]
    lines = (
        " ".join(rng.choice(words) + str(rng.randint(0, 40)) for _ in range(12)) for _ in range(800)
    )
    (folder / "corpus.txt").write_text("\n".join(lines))
    spm.SentencePieceTrainer.train(
        input=str(folder / "corpus.txt"),
        model_prefix=str(folder / "spm"),
        vocab_size=50,
        minloglevel=2,
    )
    return (folder / "spm.model").read_bytes()


def test_a_sentencepiece_model_is_protobuf(tokenizer_model: bytes) -> None:
    fmt = detect.detect_format("tokenizer.model", len(tokenizer_model), io.BytesIO(tokenizer_model))
    assert fmt == detect.PROTOBUF


def test_a_release_with_a_tokenizer_model_is_complete(
    tokenizer_model: bytes, tmp_path: Path
) -> None:
    (tmp_path / "tokenizer.model").write_bytes(tokenizer_model)
    (tmp_path / "README.md").write_text("# Wombat\n")
    result = openness.assess(str(tmp_path), hash_files=False)
    assert result.complete, result.incomplete
    assert not [f for f in result.findings if f.rule_id == "OPN-FMT-005"]


@pytest.mark.parametrize(
    "blob",
    [
        os.urandom(4096),
        b"\x0a\x05abc",  # a length past the end
        b"\x0b\x01",  # wire type 3 (groups are obsolete)
        b"\x08" + b"\xff" * 11,  # a varint longer than 64 bits
    ],
    ids=["random", "length-past-end", "group", "endless-varint"],
)
def test_what_is_not_protobuf_stays_unrecognised(blob: bytes) -> None:
    assert not detect.is_protobuf(io.BytesIO(blob), len(blob))


def test_truncating_a_real_model_breaks_it(tokenizer_model: bytes) -> None:
    cut = tokenizer_model[: len(tokenizer_model) // 2 + 3]
    assert not detect.is_protobuf(io.BytesIO(cut), len(cut))

"""Derivatives of a base (fine-tune, casts, int8, head pruning, merge) match it; models of the
same architecture initialised and trained independently do not."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import torch

from openness.lineage.compare import THRESHOLD, compare
from openness.lineage.fingerprint import Fingerprint, fingerprint_target
from tests.lineage.tiny import HIDDEN, fine_tuned, int8_rows, save, trained


def _fp(tensors: dict[str, torch.Tensor], folder: Path) -> Fingerprint:
    return fingerprint_target(str(save(tensors, folder)))


@pytest.fixture(scope="module")
def base_fp(tmp_path_factory: pytest.TempPathFactory) -> Fingerprint:
    return _fp(trained(1), tmp_path_factory.mktemp("base"))


def _prune_heads(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Drop the first of four heads of layer 0 the way transformers' prune_heads does."""
    out = dict(tensors)
    keep = torch.arange(HIDDEN // 4, HIDDEN)
    for part in ("query", "key", "value"):
        prefix = f"encoder.layer.0.attention.self.{part}"
        out[f"{prefix}.weight"] = tensors[f"{prefix}.weight"][keep].contiguous()
        out[f"{prefix}.bias"] = tensors[f"{prefix}.bias"][keep].contiguous()
    dense = "encoder.layer.0.attention.output.dense.weight"
    out[dense] = tensors[dense][:, keep].contiguous()
    return out


KINDS = ("fine-tune", "fp16", "bf16", "int8", "pruned heads", "merge")


@cache
def _derivatives() -> dict[str, dict[str, torch.Tensor]]:
    base = trained(1)
    a, b = fine_tuned(base, data_seed=7), fine_tuned(base, data_seed=8)
    return {
        "fine-tune": a,
        "fp16": {k: v.half() for k, v in base.items()},
        "bf16": {k: v.bfloat16() for k, v in base.items()},
        "int8": int8_rows(base),
        "pruned heads": _prune_heads(base),
        "merge": {k: (a[k] + b[k]) / 2 for k in a},
    }


@pytest.mark.parametrize("kind", KINDS)
def test_derivatives_match_their_base(kind: str, base_fp: Fingerprint, tmp_path: Path) -> None:
    result = compare(_fp(_derivatives()[kind], tmp_path), base_fp)
    assert result.related, (kind, result.similarity)
    assert result.similarity is not None and result.similarity > 0.9
    assert result.confidence == "high"


def test_pruned_tensors_are_set_aside_not_scored(base_fp: Fingerprint, tmp_path: Path) -> None:
    result = compare(_fp(_prune_heads(trained(1)), tmp_path), base_fp)
    assert "encoder.layer.0.attention.self.query.weight" in result.reshaped
    assert not result.same_signature


@pytest.mark.parametrize("seed", [2, 3])
def test_independent_models_of_the_same_architecture_do_not_match(
    seed: int, base_fp: Fingerprint, tmp_path: Path
) -> None:
    other = _fp(trained(seed), tmp_path)
    result = compare(other, base_fp)
    assert result.same_signature
    assert result.related is False, result.similarity
    assert result.similarity is not None and abs(result.similarity) < THRESHOLD / 2
    assert result.confidence == "high"


def test_too_little_in_common_gives_no_decision(base_fp: Fingerprint, tmp_path: Path) -> None:
    only = {k: v for k, v in trained(1).items() if k.startswith("embeddings.word")}
    result = compare(_fp(only, tmp_path), base_fp)
    assert result.similarity is None and result.related is None

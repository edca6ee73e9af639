"""Releases made by code for the export and claims tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

import openness
from openness.examples import example_path
from tests.helpers import safetensors_bytes

GOLDEN_VERSION = "0.0.0-golden"


@pytest.fixture(scope="session")
def example() -> openness.Assessment:
    """The built-in example with a fixed tool version, so golden files survive releases."""
    return replace(openness.assess(str(example_path())), tool_version=GOLDEN_VERSION)


def weights(tensors: int = 2) -> bytes:
    header = {
        f"layer{i}.weight": {"dtype": "F32", "shape": [4, 4], "data_offsets": [i * 64, i * 64 + 64]}
        for i in range(tensors)
    }
    return safetensors_bytes(header, data_size=64 * tensors)


@pytest.fixture
def make_release(tmp_path: Path) -> Callable[..., Path]:
    """A folder with a model card (front matter + body), config.json and safetensors weights."""

    def make(front: str, body: str = "", name: str = "release", with_weights: bool = True) -> Path:
        root = tmp_path / name
        root.mkdir()
        (root / "README.md").write_text(f"---\n{front}\n---\n\n{body}\n", encoding="utf-8")
        (root / "config.json").write_text(
            json.dumps({"model_type": "bert", "architectures": ["BertModel"], "hidden_size": 4})
        )
        if with_weights:
            (root / "model.safetensors").write_bytes(weights())
        return root

    return make

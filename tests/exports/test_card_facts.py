"""The card facts exports read: section excerpts (capped) and model-index metrics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openness
from openness.documents.sections import section_excerpts

MODEL_INDEX = """license: mit
model-index:
- name: tiny
  results:
  - task: {type: text-classification}
    dataset: {name: GLUE SST-2, type: sst2}
    metrics:
    - {type: accuracy, value: 0.91}
    - {type: f1, value: 0.88}
    - {type: broken}
"""


def test_excerpt_is_the_section_body_capped() -> None:
    lines = ["# Limitations", "", "word " * 300, "## More", "detail", "# Citation", "x"]
    [(topic, line, text), citation] = section_excerpts(lines, first_line=5, cap=100)
    assert (topic, line) == ("limitations", 5)
    assert len(text) == 100 and text.endswith("…") and text.startswith("word word")
    assert citation == ("citation", 10, "x")


def test_subsections_belong_to_their_section() -> None:
    lines = ["## Limitations", "short.", "### Known issues", "more.", "## Citation", "cite"]
    texts = {(t, x) for t, _, x in section_excerpts(lines)}
    assert ("limitations", "short. ### Known issues more.") in texts


def test_metrics_and_excerpts_become_evidence(make_release: Callable[..., Path]) -> None:
    body = "## Limitations\n\nIt only knows <b>four</b> words.\n"
    root = make_release(MODEL_INDEX, body)
    a = openness.assess(str(root))
    heading = (root / "README.md").read_text().splitlines().index("## Limitations") + 1
    metrics = [e for e in a.evidence if e.fact == "card.model_index.metric"]
    assert [e.value for e in metrics] == [
        ("text-classification", "GLUE SST-2", "accuracy", "0.91"),
        ("text-classification", "GLUE SST-2", "f1", "0.88"),
    ]
    assert metrics[0].location.key == "model-index[0].results[0].metrics[0]"
    [text] = [e for e in a.evidence if e.fact == "card.section_text.limitations"]
    assert text.value == "It only knows <b>four</b> words." and text.location.line == heading
    metadata = {e.value for e in a.evidence if e.fact == "card.metadata"}
    assert "model_index" in metadata
    assert not {"section_text.limitations", "model_index.metric"} & metadata

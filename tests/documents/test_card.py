"""Model cards: front matter facts with lines, sections, links, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from openness.documents.card import read_card
from openness.documents.links import classify_url
from openness.documents.sections import topics_for
from openness.licenses.identify import identify
from openness.model import Severity

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", errors="replace").split("\n")


def _front_matter(text: str) -> dict[str, object]:
    """Independent parse: the block between the first two `---` lines."""
    lines = text.split("\n")
    assert lines[0].strip() == "---"
    end = lines.index("---", 1)
    data = yaml.safe_load("\n".join(lines[1:end]))
    assert isinstance(data, dict)
    return data


# --------------------------------------------------------------------------- real card


def test_minilm_card_front_matter(minilm_dir: Path) -> None:
    data = (minilm_dir / "README.md").read_bytes()
    expected = _front_matter(data.decode("utf-8"))
    result = read_card("README.md", data)
    facts = {e.fact: e for e in result.evidence}

    assert result.metadata_ok and not result.findings
    assert facts["card.present"].value is True
    assert facts["card.license"].value == expected["license"] == "apache-2.0"
    datasets = expected["datasets"]
    assert isinstance(datasets, list) and len(datasets) == 21
    assert facts["card.datasets"].value == tuple(datasets)
    assert facts["card.pipeline_tag"].value == expected["pipeline_tag"]
    assert facts["card.tags"].value == tuple(expected["tags"])  # type: ignore[arg-type]

    lines = _lines(data)
    keyed = [e for e in result.evidence if e.location.key is not None]
    assert len(keyed) >= 6
    for ev in keyed:
        assert ev.location.line is not None
        assert lines[ev.location.line - 1].startswith(f"{ev.location.key}:"), ev


def test_minilm_card_license_is_apache(minilm_dir: Path) -> None:
    result = read_card("README.md", (minilm_dir / "README.md").read_bytes())
    info = identify(result.evidence)
    assert info.spdx == "Apache-2.0"
    assert info.osi_approved is True
    assert info.category == "open-source"
    assert [e.fact for e in info.evidence] == ["card.license"]


def test_minilm_card_sections_and_links(minilm_dir: Path) -> None:
    data = (minilm_dir / "README.md").read_bytes()
    result = read_card("README.md", data)
    lines = _lines(data)
    topics = {s.topic for s in result.sections}
    assert {"intended_use", "training_procedure", "training_data"} <= topics
    for s in result.sections:
        assert s.heading in lines[s.line - 1]
        assert lines[s.line - 1].lstrip().startswith("#")
    kinds = {link.kind for link in result.links}
    assert {"paper", "code", "dataset", "model"} <= kinds
    urls = [link.url for link in result.links]
    assert len(urls) == len(set(urls))
    for ev in (e for e in result.evidence if e.fact.startswith("link.")):
        assert ev.location.line is not None and str(ev.value) in lines[ev.location.line - 1]


# --------------------------------------------------------------------------- corpus cards

CARD_TOPICS = {
    "compvis-sd-MODEL_CARD.md": {
        "intended_use",
        "out_of_scope",
        "limitations",
        "bias_risks",
        "training_procedure",
        "evaluation",
        "environmental_impact",
        "safety",
        "citation",
    },
    "meta-llama2-MODEL_CARD.md": {
        "intended_use",
        "training_data",
        "evaluation",
        "limitations",
        "bias_risks",
    },
    "meta-llama3_1-MODEL_CARD.md": {
        "intended_use",
        "training_data",
        "evaluation",
        "safety",
        "limitations",
        "bias_risks",
    },
    "bfl-flux1-dev-MODEL_CARD.md": {"limitations", "out_of_scope"},
}


@pytest.mark.parametrize("name", sorted(CARD_TOPICS))
def test_corpus_card_sections(name: str) -> None:
    path = CORPUS / "model-cards" / name
    if not path.is_file():
        pytest.skip("../shared/corpus is not present")
    data = path.read_bytes()
    result = read_card(name, data)
    lines = _lines(data)
    assert CARD_TOPICS[name] <= {s.topic for s in result.sections}
    for ev in (e for e in result.evidence if e.fact.startswith("card.section.")):
        assert ev.location.line is not None
        heading = lines[ev.location.line - 1]
        assert heading.lstrip().startswith("#") or lines[ev.location.line].startswith(("=", "-"))
        words = str(ev.value).split()
        assert all(w in heading for w in words), (ev, heading)
    assert not result.findings


# --------------------------------------------------------------------------- markdown


def test_headings_atx_setext_fences_and_word_counts() -> None:
    card = "\n".join(
        [
            "# Model card",  # 1
            "",  # 2
            "## Limitations ##",  # 3 closing hashes
            "",  # 4
            "## **Bias, Risks**",  # 5 empty section (next heading same level)
            "## Training Data",  # 6
            "one two three",  # 7
            "```",  # 8
            "# Citation inside a fence",  # 9
            "```",  # 10
            "four",  # 11
            "",  # 12
            "Evaluation results",  # 13 setext heading
            "------------------",  # 14
            "alpha beta",  # 15
            "~~~~",  # 16
            "## Safety in tilde fence",  # 17
            "~~~~",  # 18
            "    # indented code, not a heading",  # 19
            "",  # 20
            "---",  # 21 thematic break, not a heading
            "#no-space is not a heading",  # 22
        ]
    ).encode()
    result = read_card("README.md", card)
    got = {(s.topic, s.heading, s.line, s.words) for s in result.sections}
    assert got == {
        ("limitations", "Limitations", 3, 0),
        ("bias_risks", "Bias, Risks", 5, 0),
        # lines 7-12: fenced text counts as words, "```" and a lone "#" do not
        ("training_data", "Training Data", 6, 3 + 4 + 1),
        ("evaluation", "Evaluation results", 13, 2 + 4 + 5 + 5),
    }
    assert "safety" not in {s.topic for s in result.sections}
    assert not result.metadata_ok  # no front matter


@pytest.mark.parametrize(
    ("heading", "topics"),
    [
        ("Intended uses", ("intended_use",)),
        ("Out-of-Scope Use", ("out_of_scope",)),
        ("Misuse and Malicious Use", ("safety",)),
        ("Limitations and Bias", ("limitations", "bias_risks")),
        ("Training Data", ("training_data",)),
        ("Training procedure", ("training_procedure",)),
        ("Pre-training", ("training_procedure",)),
        ("Evaluation Results", ("evaluation",)),
        ("Environmental Impact", ("environmental_impact",)),
        ("Responsibility & Safety", ("safety",)),
        ("Risks and mitigations", ("bias_risks", "safety")),
        ("BibTeX citation", ("citation",)),
        ("Usage (Sentence-Transformers)", ()),
        ("Model Details", ()),
        ("Known issues and caveats", ("limitations",)),
        ("Pre-training tips and caveats", ()),
        ("Environment", ()),
        ("Environment setup", ()),
    ],
)
def test_topic_table(heading: str, topics: tuple[str, ...]) -> None:
    assert topics_for(heading) == topics


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://arxiv.org/abs/1908.10084", "paper"),
        ("https://doi.org/10.18653/v1/d15-1075", "paper"),
        ("https://aclanthology.org/P16-1135.pdf", "paper"),
        ("https://openreview.net/forum?id=abc", "paper"),
        ("https://example.org/papers/model.PDF", "paper"),
        ("https://huggingface.co/papers/2307.09288", "paper"),
        ("https://github.com/UKPLab/sentence-transformers", "code"),
        ("https://gitlab.com/group/project", "code"),
        ("https://codeberg.org/org/repo", "code"),
        ("https://huggingface.co/spaces/org/demo", "other"),
        (
            "https://huggingface.co/datasets/sentence-transformers/embedding-training-data",
            "dataset",
        ),
        ("https://www.kaggle.com/datasets/owner/name", "dataset"),
        ("https://zenodo.org/records/123456", "dataset"),
        ("https://huggingface.co/nreimers/MiniLM-L6-H384-uncased", "model"),
        ("https://hf.co/meta-llama/Llama-2-7b", "model"),
        ("https://huggingface.co/docs/transformers/index", "other"),
        ("https://www.sbert.net", "other"),
        ("https://[::1", "other"),
    ],
)
def test_link_table(url: str, kind: str) -> None:
    assert classify_url(url) == kind


def test_links_from_markdown_bare_and_front_matter_deduplicated() -> None:
    card = (
        b"---\nlicense: other\nlicense_link: https://example.com/LICENSE\n---\n"
        b"See [paper](https://arxiv.org/abs/1234.5678), https://github.com/o/r.\n"
        b"Again <https://arxiv.org/abs/1234.5678> and https://huggingface.co/datasets/o/d\n"
    )
    result = read_card("README.md", card)
    assert [(ln.kind, ln.url, ln.location.line) for ln in result.links] == [
        ("other", "https://example.com/LICENSE", 3),
        ("paper", "https://arxiv.org/abs/1234.5678", 5),
        ("code", "https://github.com/o/r", 5),
        ("dataset", "https://huggingface.co/datasets/o/d", 6),
    ]
    facts = [(e.fact, e.value) for e in result.evidence if e.fact.startswith("link.")]
    assert ("link.paper", "https://arxiv.org/abs/1234.5678") in facts
    assert len(facts) == 4


def test_model_index_counts_results_and_scalars_become_strings() -> None:
    card = b"""---
language:
- en
- fr
base_model: org/base
model-index:
- name: m
  results:
  - task: {type: a}
  - task: {type: b}
- name: n
  results:
  - task: {type: c}
license_name: my-license
---
"""
    result = read_card("README.md", card)
    facts = {e.fact: e for e in result.evidence}
    assert facts["card.model_index"].value == 3
    assert facts["card.model_index"].location.line == 6
    assert facts["card.language"].value == ("en", "fr")
    assert facts["card.base_model"].value == "org/base"
    assert facts["card.license_name"].location.line == 14


# --------------------------------------------------------------------------- hostile input


def _rules(result: object) -> list[tuple[str, Severity, int | None]]:
    return [(f.rule_id, f.severity, f.location.line) for f in result.findings]  # type: ignore[attr-defined]


def test_non_utf8_card_is_read_with_a_finding() -> None:
    result = read_card("README.md", b"---\nlicense: mit\n---\n# Bias \xff\xfe here\nok\n")
    assert _rules(result) == [("OPN-DOC-002", Severity.LOW, 4)]
    assert result.metadata_ok
    assert [s.topic for s in result.sections] == ["bias_risks"]
    assert result.sections[0].words == 1


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("license: mit\n\ttags: [a]\n", 3),  # a tab cannot start a token
        ('license: "mit\ntags: [a]\n', 2),  # unclosed quote
        ("license: [mit\n", 2),  # unclosed flow sequence
        ("x: !!python/object/apply:os.system ['id']\n", 2),  # no python tags in safe_load
    ],
)
def test_invalid_yaml_gives_finding_with_line_and_body_is_still_read(front: str, line: int) -> None:
    card = f"---\n{front}---\n# Citation\nplease cite\n".encode()
    result = read_card("README.md", card)
    rules = _rules(result)
    assert len(rules) == 1 and rules[0][:2] == ("OPN-DOC-001", Severity.MEDIUM)
    assert rules[0][2] is not None and 2 <= rules[0][2] <= line + 1
    assert not result.metadata_ok
    assert [s.topic for s in result.sections] == ["citation"]
    assert not any(e.fact == "card.license" for e in result.evidence)


def test_front_matter_that_is_a_list_is_rejected() -> None:
    result = read_card("README.md", b"---\n- license\n- mit\n---\n")
    assert _rules(result) == [("OPN-DOC-001", Severity.MEDIUM, 2)]
    assert not result.metadata_ok
    assert [e.fact for e in result.evidence] == ["card.present"]


def test_unclosed_front_matter() -> None:
    result = read_card("README.md", b"---\nlicense: mit\n# Limitations\nx\n")
    assert _rules(result) == [("OPN-DOC-001", Severity.MEDIUM, 1)]
    assert [s.topic for s in result.sections] == ["limitations"]


def _billion_laughs(levels: int = 9) -> bytes:
    text = 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(1, levels):
        text += f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]\n"
    return f"---\n{text}license: mit\n---\n# Limitations\nstill read\n".encode()


def _alias_chain(levels: int = 40) -> bytes:
    text = "x0: &x0 [1, 1]\n" + "".join(
        f"x{i}: &x{i} [*x{i - 1}, *x{i - 1}]\n" for i in range(1, levels)
    )
    return f"---\n{text}---\n".encode()


@pytest.mark.parametrize(
    "card",
    [
        _billion_laughs(),  # 9**9 strings from 72 aliases
        _alias_chain(),  # 2**40 from 78 aliases
        b"---\na: &a [*a]\n---\n",  # recursive
        b"---\na: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n",  # deep nesting
        b"---\nlicense: mit\nx: '" + b"a" * (70 * 1024) + b"'\n---\n",  # over 64 KB
        b"---\n"
        + b"".join(b"k%d: &a%d v\n" % (i, i) for i in range(200))
        + b"".join(b"r%d: *a%d\n" % (i, i) for i in range(200))
        + b"---\n",  # many aliases
    ],
    ids=["billion-laughs", "alias-chain", "recursive", "deep", "oversize", "many-aliases"],
)
def test_yaml_bombs_are_bounded(card: bytes) -> None:
    result = read_card("README.md", card)
    rules = _rules(result)
    assert len(rules) == 1 and rules[0][:2] == ("OPN-DOC-003", Severity.MEDIUM)
    assert not result.metadata_ok
    assert not any(e.fact == "card.license" for e in result.evidence)


def test_billion_laughs_still_reads_the_body() -> None:
    result = read_card("README.md", _billion_laughs())
    assert [s.topic for s in result.sections] == ["limitations"]


def test_ten_megabyte_readme_is_capped() -> None:
    body = "# Limitations\n" + "word " * (10 * 1024 * 1024 // 5)
    result = read_card("README.md", ("Café\n\n" + body).encode())
    assert _rules(result) == [("OPN-DOC-004", Severity.LOW, None)]
    assert [s.topic for s in result.sections] == ["limitations"]
    assert 0 < result.sections[0].words < 1024 * 1024


def test_cap_does_not_split_a_utf8_character() -> None:
    from openness.limits import Limits

    result = read_card("README.md", "aé".encode() * 10, Limits(max_text_bytes=8))
    assert [f.rule_id for f in result.findings] == ["OPN-DOC-004"]


def test_empty_and_bom_cards() -> None:
    assert read_card("README.md", b"").evidence[0].fact == "card.present"
    result = read_card("README.md", b"\xef\xbb\xbf---\nlicense: mit\n---\n")
    assert result.metadata_ok and not result.findings
    assert read_card("README.md", b"---\n---\n").metadata_ok is False


def test_setext_heading_takes_the_whole_paragraph() -> None:
    result = read_card("README.md", b"intro\nEvaluation\n==========\ntext\n")
    assert [(s.heading, s.line, s.words) for s in result.sections] == [("intro Evaluation", 1, 1)]
    listed = read_card("README.md", b"- Evaluation\n---\n")
    assert listed.sections == ()

"""A README's HTML comments are not read: the rendered page does not show them."""

from __future__ import annotations

from pathlib import Path

from openness.documents.markdown_comments import without_html_comments
from openness.frameworks.facts import derive_framework_facts
from openness.pipeline import assess

README = """# Wombat

Wombat is trained on 1T tokens of web text.

<!-- ### Finetuning
We use [Trainer Kit](https://github.com/acme/trainer-kit) to fine-tune our models.
```shell
sh scripts/finetune.sh configs/wombat.yml
```
> Tip: the padding-free mode saves memory and FLOPs during training. -->

## License
Apache 2.0.
"""


def test_comments_are_blanked_line_for_line() -> None:
    text = "a <!-- b --> c\n<!-- d\ne -->\n```\n<!-- code -->\n```\nf <!-- g"
    out = without_html_comments(text)
    assert out.split("\n") == [
        "a" + " " * 12 + "c",
        " " * 6,
        " " * 5,
        "```",
        "<!-- code -->",
        "```",
        "f       ",
    ]
    assert without_html_comments("no comment\n") == "no comment\n"


def test_a_commented_out_section_is_no_claim(tmp_path: Path) -> None:
    root = tmp_path / "acme+wombat"
    root.mkdir()
    (root / "README.md").write_text(README, encoding="utf-8")
    a = assess(str(tmp_path), hash_files=False, health=False)
    facts = [*a.evidence, *derive_framework_facts(a.evidence, a.files)]
    cited = {e.location.line for e in facts if e.location.file.endswith("README.md")}
    assert not cited & set(range(5, 11)), sorted(x for x in cited if x)
    mof = next(f for f in a.frameworks if f.framework == "mof")
    training = next(c for c in mof.components if c.id == "training_code")
    assert training.status != "claimed", training.rationale
    fmti = next(f for f in a.frameworks if f.framework == "fmti")
    compute = next(c for c in fmti.components if c.id == "compute_usage")
    assert compute.status != "met", compute.rationale

from __future__ import annotations

from pathlib import Path

import pytest

from openness.errors import TargetError
from openness.pipeline import assess

from ..frameworks.releases import CLASS_I, CLASS_II, build


def spread_release(tmp_path: Path) -> Path:
    """Weights and card in one folder, code in a repository, a paper and data elsewhere."""
    build(tmp_path / "weights", "III")
    code = tmp_path / "repo"
    code.mkdir()
    for name in ("train.py", "inference.py", "eval.py", "requirements.txt", "preprocess.py"):
        (code / name).write_bytes({**CLASS_II, **CLASS_I}[name])
    (code / "eval").mkdir()
    (code / "eval" / "test.jsonl").write_bytes(CLASS_II["eval/test.jsonl"])
    (code / "LICENSE").write_text(MIT)
    (tmp_path / "2404.01234.pdf").write_bytes(b"%PDF-1.4 paper")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "part-0.jsonl").write_text('{"text": "a"}\n')
    manifest = tmp_path / "tiny.openness.yaml"
    manifest.write_text(
        "model: weights\nplaces:\n  code: repo\n"
        "  paper: {path: 2404.01234.pdf, role: paper}\n"
        "  data: {path: corpus, role: data}\n"
    )
    return manifest


MIT = """MIT License

Copyright (c) 2026 Example

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def test_components_are_cited_in_the_place_they_were_found(tmp_path: Path) -> None:
    a = assess(str(spread_release(tmp_path)), hash_files=False)
    assert a.origin.kind == "manifest"
    mof = next(f for f in a.frameworks if f.framework == "mof")
    by_id = {c.id: c for c in mof.components}
    assert by_id["final_parameters"].evidence[0].location.file == "model.safetensors"
    assert by_id["training_code"].evidence[0].location.file == "@code/train.py"
    assert by_id["research_paper"].evidence[0].location.file == "@paper/2404.01234.pdf"
    assert by_id["datasets"].evidence[0].location.file == "@data/part-0.jsonl"
    assert {c.id for c in mof.components if c.status == "open"} >= {
        "training_code",
        "research_paper",
        "datasets",
        "evaluation_data",
    }
    # only the intermediate checkpoints are missing for Class I
    assert mof.classes[2].missing == ("Model parameters (intermediate)",)
    assert mof.verdict == "Class II"


def test_a_code_place_with_its_own_license(tmp_path: Path) -> None:
    manifest = spread_release(tmp_path)
    card = tmp_path / "weights" / "README.md"
    card.write_text(card.read_text().replace("license: apache-2.0", "license: cc-by-nc-4.0"))
    a = assess(str(manifest), hash_files=False)
    mof = {c.id: c for c in next(f for f in a.frameworks if f.framework == "mof").components}
    assert mof["training_code"].status == "open"  # MIT in @code/LICENSE
    assert any(e.location.file == "@code/LICENSE" for e in mof["training_code"].evidence)
    assert mof["final_parameters"].status == "restricted"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("places: {}\n", "needs `model: PATH`"),
        ("model: [\n", "not a valid YAML"),
        ("model: w\nplaces: {code: {path: r, role: magic}}\n", "role in"),
        ("model: w\nplaces: {x: other.openness.yaml}\n", "cannot name another manifest"),
        ("model: absent\n", "does not exist"),
    ],
)
def test_bad_manifest_is_a_target_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "w").mkdir()
    manifest = tmp_path / "bad.openness.yaml"
    manifest.write_text(text)
    with pytest.raises(TargetError, match=message):
        assess(str(manifest), hash_files=False)

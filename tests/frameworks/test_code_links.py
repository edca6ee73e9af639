"""A README links many repositories; only a link it calls the release's code makes training,
inference, evaluation or preprocessing code "claimed" (linked, not verified). Libraries the code
depends on, work it builds on and ports by others say nothing about the release's code (issue 14:
seen on real releases). Tests of the code are none of its components either."""

from __future__ import annotations

from pathlib import Path

import pytest

import openness
from openness.documents.code_links import said_to_be_code

URL = "https://github.com/someone/thing"


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (f"Code: {URL}", True),
        (f"[Paper](https://arxiv.org/abs/2501.01234) | [Code]({URL})", True),
        (f"**Repository:** {URL}", True),
        (f'<a href="{URL}"><b>GITHUB</b></a> |', True),
        (f"The pre-training code is released; please refer to [Marsupial]({URL}).", True),
        (f"The codebase depends on a few packages, most notably [fastjson]({URL}).", False),
        (f"It builds on [structured state spaces]({URL}), in the spirit of earlier work.", False),
        (f"[JAX version of Wombat available]({URL})", False),
        (f"We thank the authors of [Kangaroo]({URL}) for their code.", False),
        (f"pip install git+{URL}.git", False),
        (f"Parts of the model code are adaptations of the official [repository]({URL}).", False),
        (f"Our codebase also supports [tarballs]({URL}) for large datasets.", False),
        (f"git clone --recursive {URL}.git", True),
        (f"[![Code style: black](https://img.shields.io/badge/black.svg)]({URL})", False),
    ],
)
def test_a_link_is_the_releases_code_only_when_its_line_says_so(line: str, said: bool) -> None:
    assert said_to_be_code(line, URL) is said


def _mof(root: Path) -> dict[str, str]:
    a = openness.assess(str(root), hash_files=False)
    mof = next(f for f in a.frameworks if f.framework == "mof")
    return {c.id: c.status for c in mof.components}


def test_links_to_libraries_claim_no_code_of_the_release(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "# Wombat\n\nWombat is a small speech model, in the spirit of "
        "[FastAttention](https://github.com/someone/fastattention).\n\n"
        "The codebase depends on [fastjson](https://github.com/other/fastjson).\n"
    )
    status = _mof(tmp_path)
    for component in ("training_code", "inference_code", "evaluation_code", "preprocessing_code"):
        assert status[component] != "claimed", component


def test_a_link_called_code_still_claims_it(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "# Wombat\n\nWombat is a small speech model.\n\n"
        "Training code: https://github.com/wombat-org/wombat-train\n"
    )
    assert _mof(tmp_path)["training_code"] == "claimed"


def test_tests_of_the_code_are_none_of_its_components(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Wombat\n\nWombat is a small speech model.\n")
    for name in ("tests/test_inference.py", "tests/test_eval_task.py", "tokenization_test.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("def test_it():\n    assert True\n")
    status = _mof(tmp_path)
    for component in ("inference_code", "evaluation_code", "preprocessing_code"):
        assert status[component] in ("unknown", "absent"), component


def test_a_wall_of_code_links_is_read_in_linear_time(tmp_path: Path) -> None:
    links = " ".join(f"[Code](https://github.com/o/r{i})" for i in range(20_000))
    (tmp_path / "README.md").write_text(f"# Wombat\n\n{links}\n")
    a = openness.assess(str(tmp_path), hash_files=False)
    assert not [e for e in a.evidence if e.fact == "link.code.said"]

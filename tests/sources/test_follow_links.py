"""--follow-links: the release's own GitHub repositories linked in its documents become places,
read offline from the git mirror; links not read are "linked, not verified" with the reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import openness
from openness.limits import DEFAULT_LIMITS
from openness.sources.follow import linked_repositories
from openness.sources.local import LocalSource
from tests.helpers import run_cli

from .test_github import NOTICE, _bare, _git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

README = """# Wombat

Training code: https://github.com/acme/wombat-train (recipes), and
[the old one](https://github.com/acme/wombat-old). We build on
https://github.com/other/fastlib, https://github.com/acme/koala (another release of ours),
https://github.com/someone/wombat.cpp (a port) and https://github.com/acme/wombat itself.
"""


@pytest.fixture
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "README.md").write_text("# Wombat training\n\n## Pre-training\n")
    (work / "train.py").write_text("print('train')\n")
    (work / "LICENSE").write_text(NOTICE)
    _git(work, "init", "-q", "-b", "main")
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "-m", "first")
    _bare(work, tmp_path / "mirror" / "acme+wombat-train")
    folder = tmp_path / "release" / "acme+wombat"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(README)
    monkeypatch.setenv("OPENNESS_GIT_MIRROR", str(tmp_path / "mirror"))
    return tmp_path / "release"


def _places(a: openness.Assessment) -> dict[str, openness.model.PlaceRead]:
    return {p.name: p for p in a.places}


def test_own_linked_repositories_are_read_from_the_mirror(release: Path) -> None:
    a = openness.assess(str(release), hash_files=False, follow_links=5)
    places = _places(a)
    train = places["gh:acme/wombat-train"]
    assert train.role == "linked, read" and train.files == 3
    assert train.documents == ("@acme+wombat-train/README.md",)
    assert "@acme+wombat-train/train.py" in {f.path for f in a.files}
    assert places["gh:acme/wombat-old"].role == "linked, not verified"
    assert "not in the git mirror" in places["gh:acme/wombat-old"].target
    for other in ("gh:other/fastlib", "gh:acme/koala", "gh:someone/wombat.cpp"):
        assert "not the release's own" in places[other].target, other
    assert "gh:acme/wombat" not in places  # the release's own checkout is already a place
    index = next(f for f in a.frameworks if f.framework == "osai-index")
    training = next(c for c in index.components if c.id == "training_code")
    assert training.status == "open"
    assert any(e.location.file.startswith("@acme+wombat-train/") for e in training.evidence)


def test_without_the_option_links_stay_unread(release: Path) -> None:
    a = openness.assess(str(release), hash_files=False)
    assert set(_places(a)) == {"acme/wombat"}
    assert not any(f.path.startswith("@") for f in a.files)


def test_the_count_and_byte_limits_hold(release: Path, tmp_path: Path) -> None:
    (release / "acme+wombat" / "MORE.md").write_text("https://github.com/acme/wombat-eval\n")
    _bare(tmp_path / "work", tmp_path / "mirror" / "acme+wombat-eval")
    one = _places(openness.assess(str(release), hash_files=False, follow_links=1))
    roles = sorted(one[n].role for n in ("gh:acme/wombat-eval", "gh:acme/wombat-train"))
    assert roles == ["linked, not verified", "linked, read"]
    unread = [one[n] for n in ("gh:acme/wombat-eval", "gh:acme/wombat-train")]
    assert "over the limit of 1 " in next(p for p in unread if p.files == 0).target
    small = _places(
        openness.assess(str(release), hash_files=False, follow_links=5, follow_max_bytes=10)
    )
    assert "over the limit of 10" in small["gh:acme/wombat-train"].target


def test_links_are_listed_once_each_with_the_document_they_are_in(release: Path) -> None:
    opened = LocalSource().open(str(release), DEFAULT_LIMITS)
    found = [(link.owner, link.name, link.found_in) for link in linked_repositories(opened)]
    assert found == [
        ("acme", "wombat-train", "acme+wombat/README.md"),
        ("acme", "wombat-old", "acme+wombat/README.md"),
        ("other", "fastlib", "acme+wombat/README.md"),
        ("acme", "koala", "acme+wombat/README.md"),
        ("someone", "wombat.cpp", "acme+wombat/README.md"),
        ("acme", "wombat", "acme+wombat/README.md"),
    ]


def test_the_cli_follows_links_offline(release: Path, tmp_path: Path) -> None:
    done = run_cli(
        "assess", str(release), "--git-mirror", str(tmp_path / "mirror"),
        "--follow-links", "--no-hash", "--format", "markdown",
    )  # fmt: skip
    assert "gh:acme/wombat-train (link, linked, read)" in done.stdout, done.stderr
    assert "gh:acme/wombat-old: linked, not verified" in done.stdout


def test_a_document_with_thousands_of_links_lists_a_bounded_number(tmp_path: Path) -> None:
    folder = tmp_path / "acme+wombat"
    folder.mkdir()
    links = "\n".join(f"- https://github.com/someone{i}/lib{i}" for i in range(3000))
    (folder / "README.md").write_text("# Awesome list\n\n" + links + "\n")
    a = openness.assess(str(tmp_path), hash_files=False, follow_links=5)
    unread = [p for p in a.places if p.role == "linked, not verified"]
    assert len(unread) == 50 and unread[-1].name == "gh:…/2951 more"

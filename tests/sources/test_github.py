"""gh:OWNER/NAME[@REV] places: offline from a mirror of bare repositories, and online through a
blob-less clone of a remote (a file:// remote stands in for GitHub)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import openness
from openness.errors import TargetError

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CARD = "# Wombat training code\n\nThe model weights are licensed under the Wombat Model License.\n"
NOTICE = 'Licensed under the Apache License, Version 2.0 (the "License");\n'


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def work_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "work"
    (repo / "train").mkdir(parents=True)
    (repo / "README.md").write_text(CARD)
    (repo / "LICENSE").write_text(NOTICE)
    (repo / "train" / "README.md").write_text("# Pretraining\n\nRun `python train.py`.\n")
    (repo / "escape").symlink_to("/etc/passwd")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "first")
    _git(repo, "tag", "v1")
    (repo / "NEWS.md").write_text("# News\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "second")
    return repo


def _bare(work: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(dest)], check=True)
    subprocess.run(["git", "--git-dir", str(dest), "config", "uploadpack.allowFilter", "true"])
    return dest


def test_a_mirror_repository_is_read_at_head_and_at_a_tag(
    work_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _bare(work_repo, tmp_path / "mirror" / "acme+wombat")
    monkeypatch.setenv("OPENNESS_GIT_MIRROR", str(tmp_path / "mirror"))
    head = openness.assess("gh:acme/wombat", hash_files=False)
    assert head.origin.kind == "git"
    assert head.origin.revision == _git(work_repo, "rev-parse", "HEAD")
    assert {f.path for f in head.files} == {"README.md", "LICENSE", "train/README.md", "NEWS.md"}
    # a symbolic link is listed as a finding, never followed
    assert any(f.rule_id == "OPN-SRC-002" and f.location.file == "escape" for f in head.findings)
    tagged = openness.assess("gh:acme/wombat@v1", hash_files=False)
    assert "NEWS.md" not in {f.path for f in tagged.files}
    assert tagged.origin.revision == _git(work_repo, "rev-parse", "v1^{commit}")
    # every document of the place is read, and the README scopes a license to the weights
    index = next(f for f in tagged.frameworks if f.framework == "osai-index")
    licenses = next(c for c in index.components if c.id == "licenses")
    assert licenses.status == "closed"
    assert any(e.location.file == "README.md" for e in licenses.evidence)


def test_a_repository_missing_from_the_mirror_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mirror").mkdir()
    monkeypatch.setenv("OPENNESS_GIT_MIRROR", str(tmp_path / "mirror"))
    with pytest.raises(TargetError, match="not in the git mirror"):
        openness.assess("gh:acme/absent")


@pytest.mark.parametrize("target", ["gh:acme", "gh:../x/y", "gh:a/b@rev with space", "gh:a/.."])
def test_malformed_targets_are_refused(target: str) -> None:
    with pytest.raises(TargetError):
        openness.assess(target)


def test_online_a_blobless_clone_is_made_once_and_reads_the_files(
    work_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _bare(work_repo, tmp_path / "remote" / "acme" / "wombat")
    monkeypatch.delenv("OPENNESS_GIT_MIRROR", raising=False)
    monkeypatch.setenv("OPENNESS_GITHUB_URL", (tmp_path / "remote").as_uri())
    monkeypatch.setenv("OPENNESS_CACHE_DIR", str(tmp_path / "cache"))
    first = openness.assess("gh:acme/wombat@main")
    clone = tmp_path / "cache" / "git" / "acme+wombat.git"
    assert (clone / "HEAD").is_file()
    readme = next(f for f in first.files if f.path == "README.md")
    import hashlib

    assert readme.sha256 == hashlib.sha256(CARD.encode()).hexdigest()
    # a second run reuses the clone: the remote may be gone
    shutil.rmtree(tmp_path / "remote")
    again = openness.assess("gh:acme/wombat@main", hash_files=False)
    assert again.origin.revision == first.origin.revision


def test_an_unreachable_remote_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENNESS_GIT_MIRROR", raising=False)
    monkeypatch.setenv("OPENNESS_GITHUB_URL", (tmp_path / "nowhere").as_uri())
    monkeypatch.setenv("OPENNESS_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(TargetError, match="git clone failed"):
        openness.assess("gh:acme/wombat")
    assert not list((tmp_path / "cache" / "git").iterdir())  # no half-made clone is left


def test_the_cli_reads_a_mirror_given_by_option(
    work_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from openness.cli.main import main

    _bare(work_repo, tmp_path / "mirror" / "acme+wombat")
    monkeypatch.delenv("OPENNESS_GIT_MIRROR", raising=False)
    out = tmp_path / "report.json"
    argv = [
        "assess",
        "gh:acme/wombat@v1",
        "--git-mirror",
        str(tmp_path / "mirror"),
        "--fail-on",
        "never",
    ]
    code = main([*argv, "--format", "json", "-o", str(out)])
    assert code == 0
    report = json.loads(out.read_text())
    assert report["origin"]["kind"] == "git" and report["origin"]["target"] == "gh:acme/wombat@v1"


def test_a_mirror_lacking_some_blobs_is_read_and_said_incomplete(
    work_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (work_repo / "big.bin").write_bytes(b"\0" * 50_000)
    _git(work_repo, "add", "-A")
    _git(work_repo, "commit", "-q", "-m", "big")
    mirror = _bare(work_repo, tmp_path / "mirror" / "acme+wombat")
    blob = _git(work_repo, "rev-parse", "HEAD:big.bin")
    (mirror / "objects" / blob[:2] / blob[2:]).unlink()  # as in a mirror that left out big files
    monkeypatch.setenv("OPENNESS_GIT_MIRROR", str(tmp_path / "mirror"))
    result = openness.assess("gh:acme/wombat", hash_files=False)
    assert "README.md" in {f.path for f in result.files}
    assert "big.bin" not in {f.path for f in result.files}
    assert not result.complete and any("big.bin" in i for i in result.incomplete)

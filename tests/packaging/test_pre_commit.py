"""The pre-commit hooks, run by pre-commit itself (`pre-commit try-repo`) against scratch git
repositories: pre-commit builds the hook environment from this repository (pip install from
PyPI), then runs the hooks on staged files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT
from tests.security import samples

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
#: what `pip install .` needs to build the package, and the hooks manifest
HOOK_REPO_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src")
CARD = "---\nlicense: {license}\n---\n# tiny\n\nA tiny model.\n"
POLICY = '[policy]\nrequire = ["open_license=open"]\nfail_on = "high"\n'


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree's package and hooks as one commit, so every try-repo below uses the
    same repository and revision and pre-commit builds its environment once."""
    if not PRE_COMMIT.exists():
        pytest.skip("pre-commit is not installed (pip install 'openness[test]')")
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in HOOK_REPO_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, repo / name)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "hooks")
    return repo


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _scratch(tmp_path: Path) -> Path:
    repo = tmp_path / "scratch"
    repo.mkdir()
    _git(repo, "init", "-q")
    return repo


def _try(
    hook_repo: Path, home: Path, scratch: Path, hook: str, *args: str
) -> subprocess.CompletedProcess[str]:
    _git(scratch, "add", "-A")
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never")
    env.pop("PYTHONPATH", None)  # the hook runs the package pre-commit installed, not this tree
    proc = subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(hook_repo), hook, "--ref", "HEAD", *args],
        cwd=scratch,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    log = home / "pre-commit.log"
    if proc.returncode == 3 and log.exists() and "pip" in log.read_text():
        pytest.skip(f"pre-commit could not build the hook environment (no PyPI?): {log}")
    return proc


def test_manifest_hooks_are_well_formed() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"openness-scan", "openness-check"}
    assert hooks["openness-scan"]["entry"] == "openness scan"
    assert hooks["openness-check"]["pass_filenames"] is False
    assert hooks["openness-check"]["entry"] == "openness check --no-hash"


def test_scan_hook_passes_clean_weights_and_fails_a_pickle_that_runs_code(
    hook_repo: Path, home: Path, tmp_path: Path
) -> None:
    np = pytest.importorskip("numpy")
    scratch = _scratch(tmp_path)
    np.save(scratch / "weights.npy", np.zeros(3))
    (scratch / "notes.txt").write_text("not a weight file: the hook never sees it\n")
    ok = _try(hook_repo, home, scratch, "openness-scan", "--all-files")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "openness scan (weights and pickles)" in ok.stdout and "Passed" in ok.stdout

    samples.os_system(scratch)  # os_system.pkl: calls os.system when unpickled
    bad = _try(hook_repo, home, scratch, "openness-scan", "--all-files")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout and "OPN-PKL-001" in bad.stdout
    assert "os_system.pkl" in bad.stdout and "weights.npy" in bad.stdout  # both passed to scan
    assert not (scratch / samples.MARKER).exists()


def test_check_hook_gates_the_release_on_its_policy(
    hook_repo: Path, home: Path, tmp_path: Path
) -> None:
    scratch = _scratch(tmp_path)
    (scratch / "openness.toml").write_text(POLICY)
    (scratch / "README.md").write_text(CARD.format(license="apache-2.0"))
    ok = _try(hook_repo, home, scratch, "openness-check", "--all-files")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Passed" in ok.stdout

    (scratch / "README.md").write_text(CARD.format(license="cc-by-nc-4.0"))
    bad = _try(hook_repo, home, scratch, "openness-check", "--all-files")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout and "open_license" in bad.stdout

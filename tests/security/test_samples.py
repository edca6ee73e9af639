"""Evidence: every malicious sample is live (a victim's loader creates the marker) and openness
reports it at HIGH or above without running it; benign real files raise nothing above LOW."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from openness.model import Assessment, Severity
from openness.pipeline import assess
from openness.security.report import is_security
from tests.security.samples import BENIGN, LOADER, MALICIOUS, MARKER, load_code


def _security(a: Assessment, above: Severity) -> list[str]:
    return [
        f"{f.rule_id} {f.severity.name} {f.location} {f.trigger}"
        for f in a.findings
        if is_security(f.rule_id) and f.severity > above
    ]


@pytest.mark.parametrize("name", sorted(MALICIOUS))
def test_malicious_sample_is_live(name: str, tmp_path: Path) -> None:
    if LOADER[name] == "torch":
        pytest.importorskip("torch")
    if LOADER[name] == "joblib":
        pytest.importorskip("joblib")
    if LOADER[name] in ("jinja", "gguf-jinja"):
        pytest.importorskip("jinja2")
    if "gguf" in name:
        pytest.importorskip("gguf")
    _mk(tmp_path / "src")
    sample = MALICIOUS[name](tmp_path / "src")
    victim = tmp_path / "victim"
    victim.mkdir()
    subprocess.run(
        [sys.executable, "-c", load_code(LOADER[name]), str(sample)],
        cwd=victim,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert (victim / MARKER).exists(), f"{name}: the payload did not run, the sample proves nothing"


@pytest.mark.parametrize("name", sorted(MALICIOUS))
def test_malicious_sample_is_reported_and_not_run(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if "gguf" in name:
        pytest.importorskip("gguf")
    _mk(tmp_path / "src")
    sample = MALICIOUS[name](tmp_path / "src")
    scanner_cwd = tmp_path / "scanner"
    scanner_cwd.mkdir()
    monkeypatch.chdir(scanner_cwd)
    a = assess(str(sample), hash_files=False)
    assert not (scanner_cwd / MARKER).exists()
    assert not (tmp_path / "src" / MARKER).exists()
    assert _security(a, Severity.MEDIUM), f"{name}: nothing at or above high"


@pytest.mark.parametrize("name", sorted(BENIGN))
def test_benign_real_file_raises_nothing_above_low(name: str, tmp_path: Path) -> None:
    pytest.importorskip("torch" if name.startswith("torch") else "numpy")
    if name.startswith("sklearn"):
        pytest.importorskip("sklearn")
    sample = BENIGN[name](tmp_path)
    a = assess(str(sample), hash_files=False)
    assert _security(a, Severity.LOW) == []
    assert a.complete, a.incomplete


def test_minilm_release_raises_nothing_above_low(minilm_dir: Path) -> None:
    a = assess(str(minilm_dir), hash_files=False)
    assert _security(a, Severity.LOW) == []


def test_every_named_cve_has_a_sample() -> None:
    named = " ".join(MALICIOUS)
    for cve in ("1716", "1889", "1944", "1945", "10155", "10156", "10157"):
        assert f"cve_2025_{cve}_" in named


def _mk(folder: Path) -> bool:
    folder.mkdir(exist_ok=True)
    return True

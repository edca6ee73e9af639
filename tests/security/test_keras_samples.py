"""Keras 3 models with serialized lambdas, saved by Keras itself, are live (loading them with
safe_mode=False runs the payload) and openness reports them at HIGH or above without running them.

Keras is no dependency of openness: the samples are made and loaded by a Keras 3 interpreter
named by OPENNESS_KERAS_PYTHON (default /tmp/keras-venv/bin/python, made with
`pip install torch==2.13.0 keras==3.15.1`); without one these tests skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from openness.model import Severity
from openness.pipeline import assess
from openness.security.report import is_security
from tests.security.keras_samples import AFTER_LOAD, LOAD_CODE, MARKER

SCRIPT = Path(__file__).with_name("keras_samples.py")
_ENV = {**os.environ, "KERAS_BACKEND": "torch"}


def _keras_python() -> str | None:
    python = os.environ.get("OPENNESS_KERAS_PYTHON", "/tmp/keras-venv/bin/python")
    if not shutil.which(python):
        return None
    probe = subprocess.run(
        [python, "-c", "import keras; assert keras.__version__.startswith('3.')"],
        env=_ENV,
        capture_output=True,
        timeout=300,
        check=False,
    )
    return python if probe.returncode == 0 else None


@pytest.fixture(scope="module")
def keras_python() -> str:
    python = _keras_python()
    if python is None:
        pytest.skip("no Keras 3 interpreter (set OPENNESS_KERAS_PYTHON)")
    return python


@pytest.fixture(scope="module")
def samples(keras_python: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keras-samples")
    subprocess.run(
        [keras_python, str(SCRIPT), str(folder)],
        env=_ENV,
        capture_output=True,
        timeout=600,
        check=True,
    )
    (folder / MARKER).unlink(missing_ok=True)  # saving ran the Lambda layers once
    return folder


@pytest.mark.parametrize("name", sorted(AFTER_LOAD))
def test_keras_sample_is_live(name: str, keras_python: str, samples: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [keras_python, "-c", LOAD_CODE, str(samples / name), AFTER_LOAD[name]],
        cwd=tmp_path,
        env=_ENV,
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert (tmp_path / MARKER).exists(), f"{name} did not run: {done.stderr[-2000:]!r}"


@pytest.mark.parametrize("name", sorted(AFTER_LOAD))
def test_keras_sample_is_reported_and_not_run(
    name: str, samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    a = assess(str(samples / name), hash_files=False)
    assert not (tmp_path / MARKER).exists() and not (samples / MARKER).exists()
    high = [f for f in a.findings if is_security(f.rule_id) and f.severity >= Severity.HIGH]
    assert [f.rule_id for f in high] == ["OPN-KRS-001"], a.findings

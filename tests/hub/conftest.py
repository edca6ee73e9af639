"""Fixtures: a fake Hub on 127.0.0.1, an environment that points the real client at it, and a
CLI runner whose environment holds nothing of the machine's Hub settings."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hub.fake_hub import FakeHub

TOKEN = "hf_TESTtokenNeverPrinted0123456789"
_HUB_VARS = (
    "HF_TOKEN",
    "HUGGING_FACE_HUB_TOKEN",
    "HF_HUB_OFFLINE",
    "TRANSFORMERS_OFFLINE",
    "HF_HUB_CACHE",
    "HF_ENDPOINT",
    "HF_HOME",
)


@pytest.fixture
def fake_hub() -> Iterator[FakeHub]:
    hub = FakeHub(token=TOKEN).start()
    yield hub
    hub.stop()


@pytest.fixture
def hub_env(fake_hub: FakeHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Variables for a run against the fake Hub; also applied to this process."""
    env = {
        "HF_ENDPOINT": fake_hub.endpoint,
        "HF_HOME": str(tmp_path / "hf-home"),
        "OPENNESS_HUB_BACKOFF": "0.01",
        "OPENNESS_HUB_RETRIES": "3",
        "OPENNESS_HUB_TIMEOUT": "20",
    }
    for name in _HUB_VARS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import huggingface_hub.constants as constants

    # the library reads these once at import; point them here too (token file, agent registry)
    monkeypatch.setattr(constants, "ENDPOINT", fake_hub.endpoint)
    template = fake_hub.endpoint + "/{repo_id}/resolve/{revision}/{filename}"
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", template)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))
    monkeypatch.setattr(constants, "AGENT_HARNESSES_PATH", str(tmp_path / "agents.json"))
    return env


def run_openness(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m openness ARGS` with only `env` as Hub settings (set before the import)."""
    base = {k: v for k, v in os.environ.items() if k not in _HUB_VARS}
    full = dict(base, COLUMNS="80", PYTHONWARNINGS="ignore", **env)
    return subprocess.run(
        [sys.executable, "-m", "openness", *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=300,
    )

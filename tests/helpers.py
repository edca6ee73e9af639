"""Small builders shared by tests: files made by code, and a CLI runner in a subprocess."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_license(name: str) -> str:
    """A license text of ../shared/corpus/licenses; the test skips when the corpus is absent."""
    import pytest

    path = CORPUS / "licenses" / name
    if not path.is_file():
        pytest.skip("../shared/corpus is not present")
    return path.read_text("utf-8", errors="replace")


def safetensors_bytes(header: object, data_size: int = 0) -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + bytes(data_size)


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="80", PYTHONWARNINGS="ignore", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "openness", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def without_places(a: Any) -> Any:
    """The assessment without where it was read from (the places, and the places each rating and
    framework component rests on): what stays the same when one release is read from elsewhere."""
    from dataclasses import replace

    ratings = tuple(replace(r, places=()) for r in a.ratings)
    frameworks = tuple(
        replace(f, components=tuple(replace(c, places=()) for c in f.components))
        for f in a.frameworks
    )
    return replace(a, places=(), ratings=ratings, frameworks=frameworks)

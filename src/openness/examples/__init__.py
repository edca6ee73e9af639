"""The built-in example release (made by `make_example.py`, shipped with the package)."""

from __future__ import annotations

from pathlib import Path

EXAMPLE_NAME = "tiny-release"


def example_path() -> Path:
    return Path(__file__).resolve().parent / EXAMPLE_NAME

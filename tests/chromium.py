"""Debian's Chromium driven by Playwright's library: one place for the binary, its flags and the
skip when it is absent (browsers are never downloaded)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def require() -> ModuleType:
    """Playwright's sync API; skips the calling module when Chromium or Playwright is absent."""
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium is not installed ({CHROMIUM})", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api")


@contextmanager
def launched() -> Iterator[Any]:
    """A headless Chromium for the duration of the block."""
    sync_api = require()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()

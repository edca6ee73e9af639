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


class FileVisit:
    """A page opened from a file:// URL that may load nothing else: every other request is
    recorded and blocked; console errors, page errors and dialogs are recorded."""

    def __init__(self, page: Any, path: Path) -> None:
        self.page, self.url = page, path.as_uri()
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.route("**/*", self._route)
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)
        page.goto(self.url)
        page.wait_for_load_state("load")

    def _route(self, route: Any) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")

from tests.observatory.web.store import build_store  # noqa: E402


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, str]:
    """(engine, url) of a store shared by the dashboard tests; they only read it."""
    root: Path = tmp_path_factory.mktemp("web")
    return build_store(root)


@pytest.fixture(scope="session")
def client(web_store: tuple[Any, str]) -> Any:
    from fastapi.testclient import TestClient

    from openness.observatory.web.app import create_app

    return TestClient(create_app(web_store[0]))

"""Both store backends for the lineage index (the observatory's fixtures), and tiny models."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")
pytest.importorskip("safetensors")

from tests.observatory.conftest import db_url, postgres_server  # noqa: E402, F401

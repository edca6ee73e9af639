"""`openness serve --workers N`: several read-only server processes over one store."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.helpers import run_cli
from tests.observatory.conftest import _free_port


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read()


def test_two_workers_serve_the_store(web_store: tuple[Any, str], tmp_path: Path) -> None:
    port = _free_port()
    argv = ["serve", "--db", web_store[1], "--port", str(port), "--workers", "2"]
    env = {k: v for k, v in os.environ.items() if k != "OPENNESS_SERVE_TOKEN"}
    child = subprocess.Popen([sys.executable, "-m", "openness", *argv], env=env)
    try:
        for _ in range(300):
            try:
                status, body = _get(port, "/?q=acme")
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("the server did not start")
        assert status == 200 and b"acme/open-one" in body
        statuses = {_get(port, "/api/health")[0] for _ in range(20)}
        assert statuses == {200}
        children = Path(f"/proc/{child.pid}/task/{child.pid}/children")
        if children.exists():  # Linux: the supervisor and its two workers
            assert len(children.read_text().split()) >= 2
    finally:
        child.terminate()
        child.wait(timeout=30)


def test_workers_need_read_only_mode(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    token = {"OPENNESS_SERVE_TOKEN": "a-token-of-enough-length-1234"}
    refused = run_cli("serve", "--db", db, "--workers", "2", env=token)
    assert refused.returncode == 2 and "--workers needs read-only mode" in refused.stderr
    zero = run_cli("serve", "--db", db, "--workers", "0")
    assert zero.returncode == 2 and "--workers must be between 1 and 64" in zero.stderr


def test_prerender_renders_what_was_stored_before_then_serves(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from openness.observatory.record import row_for
    from openness.observatory.repository import save_assessment
    from openness.observatory.store import open_store
    from openness.observatory.tables import report_sections
    from openness.pipeline import assess
    from openness.serialize import to_data
    from tests.observatory.conftest import make_release

    db = str(tmp_path / "s.db")
    engine = open_store(db)
    data = to_data(assess(str(make_release(tmp_path / "r"))))
    save_assessment(engine, row_for(data, "acme/a", datetime(2025, 1, 1, tzinfo=UTC)), "t", None)
    with engine.begin() as conn:  # as a store filled before migration 0006
        conn.execute(sa.delete(report_sections))
    port = _free_port()
    argv = ["serve", "--db", db, "--port", str(port), "--prerender"]
    child = subprocess.Popen(
        [sys.executable, "-m", "openness", *argv], stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stderr is not None
        assert "rendered 1 model page(s)" in child.stderr.readline()
        with engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(report_sections)).scalar()
    finally:
        child.terminate()
        child.wait(timeout=30)
        engine.dispose()

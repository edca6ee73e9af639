"""The observe command: lazy imports, a progress bar on a terminal only, exit codes."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.helpers import run_cli
from tests.observatory.conftest import make_release

HEAVY = ("sqlalchemy", "alembic", "duckdb", "pyarrow", "dask", "distributed", "psycopg")


def test_help_does_not_import_the_observatory_stack() -> None:
    code = (
        "import sys; from openness.cli.main import build_parser; build_parser(); "
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert "ingest" in run_cli("observe", "--help").stdout


def test_progress_bar_on_a_terminal_and_not_on_a_pipe(tmp_path: Path) -> None:
    folder = make_release(tmp_path / "m")
    targets = tmp_path / "t.txt"
    targets.write_text(f"{folder}\n", encoding="utf-8")
    piped = run_cli("observe", "run", str(targets), "--db", str(tmp_path / "a.db"))
    assert piped.returncode == 0 and "assessing" not in piped.stderr
    assert "1 targets: 1 stored" in piped.stdout
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "openness", "observe", "run", str(targets), "--db",
         str(tmp_path / "b.db")],
        stdout=subprocess.PIPE, stderr=secondary, text=True,
    )  # fmt: skip
    os.close(secondary)
    out, _ = proc.communicate(timeout=300)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert proc.returncode == 0 and "1 stored" in out
    assert b"assessing" in b"".join(chunks)

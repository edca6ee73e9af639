"""A batch run killed with SIGKILL mid-write leaves a consistent store; the rerun completes it
without assessing anything twice."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.observatory.conftest import make_release

TARGETS = 150


def _done(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(
                conn.execute("SELECT count(*) FROM targets WHERE status='done'").fetchone()[0]
            )
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def _state(db: Path) -> tuple[str, list[tuple[int, str]], list[tuple[str, int | None]]]:
    with sqlite3.connect(db) as conn:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        rows = conn.execute("SELECT id, model FROM assessments ORDER BY id").fetchall()
        done = conn.execute(
            "SELECT target, assessment_id FROM targets WHERE status='done' ORDER BY target"
        ).fetchall()
    return check, rows, done


def _run(targets: Path, db: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.Popen(
        [sys.executable, "-m", "openness", "observe", "run", str(targets), "--db", str(db),
         "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True,
    )  # fmt: skip


def test_sigkill_mid_run_then_rerun_is_consistent_and_complete(tmp_path: Path) -> None:
    lines = []
    for i in range(TARGETS):
        folder = make_release(tmp_path / "models" / f"m{i:03d}", note=f"model number {i}")
        lines.append(f"org{i % 7}/m{i:03d}\t{folder}")
    targets = tmp_path / "targets.txt"
    targets.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "obs.db"

    proc = _run(targets, db)
    deadline = time.monotonic() + 240  # a guard against a hang, not a measurement
    while _done(db) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its pool: the group it leads
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    check, rows, done = _state(db)
    assert check == "ok"
    assert 5 <= len(rows) < TARGETS, "the kill must land mid-run"
    assert len(done) == len(rows)  # an assessment and its target row commit together
    assert sorted(a for _, a in done) == [i for i, _ in rows]

    rerun = _run(targets, db)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    stored, skipped = map(int, re.search(r"(\d+) stored.* (\d+) skipped", out).groups())  # type: ignore[union-attr]
    assert (stored, skipped) == (TARGETS - len(rows), len(rows))

    check, after, done_after = _state(db)
    assert check == "ok"
    assert len(after) == TARGETS == len(done_after)
    assert after[: len(rows)] == rows  # what was committed before the kill is untouched
    assert sorted(m for _, m in after) == sorted(line.split("\t")[0] for line in lines)

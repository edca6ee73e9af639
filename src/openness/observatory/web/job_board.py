"""Assessment jobs started over the API: each one a batch run in a background thread.

The batch machinery (observatory.batch) does the work with its bounded process pool and writes
into the same store as `openness observe run`; this board only bounds how many jobs run at once,
remembers a bounded number of them, and reads each target's outcome from the store at the end.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ..batch import BatchItem, BatchReport, run_batch
from ..tables import assessments, targets
from .job_targets import Admitted


@dataclass(frozen=True)
class JobLimits:
    body_bytes: int = 64 * 1024  # a request body larger than this is refused unread
    targets: int = 50  # targets in one job
    running_jobs: int = 2  # jobs at once; another request gets 429
    workers: int = 2  # worker processes of each job
    kept_jobs: int = 500  # finished jobs remembered (the oldest are forgotten first)


@dataclass
class Job:
    id: str
    targets: tuple[Admitted, ...]
    created_at: datetime
    status: str = "queued"  # queued -> running -> finished | failed
    finished_at: datetime | None = None
    report: BatchReport = field(default_factory=BatchReport)
    outcomes: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str | None = None


class JobBoard:
    def __init__(self, engine: sa.Engine, limits: JobLimits) -> None:
        self.engine = engine
        self.limits = limits
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._running = 0

    def busy(self) -> bool:
        with self._lock:
            return self._running >= self.limits.running_jobs

    def start(self, admitted: Sequence[Admitted]) -> Job | None:
        """A new job, running; None when `running_jobs` jobs already run."""
        with self._lock:
            if self._running >= self.limits.running_jobs:
                return None
            self._running += 1
            job = Job(secrets.token_urlsafe(16), tuple(admitted), datetime.now(UTC))
            self._jobs[job.id] = job
            self._forget_old()
        threading.Thread(target=self._run, args=(job,), name="openness-job", daemon=True).start()
        return job

    def view(self, job_id: str) -> dict[str, Any] | None:
        """The job as the API shows it (a copy taken under the lock)."""
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else _view(job)

    def _run(self, job: Job) -> None:
        with self._lock:
            job.status = "running"
        try:
            items = [BatchItem(a.target) for a in job.targets]
            report = run_batch(
                self.engine, items, workers=self.limits.workers, on_item=self._progress(job)
            )
            outcomes = read_outcomes(self.engine, [a.target for a in job.targets])
            with self._lock:
                job.report, job.outcomes, job.status = report, outcomes, "finished"
        except Exception as exc:  # the store or the pool broke: the job says so, the server runs on
            first_line = (str(exc).splitlines() or [""])[0][:300]
            with self._lock:
                job.status, job.error = "failed", f"{type(exc).__name__}: {first_line}"
        finally:
            with self._lock:
                job.finished_at = datetime.now(UTC)
                self._running -= 1

    def _progress(self, job: Job) -> Any:
        def update(report: BatchReport) -> None:
            copy = BatchReport(
                report.total, report.skipped, report.stored, report.unchanged, list(report.failed)
            )
            with self._lock:
                job.report = copy

        return update

    def _forget_old(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.status in ("finished", "failed")]
        for key in finished[: max(0, len(self._jobs) - self.limits.kept_jobs)]:
            del self._jobs[key]


def read_outcomes(engine: sa.Engine, names: list[str]) -> dict[str, dict[str, Any]]:
    """Each target's row in the batch bookkeeping: done (with model and revision) or failed."""
    joined = targets.outerjoin(assessments, targets.c.assessment_id == assessments.c.id)
    query = (
        sa.select(
            targets.c.target,
            targets.c.status,
            targets.c.error,
            assessments.c.model,
            assessments.c.revision,
        )
        .select_from(joined)
        .where(targets.c.target.in_(names))
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return {
        row.target: {
            "status": "done" if row.status == "done" else "failed",
            "model": row.model,
            "revision": row.revision,
            "error": row.error,
        }
        for row in rows
    }


def _view(job: Job) -> dict[str, Any]:
    report = job.report
    unknown = {"model": None, "revision": None, "error": None}
    if job.status in ("queued", "running"):
        missing = dict(unknown, status="pending")
    else:
        missing = dict(unknown, status="failed", error="no outcome was recorded for this target")
    return {
        "id": job.id,
        "status": job.status,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "total": len(job.targets),
        "completed": report.skipped + report.stored + report.unchanged + len(report.failed),
        "stored": report.stored,
        "skipped": report.skipped,
        "unchanged": report.unchanged,
        "failed": len(report.failed),
        "error": job.error,
        "targets": [
            {"target": a.given, **job.outcomes.get(a.target, missing)} for a in job.targets
        ],
    }

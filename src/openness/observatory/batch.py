"""Batch runs: assess many targets, store each result atomically, skip what is already done.

Workers (a local process pool, or Dask) only assess and return plain JSON data; the parent
process is the single writer. A target is done once its assessment and its `targets` row are
committed together, so a run killed at any point resumes without losing or repeating work.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..errors import OpennessError
from ..lazy_re import lazy
from .record import row_for
from .repository import save_assessment, save_failure, target_is_done

#: a folder with more entries than this is fingerprinted as "unknown" and simply re-assessed
FINGERPRINT_MAX_ENTRIES = 100_000
#: at most this many targets wait per worker, so a huge list does not pile up results
QUEUE_PER_WORKER = 2
#: a Hub target pinned to a commit: its files can never change, so the commit is its fingerprint
_PINNED_HUB = lazy(r"^hf:[^@\s]+@([0-9a-f]{40})$")


@dataclass(frozen=True)
class BatchItem:
    target: str
    model: str | None = None  # the store's model id; default: the Hub id or absolute path


@dataclass
class BatchReport:
    total: int = 0
    skipped: int = 0  # already done at the same fingerprint: not assessed again
    stored: int = 0  # new (model, revision) rows
    unchanged: int = 0  # assessed, but this revision was already stored
    failed: list[tuple[str, str]] = field(default_factory=list)


def read_targets(text: str) -> list[BatchItem]:
    """One target per line; `MODEL<TAB>TARGET` names the model; blank lines and # comments."""
    items: list[BatchItem] = []
    seen: set[str] = set()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        model, _, target = line.rpartition("\t")
        target = target.strip()
        if target in seen:
            continue
        seen.add(target)
        items.append(BatchItem(target, model.strip() or None))
    return items


def model_id(item: BatchItem) -> str:
    if item.model:
        return item.model
    if item.target.startswith("hf:"):
        return item.target[3:].split("@", 1)[0]
    return str(Path(item.target).expanduser().resolve())


def fingerprint(target: str) -> str | None:
    """A cheap stamp of a target: a pinned Hub commit, or a local target's names, sizes and
    mtimes; None when there is none (the target is then assessed on every run)."""
    if pinned := _PINNED_HUB.match(target):
        return f"hub-commit:{pinned.group(1)}"
    path = Path(target).expanduser()
    try:
        if path.is_file():
            st = path.stat()
            return _digest([("", st.st_size, st.st_mtime_ns)])
        if path.is_dir():
            entries = []
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                for name in files:
                    st = os.lstat(os.path.join(root, name))
                    entries.append(
                        (
                            os.path.relpath(os.path.join(root, name), path),
                            st.st_size,
                            st.st_mtime_ns,
                        )
                    )
                    if len(entries) > FINGERPRINT_MAX_ENTRIES:
                        return None
            return _digest(sorted(entries))
    except OSError:
        return None
    return None


def _digest(entries: list[tuple[str, int, int]]) -> str:
    h = hashlib.sha256()
    for name, size, mtime in entries:
        h.update(f"{name}\0{size}\0{mtime}\n".encode())
    return h.hexdigest()


def assess_to_data(target: str) -> dict[str, Any]:
    """Run in a worker: the assessment as JSON data, or the error a person can act on."""
    from ..pipeline import assess
    from ..serialize import to_data

    try:
        return {"assessment": to_data(assess(target, health=False))}
    except OpennessError as exc:
        return {"error": str(exc)}


Submit = Callable[[str], Future[dict[str, Any]]]


def run_batch(
    engine: sa.Engine,
    items: list[BatchItem],
    *,
    workers: int = 2,
    dask: str | None = None,
    retries: int = 2,
    on_item: Callable[[BatchReport], None] | None = None,
) -> BatchReport:
    report = BatchReport(total=len(items))
    todo: list[tuple[BatchItem, str | None]] = []
    for item in items:
        stamp = fingerprint(item.target)
        if target_is_done(engine, item.target, stamp):
            report.skipped += 1
        else:
            todo.append((item, stamp))
    if on_item is not None:
        on_item(report)
    if not todo:
        return report
    with _executor(workers, dask, retries) as (submit, window):
        for (item, stamp), outcome in _bounded(todo, submit, window):
            _record(engine, item, stamp, outcome, report)
            if on_item is not None:
                on_item(report)
    return report


def _record(
    engine: sa.Engine,
    item: BatchItem,
    stamp: str | None,
    outcome: Future[dict[str, Any]],
    report: BatchReport,
) -> None:
    try:
        result = outcome.result()
    except Exception as exc:  # a crash in a worker: recorded, retried by the next run
        result = {"error": f"worker failed: {type(exc).__name__}: {exc}"}
    if "error" in result:
        save_failure(engine, item.target, str(result["error"]))
        report.failed.append((item.target, str(result["error"])))
        return
    row = row_for(result["assessment"], model_id(item), datetime.now(UTC))
    stored = save_assessment(engine, row, item.target, stamp)
    if stored.created:
        report.stored += 1
    else:
        report.unchanged += 1


def _bounded(
    todo: list[tuple[BatchItem, str | None]], submit: Submit, window: int
) -> Iterator[tuple[tuple[BatchItem, str | None], Future[dict[str, Any]]]]:
    """Submit at most `window` targets ahead; yield each as it completes."""
    pending: dict[Future[dict[str, Any]], tuple[BatchItem, str | None]] = {}
    queue = iter(todo)
    try:
        while True:
            for entry in queue:
                pending[submit(entry[0].target)] = entry
                if len(pending) >= window:
                    break
            if not pending:
                return
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in done:
                yield pending.pop(fut), fut
    finally:
        for fut in pending:
            fut.cancel()


class _executor:
    """A context giving (submit, window) over a process pool or a Dask client."""

    def __init__(self, workers: int, dask: str | None, retries: int) -> None:
        self.workers = max(1, workers)
        self.dask = dask
        self.retries = retries
        self._close: list[Callable[[], object]] = []

    def __enter__(self) -> tuple[Submit, int]:
        if self.dask is None:
            pool = ProcessPoolExecutor(
                max_workers=self.workers, initializer=watch_parent, initargs=(os.getpid(),)
            )
            self._pool = pool
            self._close.append(lambda: pool.shutdown(wait=True, cancel_futures=True))
            return (lambda t: pool.submit(assess_to_data, t)), self.workers * QUEUE_PER_WORKER
        return self._dask_submit()

    def _dask_submit(self) -> tuple[Submit, int]:
        from .dask_runner import connect

        client, close = connect(self.dask or "local", self.workers)
        self._close.append(close)

        def submit(target: str) -> Future[dict[str, Any]]:
            fut: Future[dict[str, Any]] = Future()
            dask_future = client.submit(assess_to_data, target, retries=self.retries, pure=False)
            dask_future.add_done_callback(lambda f: _settle(fut, f))
            return fut

        return submit, self.workers * QUEUE_PER_WORKER

    def __exit__(self, kind: object, *exc: object) -> None:
        pool = getattr(self, "_pool", None)
        if kind is not None and pool is not None:
            # interrupted (SIGTERM, SIGINT, an error): stop the workers now, not after their item
            stop_workers(pool)
        for close in reversed(self._close):
            close()


def stop_workers(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)
    pool.shutdown(wait=False, cancel_futures=True)


#: how often a worker checks that the process that started it is still there
PARENT_POLL = 0.5


def watch_parent(parent: int) -> None:
    """Run in each worker: exit as soon as the parent is gone (killed, even with SIGKILL), so no
    worker lives on re-parented to PID 1."""

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="openness-parent-watch", daemon=True).start()


def _settle(fut: Future[dict[str, Any]], dask_future: Any) -> None:
    try:
        fut.set_result(dask_future.result())
    except Exception as exc:
        fut.set_exception(exc)

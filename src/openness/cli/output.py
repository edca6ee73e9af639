"""File and terminal I/O for commands: report writing and the progress bar."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import OpennessError

#: below this many bytes a progress bar would only flicker
PROGRESS_MIN_BYTES = 64 * 1024 * 1024


def target_or_example(args: Any) -> str:
    """The TARGET argument, or the built-in example's folder with --example (exactly one)."""
    if args.example == bool(args.target):
        raise OpennessError("give exactly one of TARGET or --example")
    if args.example:
        from ..examples import example_path

        return str(example_path())
    return str(args.target)


def docs_url() -> str | None:
    """OPENNESS_DOCS_URL: where the rule pages are published (for SARIF helpUri), if anywhere."""
    import os

    url = os.environ.get("OPENNESS_DOCS_URL", "").strip()
    if url and not url.startswith(("https://", "http://")):
        raise OpennessError(f"OPENNESS_DOCS_URL must be an http(s) URL, got {url!r}")
    return url or None


def sarif_places(release_path: str) -> tuple[str, str]:
    """RenderOptions for SARIF: URIs relative to the git repository holding the release (found by
    its `.git`), else to the working directory; the working directory goes in `invocations`."""
    import os

    cwd = Path(os.getcwd())
    try:
        release = (cwd / release_path).resolve() if release_path else cwd
        root = next((p for p in (release, *release.parents) if (p / ".git").exists()), cwd)
    except OSError:  # an unreadable parent folder: no repository found, the working directory
        root = cwd
    return str(root), str(cwd)


def write_report(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OpennessError(f"cannot write {output}: {exc.strerror}") from None


@contextmanager
def progress_reporter(
    verb: str,
) -> Iterator[tuple[Callable[[int], None] | None, Callable[[int], None] | None]]:
    """A (progress, on_start) pair for assess(); a no-op when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None, None
        return
    from rich.progress import DownloadColumn, TransferSpeedColumn

    bar = _bar(DownloadColumn(), TransferSpeedColumn())
    task = bar.add_task(verb, total=None, visible=False)

    def start(total: int) -> None:
        if total >= PROGRESS_MIN_BYTES:
            bar.update(task, total=total, visible=True)
            bar.start()

    def advance(n: int) -> None:
        bar.advance(task, n)

    try:
        yield advance, start
    finally:
        bar.stop()


@contextmanager
def count_progress(verb: str) -> Iterator[Callable[[int, int], None] | None]:
    """A `progress(done, total)` drawing a bar of items on stderr; None when stderr is not a
    terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import MofNCompleteColumn

    bar = _bar(MofNCompleteColumn())
    task = bar.add_task(verb, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    bar.start()
    try:
        yield update
    finally:
        bar.stop()


def _bar(*amount: Any) -> Any:
    """A transient rich progress bar on stderr: description, bar, `amount` columns, time left."""
    from rich.progress import BarColumn, Progress, TimeRemainingColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        *amount,
        TimeRemainingColumn(),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    )

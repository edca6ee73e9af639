"""Several targets in one process (CI): each is handled in turn, the exit code is the worst.

A target that cannot be read is reported on stderr and counts as exit 2; the others still run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from ..errors import OpennessError


def for_each_target(
    targets: Sequence[str], handle: Callable[[str], tuple[str, int]]
) -> tuple[list[str], int]:
    """The reports of the targets that could be handled, and the worst exit code."""
    from .main import EXIT_ERROR, EXIT_OK

    reports: list[str] = []
    worst = EXIT_OK
    for target in targets:
        try:
            report, code = handle(target)
        except OpennessError as exc:
            if len(targets) == 1:
                raise
            print(f"openness: error: {target}: {exc}", file=sys.stderr)
            worst = max(worst, EXIT_ERROR)
            continue
        reports.append(report)
        worst = max(worst, code)
    return reports, worst

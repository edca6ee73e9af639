"""Hypothesis settings for the fuzz harnesses: short by default (CI), long with OPENNESS_FUZZ=long.

    OPENNESS_FUZZ=long .venv/bin/pytest tests/fuzz -p no:randomly --hypothesis-show-statistics
    .venv/bin/python -m tests.fuzz.campaign --minutes 60      # the long campaign, memory capped

The deadline bounds the time of one example: a reader that hangs on some input fails the test.
It is generous in CI, where other jobs share the machine, so it catches hangs, not slowness.
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

LONG = os.environ.get("OPENNESS_FUZZ", "") == "long"
#: examples per harness in a long run (the campaign repeats runs with fresh seeds)
LONG_EXAMPLES = int(os.environ.get("OPENNESS_FUZZ_EXAMPLES", "5000"))


def fuzz(ci_examples: int = 40) -> settings:
    """Settings for one harness: `ci_examples` in CI, LONG_EXAMPLES in a long run."""
    return settings(
        max_examples=LONG_EXAMPLES if LONG else ci_examples,
        deadline=timedelta(seconds=10 if LONG else 30),
        derandomize=not LONG,  # CI runs are reproducible; long runs explore
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
        print_blob=True,
    )

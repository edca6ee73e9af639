"""Crashes the fuzzers found in code this area does not own, until their owners fix them.

A harness that meets one rejects the example (hypothesis counts it as invalid) so a long run
goes on looking for new crashes; each gets a reproducer in test_found.py, marked xfail.
An exception is "known" only with its type and a frame in the file where it was found.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import reject

#: (exception type, a source file its traceback passes through, what goes wrong); empty: the two
#: crashes found so far were fixed (see test_found.py)
KNOWN: list[tuple[type[BaseException], str, str]] = []


def known(exc: BaseException) -> bool:
    files = [frame.filename for frame in traceback.extract_tb(exc.__traceback__)]
    return any(
        isinstance(exc, kind) and any(f.endswith(where) for f in files) for kind, where, _ in KNOWN
    )


@contextmanager
def tolerate_known_bugs() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        if not known(exc):
            raise
        reject()

"""One error family. Messages say what went wrong and what to do about it."""

from __future__ import annotations


class OpennessError(Exception):
    """Base class; the CLI turns these into a message and exit code 2."""


class TargetError(OpennessError):
    """The target does not exist, cannot be read, or is not a release we can open."""


class EmptyTarget(TargetError):
    """The target opened but holds nothing to read: an empty folder, archive or repository."""


class FormatError(OpennessError):
    """A file is malformed: truncated, inconsistent, or over a safety limit.

    Readers raise it; the assessment turns it into a finding on that file.
    """

    def __init__(self, message: str, *, offset: int | None = None, key: str | None = None):
        super().__init__(message)
        self.offset = offset
        self.key = key


class LimitExceeded(FormatError):
    """A declared size or count is beyond what we agree to read."""

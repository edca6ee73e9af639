"""A format is a pure function Assessment -> str; the CLI owns all file I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Assessment


@dataclass(frozen=True)
class RenderOptions:
    width: int = 80
    color: bool = False


DEFAULT_OPTIONS = RenderOptions()
Formatter = Callable[[Assessment, RenderOptions], str]

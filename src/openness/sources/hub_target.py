"""What a Hub target looks like, kept apart from the Hub source so that recognising one imports
nothing heavy (every command asks the registry which source accepts its target)."""

from __future__ import annotations

import os

from ..lazy_re import lazy

HUB_PREFIX = "hf:"
NAME = r"[A-Za-z0-9][\w.-]{0,95}"
REPO = lazy(rf"^{NAME}/{NAME}$")
_BARE = lazy(rf"^{NAME}/{NAME}(@[\w./-]+)?$")


def is_hub_target(target: str) -> bool:
    if target.startswith(HUB_PREFIX):
        return True
    return bool(_BARE.match(target)) and not os.path.lexists(target)

"""What a Hub target looks like, kept apart from the Hub source so that recognising one imports
nothing heavy (every command asks the registry which source accepts its target)."""

from __future__ import annotations

import os
import re

HUB_PREFIX = "hf:"
NAME = r"[A-Za-z0-9][\w.-]{0,95}"
REPO = re.compile(rf"^{NAME}/{NAME}$")
_BARE = re.compile(rf"^{NAME}/{NAME}(@[\w./-]+)?$")


def is_hub_target(target: str) -> bool:
    if target.startswith(HUB_PREFIX):
        return True
    return bool(_BARE.match(target)) and not os.path.lexists(target)

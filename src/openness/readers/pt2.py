"""torch.export archives (`torch.export.save`, `.pt2`): a zip whose weights and tensor constants
are raw bytes named by JSON configs.

`<root>/data/weights/<model>_weights_config.json` (and `data/constants/<model>_constants_config
.json`) map each parameter to a `path_name` in the same folder, with `use_pickle`: false means
torch copies the member's bytes into a tensor, true that it torch.loads it (then the member is a
pickle, detected and walked by content like any other). Only members a config names as raw are
known inert here, and only when no format claims their content.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable

MAX_CONFIG_BYTES = 16 * 1024 * 1024
_CONFIG = re.compile(r"(?:(.*)/)?data/(weights|constants)/[^/]+_(?:weights|constants)_config\.json")
_PATH_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def config_members(names: Iterable[str]) -> list[str]:
    """Weight and constant configs of archives that say they are pt2 (`archive_format` beside)."""
    names = list(names)
    present = set(names)
    out = []
    for name in names:
        match = _CONFIG.fullmatch(name)
        if match is None:
            continue
        root = f"{match.group(1)}/" if match.group(1) else ""
        if f"{root}archive_format" in present:
            out.append(name)
    return out


def raw_members(config_name: str, read: Callable[[int], bytes]) -> set[str]:
    """Members a config names as raw tensor bytes (`use_pickle` false); empty if unreadable."""
    data = read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        return set()
    try:
        config = json.loads(data)
    except (ValueError, RecursionError):
        return set()
    entries = config.get("config") if isinstance(config, dict) else None
    if not isinstance(entries, dict):
        return set()
    folder = posixpath.dirname(config_name)
    out = set()
    for meta in entries.values():
        if not isinstance(meta, dict) or meta.get("use_pickle") is not False:
            continue
        path_name = meta.get("path_name")
        if isinstance(path_name, str) and _PATH_NAME.fullmatch(path_name) and path_name != "..":
            out.add(posixpath.join(folder, path_name))
    return out

"""Local paths kept off published pages: a model stored under a path on the assessing machine
is shown under a public id, and every path of that machine its document holds (the origin, the
places read, the places each rating cites) is replaced by that id."""

from __future__ import annotations

import re

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def is_local_path(model: str) -> bool:
    """A model id that is a path on the machine that assessed it, not a Hub id or a name."""
    return model.startswith(("/", "~", ".", "\\", "file:")) or bool(_DRIVE.match(model))


def without_local_paths(document: object, model: str, public: str) -> object:
    """The document with every local path it holds (the origin, the places read, and the places
    each rating cites) replaced by the model's public id."""
    if not is_local_path(model) or not isinstance(document, dict):
        return document
    shown: dict[str, str] = {model: public}
    origin = document.get("origin")
    if isinstance(origin, dict):
        for key in ("target", "path"):
            if isinstance(origin.get(key), str):
                shown[origin[key]] = public
    for place in document.get("places") or ():
        if isinstance(place, dict) and isinstance(place.get("target"), str):
            target, name = place["target"], place.get("name")
            if is_local_path(target) and target not in shown:
                shown[target] = f"{public}/{name}" if isinstance(name, str) else public
    return _replace_paths(document, sorted(shown.items(), key=lambda kv: -len(kv[0])))


def _replace_paths(value: object, shown: list[tuple[str, str]]) -> object:
    if isinstance(value, str):
        for path, public in shown:
            if value == path or value.startswith(path.rstrip("/\\") + "/"):
                return public + value[len(path) :]
        return value
    if isinstance(value, dict):
        return {k: _replace_paths(v, shown) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_paths(v, shown) for v in value]
    return value

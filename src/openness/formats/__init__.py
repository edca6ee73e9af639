"""Output formats, registered by name. Formats are pure functions (see interface.py)."""

from __future__ import annotations

from .interface import Formatter, RenderOptions

_FORMATS: dict[str, Formatter] = {}


def register(name: str, formatter: Formatter) -> None:
    if name in _FORMATS:
        raise ValueError(f"a format named {name!r} is already registered")
    _FORMATS[name] = formatter


def get(name: str) -> Formatter:
    _load_builtins()
    return _FORMATS[name]


def names() -> list[str]:
    _load_builtins()
    return sorted(_FORMATS)


_loaded = False


def _load_builtins() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from . import json_format, markdown, terminal

    register("json", json_format.render)
    register("markdown", markdown.render)
    register("terminal", terminal.render)


__all__ = ["Formatter", "RenderOptions", "get", "names", "register"]

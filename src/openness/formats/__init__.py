"""Output formats, registered by name. Formats are pure functions (see interface.py)."""

from __future__ import annotations

import importlib
import pkgutil

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
    """Every module here with FORMAT_NAME and render() is a format: one module per format."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        name = getattr(module, "FORMAT_NAME", None)
        if isinstance(name, str):
            register(name, module.render)


__all__ = ["Formatter", "RenderOptions", "get", "names", "register"]

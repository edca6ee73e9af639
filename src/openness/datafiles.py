"""Loading the project's own YAML data files (rubrics, frameworks, catalogs) quickly.

These files ship with the package, so they are trusted input. The parsed value is kept in the
tool's JSON cache (`datacache`), so a command whose data was parsed once imports no PyYAML at
all; otherwise PyYAML's C safe loader reads them several times faster than the pure-Python one.
"""

from __future__ import annotations

from typing import Any

from .datacache import derived


def load_yaml(text: str) -> Any:
    return derived("yaml", text.encode("utf-8"), _parse)


def _parse(source: bytes) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(source.decode("utf-8"), Loader=loader)  # noqa: S506 - a safe loader

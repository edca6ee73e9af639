"""Loading the project's own YAML data files (rubrics, frameworks, catalogs) quickly.

These files ship with the package, so they are trusted input; PyYAML's C safe loader reads them
several times faster than the pure-Python one, which matters for every command's start-up.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader either way

"""Health and governance of the code repository behind a release.

`analyse(path)` reads git history (streamed), tags, governance and security-practice files,
dependency manifests and lock files, matches them against a local OSV database, and scores
checks comparable with OpenSSF Scorecard and CHAOSS metrics. See docs/health.md.

Names are imported on first use: `openness assess` loads this package for every release but
needs the analysis (git, manifests, OSV, `packaging`) only when the release has a repository.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analysis import analyse
    from .model import (
        HEALTH_SCHEMA_ID,
        CheckScore,
        Dependency,
        HealthReport,
        VulnerableDependency,
    )

_HOMES = {
    "analyse": ".analysis",
    "HEALTH_SCHEMA_ID": ".model",
    "CheckScore": ".model",
    "Dependency": ".model",
    "HealthReport": ".model",
    "VulnerableDependency": ".model",
}
__all__ = [
    "HEALTH_SCHEMA_ID",
    "CheckScore",
    "Dependency",
    "HealthReport",
    "VulnerableDependency",
    "analyse",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home, __name__), name)

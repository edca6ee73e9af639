"""Health and governance of the code repository behind a release.

`analyse(path)` reads git history (streamed), tags, governance and security-practice files,
dependency manifests and lock files, matches them against a local OSV database, and scores
checks comparable with OpenSSF Scorecard and CHAOSS metrics. See docs/health.md.
"""

from __future__ import annotations

from .analyse import analyse
from .model import HEALTH_SCHEMA_ID, CheckScore, Dependency, HealthReport, VulnerableDependency

__all__ = [
    "HEALTH_SCHEMA_ID",
    "CheckScore",
    "Dependency",
    "HealthReport",
    "VulnerableDependency",
    "analyse",
]

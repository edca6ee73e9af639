"""Licenses: one catalog, one expression parser, one resolver giving one verdict per release.

Every caller outside this package uses `resolve_release` (the pipeline) or reads the verdict it
produced (`Assessment.license`); see verdict.py and docs/licenses.md.
"""

from .catalog import license_refs
from .verdict import Resolution, resolve_release

__all__ = ["Resolution", "license_refs", "resolve_release"]

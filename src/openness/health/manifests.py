"""Find dependency manifests and lock files in a checkout and read their dependencies.

The walk is bounded (depth, entries), never follows symlinks and skips folders that hold
installed or generated code rather than the project's own manifests.
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..lazy_re import lazy
from . import npm_deps, python_deps
from .model import Dependency, HealthLimits

Parser = Callable[[str, str], list[Dependency]]

_SKIP_FOLDERS = {
    ".git",
    "node_modules",
    ".venv",
    "venv",
    "env",
    "__pycache__",
    "site-packages",
    ".tox",
    ".nox",
    "dist",
    "build",
}
_REQUIREMENTS = lazy(r"^requirements.*\.(txt|in)$", re.I)


@dataclass(frozen=True)
class ManifestKind:
    parser: Parser
    ecosystem: str
    lock: bool


_BY_NAME = {
    "pyproject.toml": ManifestKind(python_deps.parse_pyproject, "PyPI", False),
    "setup.cfg": ManifestKind(python_deps.parse_setup_cfg, "PyPI", False),
    "poetry.lock": ManifestKind(python_deps.parse_lock, "PyPI", True),
    "uv.lock": ManifestKind(python_deps.parse_lock, "PyPI", True),
    "package.json": ManifestKind(npm_deps.parse_package_json, "npm", False),
    "package-lock.json": ManifestKind(npm_deps.parse_package_lock, "npm", True),
}
_REQUIREMENTS_KIND = ManifestKind(python_deps.parse_requirements, "PyPI", False)


def kind_of(rel: str) -> ManifestKind | None:
    parts = rel.split("/")
    name = parts[-1]
    if name in _BY_NAME:
        return _BY_NAME[name]
    in_requirements_folder = len(parts) > 1 and parts[-2].lower() == "requirements"
    if _REQUIREMENTS.match(name) or (in_requirements_folder and name.endswith(".txt")):
        return _REQUIREMENTS_KIND
    return None


@dataclass
class Manifest:
    path: str
    kind: ManifestKind
    dependencies: list[Dependency] = field(default_factory=list)
    error: str = ""


@dataclass
class ManifestScan:
    manifests: list[Manifest] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)

    @property
    def dependencies(self) -> list[Dependency]:
        return [d for m in self.manifests for d in m.dependencies]


def scan_manifests(root: Path, limits: HealthLimits) -> ManifestScan:
    scan = ManifestScan()
    seen = 0
    stack: list[tuple[str, int]] = [("", 0)]
    while stack:
        rel_dir, depth = stack.pop()
        try:
            with os.scandir(root / rel_dir if rel_dir else root) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            scan.incomplete.append(f"{rel_dir or '.'}: folder not listed ({exc.strerror})")
            continue
        for entry in entries:
            seen += 1
            if seen > limits.max_walk_entries:
                scan.incomplete.append(
                    f"manifest search stopped after {limits.max_walk_entries:,} entries"
                )
                return scan
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.is_dir(follow_symlinks=False):
                skipped = entry.name.startswith(".") or entry.name in _SKIP_FOLDERS
                if not skipped and depth < limits.max_walk_depth:
                    stack.append((rel, depth + 1))
            elif entry.is_file(follow_symlinks=False):
                kind = kind_of(rel)
                if kind is not None:
                    scan.manifests.append(_read(root, rel, kind, limits))
    scan.manifests.sort(key=lambda m: m.path)
    scan.incomplete += [f"{m.path}: {m.error}" for m in scan.manifests if m.error]
    return scan


def _read(root: Path, rel: str, kind: ManifestKind, limits: HealthLimits) -> Manifest:
    manifest = Manifest(rel, kind)
    try:
        size = (root / rel).stat().st_size
        if size > limits.max_manifest_bytes:
            manifest.error = f"{size:,} bytes, beyond the limit of {limits.max_manifest_bytes:,}"
            return manifest
        text = (root / rel).read_bytes().decode("utf-8")
        manifest.dependencies = kind.parser(text, rel)
    except OSError as exc:
        manifest.error = f"not readable ({exc.strerror})"
    except UnicodeDecodeError:
        manifest.error = "not valid UTF-8"
    except (ValueError, configparser.Error) as exc:  # TOML and JSON errors are ValueErrors
        manifest.error = f"not parsed ({type(exc).__name__}: {str(exc)[:120]})"
    except RecursionError:
        manifest.error = "nested too deeply"
    return manifest

"""Python dependency manifests and lock files: requirements*.txt, pyproject.toml, setup.cfg,
poetry.lock and uv.lock. Parsed as text or TOML; nothing is imported or executed (setup.py is
never run, so it is not read)."""

from __future__ import annotations

import configparser
import re
import tomllib
from collections.abc import Iterable
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from .model import Dependency

ECOSYSTEM = "PyPI"


def normalise(name: str) -> str:
    """PEP 503 name normalisation, as OSV uses for PyPI."""
    return re.sub(r"[-_.]+", "-", name).lower()


def exact_version(req: Requirement) -> str | None:
    specs = list(req.specifier)
    if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
        return specs[0].version
    return None


def _dependency(text: str, file: str, line: int | None) -> Dependency | None:
    try:
        req = Requirement(text)
    except InvalidRequirement:
        return None
    if req.url:
        return None  # a URL or VCS requirement: not a registry package
    return Dependency(
        ECOSYSTEM, normalise(req.name), str(req.specifier), exact_version(req), file, line
    )


def parse_requirements(text: str, file: str) -> list[Dependency]:
    found: list[Dependency] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = (pending + line).strip(), ""
        if not line or line.startswith("-"):
            continue  # options: -r, -c, -e, --index-url ...
        line = re.split(r"\s--?\w", line, maxsplit=1)[0]  # per-requirement options (--hash)
        dep = _dependency(line, file, start)
        if dep is not None:
            found.append(dep)
    return found


def _line_of(lines: list[str], name: str) -> int | None:
    pattern = re.compile(rf"""(^|["'\s]){re.escape(name)}\s*([\[=<>!~;"'@ ]|$)""", re.I)
    for number, line in enumerate(lines, start=1):
        if pattern.search(line):
            return number
    return None


def _requirement_list(items: Any, file: str, lines: list[str]) -> Iterable[Dependency]:
    if not isinstance(items, list):
        return
    for item in items:
        if isinstance(item, str):
            dep = _dependency(item, file, None)
            if dep is not None:
                yield _located(dep, lines, item)


def _located(dep: Dependency, lines: list[str], written: str) -> Dependency:
    name = re.split(r"[\s\[=<>!~;@]", written.strip(), maxsplit=1)[0]
    return Dependency(
        dep.ecosystem, dep.name, dep.spec, dep.version, dep.file, _line_of(lines, name)
    )


def parse_pyproject(text: str, file: str) -> list[Dependency]:
    data = tomllib.loads(text)
    lines = text.splitlines()
    found: list[Dependency] = []
    project = data.get("project")
    if isinstance(project, dict):
        found += _requirement_list(project.get("dependencies"), file, lines)
        extras = project.get("optional-dependencies")
        if isinstance(extras, dict):
            for items in extras.values():
                found += _requirement_list(items, file, lines)
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for items in groups.values():
            found += _requirement_list(items, file, lines)
    poetry = data.get("tool", {}).get("poetry") if isinstance(data.get("tool"), dict) else None
    if isinstance(poetry, dict):
        found += _poetry_tables(poetry, file, lines)
    return found


def _poetry_tables(poetry: dict[str, Any], file: str, lines: list[str]) -> list[Dependency]:
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    groups = poetry.get("group")
    if isinstance(groups, dict):
        tables += [g.get("dependencies") for g in groups.values() if isinstance(g, dict)]
    found: list[Dependency] = []
    for table in tables:
        if not isinstance(table, dict):
            continue
        for name, spec in table.items():
            if name.lower() == "python":
                continue
            version = spec.get("version") if isinstance(spec, dict) else spec
            if not isinstance(version, str):
                continue  # git, path or url dependencies
            exact = version if re.fullmatch(r"=?=?\s*\d[\w.!+-]*", version.strip()) else None
            found.append(
                Dependency(
                    ECOSYSTEM,
                    normalise(str(name)),
                    version,
                    exact.lstrip("= ") if exact else None,
                    file,
                    _line_of(lines, str(name)),
                )
            )
    return found


def parse_setup_cfg(text: str, file: str) -> list[Dependency]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read_string(text)
    lines = text.splitlines()
    values: list[str] = []
    if parser.has_option("options", "install_requires"):
        values.append(parser.get("options", "install_requires"))
    if parser.has_section("options.extras_require"):
        values += [v for _, v in parser.items("options.extras_require")]
    found: list[Dependency] = []
    for value in values:
        for item in value.splitlines():
            item = item.split("#", 1)[0].strip()
            dep = _dependency(item, file, None) if item else None
            if dep is not None:
                found.append(_located(dep, lines, item))
    return found


def parse_lock(text: str, file: str) -> list[Dependency]:
    """poetry.lock and uv.lock: TOML with one `[[package]]` table per locked package."""
    data = tomllib.loads(text)
    packages = data.get("package")
    if not isinstance(packages, list):
        return []
    lines = text.splitlines()
    index = {line.strip(): n for n, line in reversed(list(enumerate(lines, start=1)))}
    found: list[Dependency] = []
    for package in packages:
        if not isinstance(package, dict):
            continue
        name, version = package.get("name"), package.get("version")
        source = package.get("source")
        if isinstance(source, dict) and ({"editable", "virtual", "directory"} & set(source)):
            continue  # the project itself or a local path, not a registry release
        if isinstance(name, str) and isinstance(version, str):
            line = index.get(f'name = "{name}"')
            found.append(
                Dependency(ECOSYSTEM, normalise(name), f"=={version}", version, file, line, True)
            )
    return found

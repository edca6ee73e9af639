"""Every data file in the source tree ships in the wheel: a plain `pip install` must not crash.

The wheel itself is built and exercised by scripts/smoke-install (run by CI); this test catches a
missing package-data pattern in a second, without a build.
"""

from __future__ import annotations

import glob
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "openness"


def _data_files() -> set[str]:
    return {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    }


def _shipped(patterns: list[str]) -> set[str]:
    shipped: set[str] = set()
    for pattern in patterns:
        shipped.update(glob.glob(pattern, root_dir=PACKAGE, recursive=True))
    return {name for name in shipped if (PACKAGE / name).is_file()}


def test_every_data_file_matches_a_package_data_pattern() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["openness"]
    missing = sorted(_data_files() - _shipped(patterns))
    assert not missing, f"data files left out of the wheel: {missing}"


def test_the_framework_data_is_among_the_data_files() -> None:
    # guards the walk above: it must see the files whose absence crashed a plain install
    assert {"frameworks/mof.yaml", "rubrics/five_attributes.yaml"} <= _data_files()

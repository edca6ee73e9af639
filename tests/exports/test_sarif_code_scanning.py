"""SARIF that GitHub code scanning accepts: the official 2.1.0 schema, plus GitHub's own rules
(every result placed by `region.startLine`, URIs relative to the repository root, stable
`partialFingerprints`, no zero `security-severity`)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.helpers import CORPUS, run_cli
from tests.security import samples
from tests.security.test_templates import BENIGN_TEMPLATE, INJECTIONS

SCHEMA_FILE = CORPUS / "standards" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository whose release sits two folders down, with binary and text findings."""
    root = tmp_path_factory.mktemp("repo")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    release = root / "models" / "tiny"
    release.mkdir(parents=True)
    samples.cve_2025_10156_zip_bad_crc(release)
    samples.nested_zip_in_tar_gz(release)
    config = {"chat_template": BENIGN_TEMPLATE + "\n" + INJECTIONS["globals"]}
    text = json.dumps({"model_max_length": 512}, indent=2)[:-2] + ",\n"
    (release / "tokenizer_config.json").write_text(text + json.dumps(config)[1:])
    return root


def _sarif(cwd: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    proc = run_cli("assess", *args, "--format", "sarif", "--no-hash", cwd=cwd, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    log: dict[str, Any] = json.loads(proc.stdout)
    return log


def _locations(log: dict[str, Any]) -> dict[str, set[tuple[str, int]]]:
    out: dict[str, set[tuple[str, int]]] = {}
    for r in log["runs"][0]["results"]:
        loc = r["locations"][0]["physicalLocation"]
        place = (loc["artifactLocation"]["uri"], loc["region"]["startLine"])
        out.setdefault(r["ruleId"], set()).add(place)
    return out


def test_valid_against_the_official_schema(repo: Path) -> None:
    if not SCHEMA_FILE.exists():
        pytest.skip("shared corpus standards folder absent")
    log = _sarif(repo, "models/tiny")
    jsonschema.Draft4Validator(json.loads(SCHEMA_FILE.read_text())).validate(log)


def test_uris_are_relative_to_the_repository_root_from_any_working_directory(repo: Path) -> None:
    from_root = _sarif(repo, "models/tiny")
    from_inside = _sarif(repo / "models", "tiny")
    run = from_root["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    assert run["invocations"][0]["workingDirectory"]["uri"] == repo.resolve().as_uri() + "/"
    places = _locations(from_root)
    pickles = {("models/tiny/bad_crc.pt", 1), ("models/tiny/nested.tar.gz", 1)}
    assert places["OPN-PKL-001"] == pickles
    assert places["OPN-LIC-001"] == {("models/tiny", 1)}  # about the release: placed on it
    assert places == _locations(from_inside)
    assert all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        for r in run["results"]
    )


def test_text_findings_carry_their_real_line(repo: Path) -> None:
    places = _locations(_sarif(repo, "models/tiny"))
    # the chat_template key is on line 3 of tokenizer_config.json
    assert ("models/tiny/tokenizer_config.json", 3) in places["OPN-TPL-001"]


def test_every_result_is_placed_and_fingerprinted_stably(repo: Path, tmp_path: Path) -> None:
    first = _sarif(repo, "models/tiny")
    again = _sarif(tmp_path, str(repo / "models" / "tiny"))
    results = first["runs"][0]["results"]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results]
    assert lines and min(lines) >= 1
    prints = [r["partialFingerprints"]["openness/v1"] for r in results]
    assert prints == [r["partialFingerprints"]["openness/v1"] for r in again["runs"][0]["results"]]
    inner = next(r for r in results if "nested.tar.gz" in json.dumps(r["locations"]))
    logical = inner["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
    assert logical.startswith("nested.tar!bundle/inner.zip!")


def test_an_archive_target_points_at_the_archive_file(repo: Path) -> None:
    places = _locations(_sarif(repo, "models/tiny/nested.tar.gz"))
    assert places["OPN-PKL-001"] == {("models/tiny/nested.tar.gz", 1)}


def test_rule_metadata_meets_code_scanning(repo: Path) -> None:
    env = {"OPENNESS_DOCS_URL": "https://github.com/example/openness/blob/v1/docs/rules/"}
    rules = _sarif(repo, "models/tiny", env=env)["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        assert rule["helpUri"].startswith("https://") and rule["shortDescription"]["text"]
        severity = rule["properties"].get("security-severity")
        assert severity is None or 0.1 <= float(severity) <= 10.0, rule["id"]
    src004 = next(r for r in rules if r["id"] == "OPN-SRC-004")
    assert "security-severity" not in src004["properties"]


def test_a_hub_release_is_placed_at_its_pinned_revision(repo: Path) -> None:
    from dataclasses import replace

    from openness.formats import RenderOptions, get
    from openness.model import Origin
    from openness.pipeline import scan

    a = scan(str(repo / "models" / "tiny"))
    commit = "0123456789abcdef0123456789abcdef01234567"
    hub = replace(a, origin=Origin("hub", "hf:acme/tiny", "hf:acme/tiny", commit))
    options = RenderOptions(source_root=str(repo), working_directory=str(repo))
    log = json.loads(get("sarif")(hub, options))
    run = log["runs"][0]
    base = run["originalUriBaseIds"]["RELEASE"]["uri"]
    assert base == f"https://huggingface.co/acme/tiny/blob/{commit}/"
    assert ("bad_crc.pt", 1) in _locations(log)["OPN-PKL-001"]
    if SCHEMA_FILE.exists():
        jsonschema.Draft4Validator(json.loads(SCHEMA_FILE.read_text())).validate(log)

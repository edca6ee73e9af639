"""The composite GitHub Action: action.yml's own `run` step executed with the GitHub environment
variables pointing at temporary files, and its inputs mapped the way action.yml maps them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from markdown_it import MarkdownIt

from tests.helpers import CORPUS, ROOT
from tests.security import samples

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
SARIF_SCHEMA = CORPUS / "standards" / "sarif-schema-2.1.0.json"
_EXPR = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def _step(name: str) -> dict[str, Any]:
    step: dict[str, Any] = next(s for s in ACTION["runs"]["steps"] if s["name"] == name)
    return step


def _run_action(
    workspace: Path, tmp: Path, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    """The "Run openness" step as the runner would run it; returns (process, outputs, summary)."""
    values = {f"inputs.{k}": v.get("default", "") for k, v in ACTION["inputs"].items()}
    values |= {f"inputs.{k.replace('_', '-')}": v for k, v in inputs.items()}
    values |= {"github.action_repository": "acme/openness", "github.action_ref": "v1"}
    step = _step("Run openness")
    env = {k: _EXPR.sub(lambda m: values[m.group(1)], str(v)) for k, v in step["env"].items()}
    runner = tmp / "runner"
    python = runner / "openness-venv" / "bin" / "python"
    python.parent.mkdir(parents=True, exist_ok=True)
    python.write_text(
        f'#!/bin/sh\nexec "{sys.executable}" "$@"\n'
    )  # the venv the install step makes
    python.chmod(0o755)
    summary, output = tmp / "summary.md", tmp / "output.txt"
    summary.write_text(""), output.write_text("")
    env |= {
        "RUNNER_TEMP": str(runner),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_WORKSPACE": str(workspace),
    }
    proc = subprocess.run(
        ["bash", "-c", step["run"]],
        cwd=workspace,
        env=dict(os.environ, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return proc, outputs, summary.read_text()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checked-out repository with a model folder two levels down."""
    repo = tmp_path / "workspace"
    (repo / "models" / "tiny").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    np = pytest.importorskip("numpy")
    np.save(repo / "models" / "tiny" / "weights.npy", np.zeros(3))
    return repo


def test_action_inputs_and_steps() -> None:
    assert {"target", "command", "policy", "fail-on", "format", "upload-sarif"} <= set(
        ACTION["inputs"]
    )
    assert ACTION["runs"]["using"] == "composite"
    upload = _step("Upload SARIF to code scanning")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert "always()" in upload["if"]  # the SARIF is uploaded even when the gate fails


def test_a_clean_release_passes_with_valid_sarif(workspace: Path, tmp_path: Path) -> None:
    proc, outputs, summary = _run_action(workspace, tmp_path, target="models/tiny")
    assert proc.returncode == 0, proc.stderr
    assert outputs["failed"] == "false" and outputs["findings"] == "0"
    assert "## openness scan: `models/tiny`" in summary and "**PASS**" in summary
    log = json.loads((workspace / outputs["sarif-file"]).read_text())
    if SARIF_SCHEMA.exists():
        jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules[0]["helpUri"].startswith("https://github.com/acme/openness/blob/v1/docs/rules/")


def test_a_pickle_that_runs_code_fails_the_gate(workspace: Path, tmp_path: Path) -> None:
    samples.os_system(workspace / "models" / "tiny")
    proc, outputs, summary = _run_action(workspace, tmp_path, target="models/tiny")
    assert proc.returncode == 0, proc.stderr  # the upload step still runs; a later step fails
    assert outputs["failed"] == "true"
    assert "**FAIL**" in summary and "| critical | OPN-PKL-001 | `os_system.pkl" in summary
    first = json.loads((workspace / "openness.sarif").read_text())["runs"][0]["results"]
    located = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in first}
    assert located == {"models/tiny/os_system.pkl"}  # relative to the repository root
    _run_action(workspace, tmp_path, target="models/tiny")
    again = json.loads((workspace / "openness.sarif").read_text())["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in first] == [r["partialFingerprints"] for r in again]
    assert not (workspace / samples.MARKER).exists()


def test_check_with_a_policy_and_a_markdown_report(workspace: Path, tmp_path: Path) -> None:
    release = workspace / "models" / "tiny"
    (release / "README.md").write_text("---\nlicense: cc-by-nc-4.0\n---\n# tiny\n")
    (workspace / "gate.toml").write_text('[policy]\nrequire = ["open_license=open"]\n')
    proc, outputs, summary = _run_action(
        workspace,
        tmp_path,
        target="models/tiny",
        command="check",
        policy="gate.toml",
        format="markdown",
    )
    assert proc.returncode == 0, proc.stderr
    assert outputs["failed"] == "true"
    assert "require open\\_license=open" in summary and "## Verdict" in summary
    assert (workspace / outputs["report-file"]).read_text().startswith("# ")


def test_release_text_cannot_inject_markup_into_the_summary(
    workspace: Path, tmp_path: Path
) -> None:
    name = "![x](https:evil.example|a)<img src=x onerror=alert(1)>`.pkl"
    samples.os_system(workspace / "models" / "tiny")
    (workspace / "models" / "tiny" / "os_system.pkl").rename(workspace / "models" / "tiny" / name)
    proc, outputs, summary = _run_action(workspace, tmp_path, target="models/tiny")
    assert outputs["failed"] == "true", proc.stderr
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(summary)
    assert "<img" not in html and "<a " not in html
    row = next(line for line in summary.splitlines() if "OPN-PKL-001" in line)
    assert row.count("|") - row.count("\\|") == 5  # the table row is not broken


def test_a_bad_input_is_an_error_in_the_summary(workspace: Path, tmp_path: Path) -> None:
    proc, _, summary = _run_action(workspace, tmp_path, target="./models/nope")
    assert proc.returncode == 2 and "error" in summary and "does not exist" in proc.stderr


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"fail_on": "bogus"}, "fail-on must be one of"),
        ({"command": "nope"}, "command must be one of"),
        ({"format": "pdf"}, "format must be one of"),
    ],
)
def test_bad_inputs_are_errors_before_anything_is_written(
    workspace: Path, tmp_path: Path, inputs: dict[str, str], message: str
) -> None:
    proc, outputs, summary = _run_action(workspace, tmp_path, target="models/tiny", **inputs)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr
    assert outputs == {} and not (workspace / "openness.sarif").exists()
    assert "error" in summary

"""`openness completion bash`: the generated script sourced in a real bash, completing commands,
sub-actions, options and their choices the way bash calls it at <Tab>."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from openness import formats
from tests.helpers import run_cli

BASH = shutil.which("bash")


@pytest.fixture(scope="module")
def script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if BASH is None:
        pytest.skip("bash is not installed")
    proc = run_cli("completion", "bash")
    assert proc.returncode == 0, proc.stderr
    path = tmp_path_factory.mktemp("completion") / "openness.bash"
    path.write_text(proc.stdout)
    return path


def complete(script: Path, line: str, cwd: Path | None = None) -> list[str]:
    """What bash offers for the word at the end of `line` (an empty last word after a space)."""
    words = shlex.split(line) + ([""] if line.endswith(" ") else [])
    program = (
        f"source {shlex.quote(str(script))}\n"
        f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        '_openness\nprintf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    assert BASH is not None
    proc = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", program], capture_output=True, text=True, cwd=cwd
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return [w for w in proc.stdout.splitlines() if w]


def test_commands_and_sub_actions(script: Path) -> None:
    assert {"assess", "scan", "check", "observe", "completion"} <= set(
        complete(script, "openness ")
    )
    assert complete(script, "openness as") == ["assess"]
    assert set(complete(script, "openness observe ")) >= {"run", "export", "metrics"}
    assert complete(script, "openness observe ex") == ["export"]


def test_options_per_command(script: Path) -> None:
    assert set(complete(script, "openness scan --")) == {
        "--help", "--format", "--output", "--fail-on", "--hash",
    }  # fmt: skip
    assert "--table" in complete(script, "openness observe export --")
    assert "--table" not in complete(script, "openness observe run --")


def test_choices_of_options(script: Path) -> None:
    assert complete(script, "openness assess ./m --format ") == formats.names()
    assert complete(script, "openness assess -f sp") == ["spdx3"]
    assert complete(script, "openness scan x --fail-on c") == ["critical"]
    assert complete(script, "openness observe export --table ") == ["assessments", "ratings"]
    # a value that is not a command word: `--format json` does not make `json` a command
    assert "--output" in complete(script, "openness scan --format json --")


def test_free_values_are_left_to_file_completion(script: Path, tmp_path: Path) -> None:
    assert complete(script, "openness scan --output ", cwd=tmp_path) == []  # bash's default
    assert complete(script, "openness check ./m --policy ", cwd=tmp_path) == []


def test_zsh_script_loads_bashcompinit() -> None:
    proc = run_cli("completion", "zsh")
    assert proc.returncode == 0 and proc.stdout.startswith("autoload -U +X bashcompinit")
    assert "complete -o bashdefault -o default -F _openness openness" in proc.stdout

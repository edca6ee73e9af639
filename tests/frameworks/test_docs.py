"""Every worked example in docs/frameworks.md runs, and its output shows the lines quoted."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.helpers import run_cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "frameworks.md"
EXAMPLE = re.compile(r"```console\n\$ openness ([^\n]+)\n```\n```text\n(.*?)```", re.S)
EXAMPLES = EXAMPLE.findall(DOC.read_text(encoding="utf-8"))


def test_each_framework_has_a_worked_example() -> None:
    frameworks = {re.search(r"--framework (\S+)", cmd).group(1) for cmd, _ in EXAMPLES}  # type: ignore[union-attr]
    assert frameworks == {"mof", "osaid", "osai-index", "fmti"}


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_worked_example(command: str, expected: str) -> None:
    corpus = next((a for a in shlex.split(command) if a.startswith("../shared/corpus/")), None)
    if corpus and not (DOC.parents[1] / corpus).exists():
        pytest.skip(f"{corpus} is absent")
    done = run_cli(*shlex.split(command), cwd=DOC.parents[1])
    assert done.returncode == 0, done.stderr
    for line in expected.strip().splitlines():
        assert line in done.stdout

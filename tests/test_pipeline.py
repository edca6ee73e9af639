"""One orchestrator: `openness.assess(...)` is what `openness assess --format json` prints."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

import openness
from openness.cli.main import main
from openness.errors import OpennessError
from openness.examples import example_path
from openness.formats import get
from tests.health.gitrepo import GitRepo

MOT = """framework:
  name: 'Model Openness Framework'
  version: '1.0'
release:
  name: tiny
  license:
    distribution:
      name: Apache-2.0
  components:
    - name: 'Model parameters (Final)'
      license: MIT
"""


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_library_result_equals_the_cli_json(tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(example_path(), release)
    repo = GitRepo(release)  # a release that is its own code repository: health is read
    repo.write("requirements.txt", "requests\n")
    repo.commit("Ann", "ann@a.example", 3)
    claims = tmp_path / "claims.mot.yaml"
    claims.write_text(MOT)
    weights = (release / "model.safetensors").read_bytes()
    digests = tmp_path / "SHA256SUMS"
    digests.write_text(f"{hashlib.sha256(weights).hexdigest()}  model.safetensors\n")
    out = tmp_path / "report.json"

    code = main(
        [
            "assess",
            str(release),
            "--claims",
            str(claims),
            "--verify-digests",
            str(digests),
            "--framework",
            "mof,osaid",
            "--format",
            "json",
            "--fail-on",
            "never",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    a = openness.assess(
        str(release), claims=str(claims), digests=str(digests), frameworks="mof,osaid"
    )
    assert get("json")(a) == out.read_text("utf-8")
    # every producer is in it, and before rating: the ratings read the same evidence
    facts = {e.fact for e in a.evidence}
    assert {"claims.document", "integrity.digests.matched"} <= facts
    assert any(f.startswith("health.") for f in facts)
    assert [f.framework for f in a.frameworks] == ["mof", "osaid"]


def test_library_options_are_checked_before_reading(tmp_path: Path) -> None:
    with pytest.raises(OpennessError, match="needs --public-key"):
        openness.assess(str(tmp_path / "missing"), signature="model.sig")
    with pytest.raises(OpennessError, match="cannot read claims file"):
        openness.assess(str(tmp_path / "missing"), claims=str(tmp_path / "none.yaml"))
    with pytest.raises(OpennessError, match="unknown framework"):
        openness.assess(str(tmp_path / "missing"), frameworks="nope")

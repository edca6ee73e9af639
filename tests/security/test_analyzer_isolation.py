"""One analyzer raising never takes the others down, and never leaves a file looking clean: its
failure is an OPN-SEC-001 finding and an "analyzer failed: ..." incomplete reason (issue 13)."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from openness.model import Evidence, FileEntry, Finding
from openness.pipeline import assess, scan
from openness.readers.pickle import analyzers as pickle_analyzers
from openness.security import interface
from openness.security.report import verdict

EVIL = b"cos\nsystem\n(S'true'\ntR."  # protocol 0, never loaded here


def _boom(_ctx: object) -> list[Finding]:
    raise RuntimeError("boom")


@pytest.fixture
def failing_pickle_analyzer() -> Iterator[None]:
    pickle_analyzers.register(pickle_analyzers.PickleAnalyzer("test-boom", _boom))
    yield
    pickle_analyzers.unregister("test-boom")


class _Failing:
    name = "test-boom"

    def analyze(self, evidence: Sequence[Evidence], files: Sequence[FileEntry]) -> list[Finding]:
        raise ValueError("bad evidence")


@pytest.fixture
def failing_release_analyzer() -> Iterator[None]:
    interface.analyzers()  # the built-ins first, so the failing one runs among them
    interface.register(_Failing())
    yield
    interface.unregister("test-boom")


def test_builtin_pickle_analyzers_are_registered() -> None:
    names = [a.name for a in pickle_analyzers.analyzers()]
    assert names[:3] == ["globals", "indirect-calls", "joblib-wrappers"]
    with pytest.raises(ValueError, match="already registered"):
        pickle_analyzers.register(pickle_analyzers.PickleAnalyzer("globals", _boom))


def test_failing_pickle_analyzer_leaves_the_others_running(
    tmp_path: Path, failing_pickle_analyzer: None
) -> None:
    (tmp_path / "evil.pkl").write_bytes(EVIL)
    a = scan(str(tmp_path), hash_files=False)
    rules = {f.rule_id for f in a.findings}
    assert "OPN-PKL-001" in rules  # the globals analyzer still ran
    failed = [f for f in a.findings if f.rule_id == "OPN-SEC-001"]
    assert [f.location.file for f in failed] == ["evil.pkl"]
    assert "analyzer failed: test-boom: RuntimeError: boom" in failed[0].reason
    assert not a.complete
    assert any("evil.pkl" in r and "analyzer failed: test-boom" in r for r in a.incomplete)


def test_failing_pickle_analyzer_makes_a_benign_pickle_incomplete(
    tmp_path: Path, failing_pickle_analyzer: None
) -> None:
    (tmp_path / "plain.pkl").write_bytes(pickle.dumps({"a": [1, 2.0, "x"]}, protocol=4))
    a = scan(str(tmp_path), hash_files=False)
    assert not a.complete
    assert verdict(a, None).startswith("INCOMPLETE")


def test_failing_release_analyzer_is_incomplete_not_clean(
    tmp_path: Path, failing_release_analyzer: None
) -> None:
    save_file({"w": np.zeros((2, 2), dtype=np.float32)}, str(tmp_path / "model.safetensors"))
    a = scan(str(tmp_path), hash_files=False)
    assert [f.trigger for f in a.findings if f.rule_id == "OPN-SEC-001"] == ["test-boom"]
    assert a.incomplete == ("analyzer failed: test-boom: ValueError: bad evidence",)
    assert verdict(a, None).startswith("INCOMPLETE")


def test_other_release_analyzers_still_run(tmp_path: Path, failing_release_analyzer: None) -> None:
    template = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({"chat_template": template}))
    a = assess(str(tmp_path), hash_files=False)
    assert any(f.rule_id == "OPN-TPL-001" for f in a.findings)
    assert any(f.rule_id == "OPN-SEC-001" for f in a.findings)
    assert not a.complete

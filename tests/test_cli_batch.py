"""Several targets in one `openness scan` / `openness license` run: a report per target, in
order, and the worst exit code."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from openness.cli.main import main

#: `os.system("echo hi")` when unpickled: GLOBAL, MARK, STRING, TUPLE, REDUCE (protocol 0)
EVIL = b"cos\nsystem\n(S'echo hi'\ntR."


@pytest.fixture
def targets(tmp_path: Path) -> tuple[Path, Path]:
    benign = tmp_path / "benign.pkl"
    benign.write_bytes(pickle.dumps({"w": [1.0, 2.0]}, protocol=4))
    evil = tmp_path / "evil.pkl"
    evil.write_bytes(EVIL)
    return benign, evil


def test_scan_reports_each_target_and_exits_with_the_worst(
    targets: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    benign, evil = targets
    assert main(["scan", str(benign)]) == 0
    capsys.readouterr()
    assert main(["scan", str(benign), str(evil)]) == 1
    out = capsys.readouterr().out
    assert out.index(f"openness scan {benign}") < out.index(f"openness scan {evil}")
    assert "OPN-PKL" in out.split(f"openness scan {evil}")[1]


def test_scan_goes_on_past_an_unreadable_target(
    targets: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    benign, _ = targets
    missing = tmp_path / "missing.bin"
    assert main(["scan", str(missing), str(benign)]) == 2
    captured = capsys.readouterr()
    assert f"openness scan {benign}" in captured.out
    assert f"{missing}:" in captured.err


def test_scan_json_is_a_list_and_sarif_has_a_run_per_target(
    targets: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    benign, evil = targets
    main(["scan", str(benign), str(evil), "-f", "json"])
    reports = json.loads(capsys.readouterr().out)
    assert [r["target"] for r in reports] == [str(benign), str(evil)]
    main(["scan", str(benign), str(evil), "-f", "sarif"])
    log = json.loads(capsys.readouterr().out)
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 2
    rules = [{r["ruleId"] for r in run["results"]} for run in log["runs"]]
    assert rules[0] == {"OPN-PKL-000"} and len(rules[1]) > 1


def test_license_reads_several_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mit = tmp_path / "LICENSE"
    mit.write_text("MIT License\n\nPermission is hereby granted, free of charge, to any\n")
    apache = tmp_path / "LICENSE-APACHE"
    apache.write_text("Apache License\nVersion 2.0, January 2004\n")
    assert main(["license", str(mit), str(apache), "-f", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [(e["target"], [lic["id"] for lic in e["licenses"]]) for e in found] == [
        (str(mit), ["MIT"]),
        (str(apache), ["Apache-2.0"]),
    ]
    assert main(["license", str(mit), str(tmp_path / "nothing"), str(apache)]) == 2
    out = capsys.readouterr().out
    assert out.index(f"== {mit}") < out.index(f"== {apache}")


def test_license_example_with_targets_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["license", str(a), str(b), "--example"]) == 2
    assert "not both" in capsys.readouterr().err

"""The command line: formats, output files, exit codes, width, and the safety of pickles."""

from __future__ import annotations

import json
import pickle
import struct
from pathlib import Path

from tests.helpers import run_cli


def test_terminal_report_fits_80_columns() -> None:
    proc = run_cli("assess", "--example")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    text = proc.stdout
    for needle in ("Open license", "Apache-2.0", "model.safetensors", "Findings: none"):
        assert needle in text


def test_json_and_markdown_to_file(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    proc = run_cli("assess", "--example", "--format", "json", "-o", str(out))
    assert proc.returncode == 0 and proc.stdout == ""
    assert json.loads(out.read_text())["schema"] == "openness.assessment/1"
    md = run_cli("assess", "--example", "--format", "markdown")
    assert md.stdout.startswith("# Openness assessment")
    assert "| Open license | ● open |" in md.stdout


def test_no_hash_leaves_digests_out() -> None:
    proc = run_cli("assess", "--example", "--format", "json", "--no-hash")
    data = json.loads(proc.stdout)
    assert {f["sha256"] for f in data["files"]} == {None}


def test_help_explains_commands() -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0 and "assess" in proc.stdout and "Exit codes" in proc.stdout
    proc = run_cli("assess", "--help")
    assert "--no-hash" in proc.stdout and "--fail-on" in proc.stdout


def _marker_pickle(marker: Path) -> bytes:
    # os.system("touch MARKER") as raw protocol-0 opcodes: GLOBAL, MARK, STRING, TUPLE, REDUCE
    return b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."


def test_malicious_pickle_is_flagged_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    release = tmp_path / "release"
    release.mkdir()
    (release / "pytorch_model.bin").write_bytes(_marker_pickle(marker))
    proc = run_cli("assess", str(release), "--format", "json")
    assert not marker.exists()
    assert proc.returncode == 1, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    flagged = [
        f
        for f in findings
        if f["location"]["file"] == "pytorch_model.bin" and f["severity"] == "critical"
    ]
    assert flagged and "os.system" in flagged[0]["trigger"]


def test_benign_pickle_passes_the_default_threshold(tmp_path: Path) -> None:
    (tmp_path / "state.pkl").write_bytes(pickle.dumps({"weights": [1.0, 2.0]}, protocol=4))
    proc = run_cli("assess", str(tmp_path), "--format", "json")
    assert proc.returncode == 0, proc.stdout
    assert run_cli("assess", str(tmp_path), "--fail-on", "low").returncode == 1


def test_fail_on_threshold(tmp_path: Path) -> None:
    raw = b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'
    (tmp_path / "m.safetensors").write_bytes(struct.pack("<Q", len(raw)) + raw + bytes(4))
    # no card, no license: medium and low findings only
    assert run_cli("assess", str(tmp_path)).returncode == 0
    assert run_cli("assess", str(tmp_path), "--fail-on", "medium").returncode == 1
    assert run_cli("assess", str(tmp_path), "--fail-on", "never").returncode == 0


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    with open(tmp_path / "big.bin", "wb") as f:
        f.truncate(80 * 1024 * 1024)  # sparse: over the 64 MB threshold, cheap to make
    main, child = pty.openpty()
    out = tmp_path / "report.txt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "openness", "assess", str(tmp_path), "-o", str(out)],
        stdin=child,
        stdout=child,
        stderr=child,
    )
    os.close(child)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=120) == 0
    assert b"hashing" in seen and b"MB" in seen
    assert "big.bin" in out.read_text()
    quiet = run_cli("assess", str(tmp_path), "-o", str(out))  # stderr is a pipe: no bar
    assert quiet.stderr == ""


def test_help_imports_no_heavy_modules() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from openness.cli.main import build_parser; build_parser(); "
        "print(sorted(m for m in ('rich', 'yaml', 'numpy', 'torch', 'h5py', 'onnx') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_scan_path_finds_what_assess_finds_without_the_license_machinery(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "pytorch_model.bin").write_bytes(_marker_pickle(tmp_path / "MARKER"))
    code = (
        "import openness.pipeline as p; from openness.security.report import security_only; "
        f"s = p.scan({str(tmp_path)!r}); a = security_only(p.assess({str(tmp_path)!r})); "
        "print(s.findings == a.findings and s.findings != ())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
    lean = (
        "import sys, openness.pipeline as p; "
        f"p.scan({str(tmp_path)!r}); "
        "print(sorted(m for m in sys.modules if m.startswith(('openness.licenses', "
        "'openness.frameworks', 'openness.documents.card'))))"
    )
    out = subprocess.run([sys.executable, "-c", lean], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert not (tmp_path / "MARKER").exists()


def test_each_command_is_named_after_its_module() -> None:
    from openness.cli.main import build_parser, command_modules

    for module in command_modules():
        name = module.__name__.rsplit(".", 1)[1]
        parser = build_parser([name])
        commands = next(a for a in parser._actions if a.dest == "command")
        assert list(commands.choices) == [name]  # type: ignore[union-attr]


def test_a_command_loads_only_its_own_module() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from openness.cli.main import build_parser; "
        "build_parser(['scan', 'x', '-f', 'json']); "
        "print(sorted(m for m in sys.modules if m.startswith('openness.cli.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['openness.cli.main', 'openness.cli.scan']"
    unknown = run_cli("no-such-command")
    assert unknown.returncode == 2 and "assess" in unknown.stderr


def test_diff_names_a_missing_file_as_not_found(tmp_path: Path) -> None:
    a = tmp_path / "a.json"
    a.write_text(run_cli("assess", "--example", "--format", "json", "--no-hash").stdout)
    done = run_cli("diff", str(a), str(tmp_path / "missing.json"))
    assert done.returncode == 2
    assert "missing.json: not found" in done.stderr


def test_check_require_lists_the_valid_levels() -> None:
    from openness.examples import example_path

    done = run_cli("check", str(example_path()), "--require", "open_license=great")
    assert done.returncode == 2
    assert "open, partial, closed, unknown" in done.stderr

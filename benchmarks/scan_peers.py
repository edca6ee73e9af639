"""openness against picklescan, modelscan, fickling and ModelAudit: same files, same run.

    sh benchmarks/peers/setup.sh                       # once: the peers' own venv
    .venv/bin/python benchmarks/scan_peers.py          # detection + performance, prints tables
    .venv/bin/python benchmarks/scan_peers.py --only perf --reps 3 --markdown out.md

Every tool runs as a subprocess (the peers from benchmarks/peers/.venv) under /usr/bin/time with a
timeout; the exit code and the tool's own report say whether it flagged the file.

- detection: every sample of tests/security/samples.MALICIOUS (named after its advisory) must be
  flagged; every sample of BENIGN (real torch.save checkpoints, TorchScript archives from
  torch.jit.script/trace/freeze and a quantized model, NumPy, joblib, scikit-learn) must not
  be. A tool that errors or times out on a file did not flag it.
- performance, best of --reps runs each (wall time including start-up, CPU time user + system
  of the whole process tree, peak RSS), every tool from cached bytecode:
  (a) a pickle of 3 million small opcodes (a list of 3M floats, 27 MB),
  (b) a 200 MB NumPy array pickle, (c) a real 200 MB torch.save checkpoint,
  (d) a folder of mixed files: the benign corpus plus three configs (24 files; 20 before the
  TorchScript samples) (tools that take one file at a time run once per file),
  (e) a real 1 GB torch.save checkpoint.

Generated data goes to benchmarks/data/scan-peers/ (git-ignored) and is reused.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PEERS = ROOT / "benchmarks" / "peers" / ".venv" / "bin"
#: the openness under test; OPENNESS=... runs another (a worktree's source through a wrapper)
OPENNESS = Path(os.environ.get("OPENNESS", ROOT / ".venv" / "bin" / "openness"))
DATA = ROOT / "benchmarks" / "data" / "scan-peers"
ENV = dict(os.environ, PROMPTFOO_DISABLE_TELEMETRY="1", NO_ANALYTICS="1", COLUMNS="200")
# Every tool runs from cached bytecode, as an installed package does: the peers' site-packages
# were compiled by pip, openness runs from its source tree, so all of them get one shared cache
# outside the tree (warmed by a run that is not timed).
ENV.pop("PYTHONDONTWRITEBYTECODE", None)
ENV["PYTHONPYCACHEPREFIX"] = str(DATA / "pycache")
MiB = 1024 * 1024


@dataclass
class Verdict:
    flagged: bool
    error: bool
    detail: str


@dataclass
class Run:
    seconds: float
    peak_mb: float
    exit: int | None  # None: timed out
    verdict: Verdict
    cpu: float = 0.0  # user + system seconds of the tool and its children


@dataclass
class Tool:
    name: str
    command: Callable[[Path, Path], list[str]]  # (target, scratch folder) -> argv
    verdict: Callable[[int, str, Path], Verdict]  # (exit, output, scratch) -> verdict
    folders: bool = True  # False: run once per file of a folder


def _openness_verdict(code: int, out: str, scratch: Path) -> Verdict:
    try:
        findings = json.loads(out[out.index("{") :])["findings"]
    except (ValueError, KeyError):
        return Verdict(False, True, f"exit {code}, no JSON")
    high = [f["rule_id"] for f in findings if f["severity"] in ("high", "critical")]
    return Verdict(code == 1, code == 2, f"{len(high)} high+ ({', '.join(sorted(set(high)))})")


def _picklescan_verdict(code: int, out: str, scratch: Path) -> Verdict:
    infected = re.search(r"Infected files: (\d+)", out)
    dangerous = re.search(r"Dangerous globals: (\d+)", out)
    n = int(infected.group(1)) if infected else 0
    error = code == 2 or infected is None or "ERROR" in out
    return Verdict(
        n > 0, error, f"infected {n}, dangerous {dangerous.group(1) if dangerous else '?'}"
    )


def _modelscan_verdict(code: int, out: str, scratch: Path) -> Verdict:
    try:
        report = json.loads((scratch / "modelscan.json").read_text())
    except (OSError, ValueError):
        return Verdict(False, True, f"exit {code}, no report")
    issues = report["summary"]["total_issues"]
    errors = len(report.get("errors") or [])
    skipped = report["summary"].get("skipped", {}).get("total_skipped", 0)
    return Verdict(issues > 0, errors > 0, f"{issues} issues, {errors} errors, {skipped} skipped")


def _fickling_verdict(code: int, out: str, scratch: Path) -> Verdict:
    try:
        severity = json.loads((scratch / "fk.json").read_text())["severity"]
    except (OSError, ValueError, KeyError):
        severity = "no report"
    # exit 0: likely safe; 1: unsafe; 2: could not parse (fickling says: do not trust the file)
    return Verdict(code == 1, code not in (0, 1), f"exit {code}, {severity}")


def _modelaudit_verdict(code: int, out: str, scratch: Path) -> Verdict:
    try:
        report = json.loads((scratch / "ma.json").read_text())
    except (OSError, ValueError):
        return Verdict(code == 1, True, f"exit {code}, no report")
    counts: dict[str, int] = {}
    for issue in report.get("issues", []):
        counts[issue.get("severity", "?")] = counts.get(issue.get("severity", "?"), 0) + 1
    return Verdict(code == 1, code == 2, f"exit {code}, issues {counts}")


def _peer(name: str, *args: str) -> list[str]:
    return [str(PEERS / name), *args]


TOOLS = [
    Tool(
        "openness",
        lambda t, s: [str(OPENNESS), "scan", str(t), "-f", "json"],
        _openness_verdict,
    ),
    Tool("picklescan", lambda t, s: _peer("picklescan", "-p", str(t)), _picklescan_verdict),
    Tool(
        "modelscan",
        lambda t, s: _peer("modelscan", "-p", str(t), "-r", "json", "-o", f"{s}/modelscan.json"),
        _modelscan_verdict,
    ),
    Tool(
        "fickling",
        lambda t, s: _peer("fickling", "--check-safety", str(t), "--json-output", f"{s}/fk.json"),
        _fickling_verdict,
        folders=False,
    ),
    Tool(
        "modelaudit",
        lambda t, s: _peer(
            "modelaudit", "scan", str(t), "--format", "json", "--no-cache", "-o", f"{s}/ma.json"
        ),
        _modelaudit_verdict,
    ),
]


def run_once(tool: Tool, target: Path, timeout: float) -> Run:
    """One run under /usr/bin/time (max RSS of the tree), killed at `timeout`. Wall time is
    measured here with perf_counter: time's own %e has a 10 ms resolution, too coarse for
    start-up-dominated runs; the wrapper adds the same ~1 ms to every tool. CPU time is this
    process's children's usage before and after (time waits for the tool, we wait for time)."""
    with tempfile.TemporaryDirectory(prefix="scan-peers-") as tmp:
        scratch = Path(tmp)
        timing = scratch / "time.txt"
        argv = ["/usr/bin/time", "-f", "%e %M", "-o", str(timing), *tool.command(target, scratch)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=scratch,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return Run(time.perf_counter() - start, 0.0, None, Verdict(False, True, "timeout"))
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        peak_mb = 0.0
        lines = timing.read_text().split("\n") if timing.exists() else []
        for line in lines:
            if re.fullmatch(r"[\d.]+ \d+", line.strip()):
                peak_mb = int(line.split()[1]) / 1024
        verdict = tool.verdict(proc.returncode, out, scratch)
        return Run(wall, peak_mb, proc.returncode, verdict, cpu)


def run_tool(tool: Tool, target: Path, timeout: float) -> Run:
    """A folder is one run, or one run per file for tools that take single files (summed)."""
    if target.is_file() or tool.folders:
        return run_once(tool, target, timeout)
    runs = [run_once(tool, f, timeout) for f in sorted(target.rglob("*")) if f.is_file()]
    return Run(
        sum(r.seconds for r in runs),
        max(r.peak_mb for r in runs),
        max((r.exit for r in runs if r.exit is not None), default=None),
        Verdict(
            any(r.verdict.flagged for r in runs),
            any(r.verdict.error for r in runs),
            f"{len(runs)} files, {sum(r.verdict.flagged for r in runs)} flagged",
        ),
        sum(r.cpu for r in runs),
    )


# -- data ---------------------------------------------------------------------------------------


def _cached(path: Path, make: Callable[[Path], None]) -> Path:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        make(partial)
        partial.rename(path)
    return path


def floats_3m(path: Path) -> None:
    import random

    rng = random.Random(3)
    path.write_bytes(pickle.dumps([rng.random() for _ in range(3_000_000)], protocol=4))


def numpy_200mb(path: Path) -> None:
    import numpy as np

    array = np.random.default_rng(0).random(200 * MiB // 8)
    with path.open("wb") as f:
        pickle.dump({"weights": array}, f, protocol=4)


def torch_200mb(path: Path, size: int = 200 * MiB) -> None:
    import torch

    torch.manual_seed(0)
    model = torch.nn.Transformer(
        d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048
    )
    state = dict(model.state_dict())
    have = sum(t.numel() for t in state.values())
    state["lm_head.weight"] = torch.randn((size // 4 - have) // 512, 512)
    torch.save(state, path)


def torch_1gb(path: Path) -> None:
    torch_200mb(path, 1024 * MiB)


#: the benign samples (d) was measured with; later ones (third red-team round) are left out so
#: the published timings stay comparable
PERF_BENIGN = 21


def mixed_folder(folder: Path) -> None:
    """The benign corpus (checkpoints, TorchScript, NumPy, joblib, scikit-learn) plus configs."""
    from tests.security.samples import BENIGN

    folder.mkdir(parents=True)
    for name, make in sorted(list(BENIGN.items())[:PERF_BENIGN]):
        sub = folder / name
        sub.mkdir()
        made = make(sub)
        made.rename(folder / f"{name}{''.join(made.suffixes) or '.bin'}")
        sub.rmdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "bert", "hidden_size": 64}))
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# A mixed release\n")
    (folder / "LICENSE").write_text("MIT License\n")
    files = [f for f in folder.iterdir() if f.is_file()]
    assert len(files) == PERF_BENIGN + 3, len(files)


def perf_targets() -> dict[str, Path]:
    return {
        "(a) 3M-opcode pickle": _cached(DATA / "floats-3m.pkl", floats_3m),
        "(b) 200 MB NumPy pickle": _cached(DATA / "numpy-200mb.pkl", numpy_200mb),
        "(c) 200 MB torch.save": _cached(DATA / "torch-200mb.pt", torch_200mb),
        "(d) folder of 24 files": _cached(DATA / "mixed-24", mixed_folder),
        "(e) 1 GB torch.save": _cached(DATA / "torch-1gb.pt", torch_1gb),
    }


def corpus(kind: str) -> dict[str, Path]:
    from tests.security import samples

    made: dict[str, Path] = {}
    for name, make in getattr(samples, kind).items():
        folder = DATA / kind.lower() / name
        existing = [f for f in folder.iterdir()] if folder.exists() else []
        if len(existing) == 1:
            made[name] = existing[0]
            continue
        folder.mkdir(parents=True, exist_ok=True)
        made[name] = make(folder)
    return made


# -- reports ------------------------------------------------------------------------------------


def detection(tools: list[Tool], timeout: float) -> list[str]:
    lines: list[str] = []
    totals = {t.name: [0, 0, 0, 0] for t in tools}  # detected, malicious, false alarms, benign
    for kind in ("MALICIOUS", "BENIGN"):
        samples = corpus(kind)
        lines.append(f"\n### {kind.lower()} samples ({len(samples)})\n")
        lines.append("| sample | " + " | ".join(t.name for t in tools) + " |")
        lines.append("|---|" + "---|" * len(tools))
        for name, path in samples.items():
            cells = []
            for tool in tools:
                run = run_tool(tool, path, timeout)
                flagged = run.verdict.flagged
                t = totals[tool.name]
                if kind == "MALICIOUS":
                    t[0] += flagged
                    t[1] += 1
                    mark = "flagged" if flagged else "**missed**"
                else:
                    t[2] += flagged
                    t[3] += 1
                    mark = "**false alarm**" if flagged else "clean"
                if run.verdict.error:
                    mark += " (error)" if run.exit is not None else " (timeout)"
                cells.append(mark)
                print(f"{kind[:3]} {name:45s} {tool.name:10s} {mark:22s} {run.verdict.detail}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    summary = ["| tool | malicious detected | false alarms on benign |", "|---|---|---|"]
    for name, (hit, mal, fp, ben) in totals.items():
        summary.append(f"| {name} | {hit}/{mal} | {fp}/{ben} |")
    return ["## Detection", "", *summary, *lines]


def performance(tools: list[Tool], reps: int, timeout: float) -> list[str]:
    out = [f"## Performance (best of {reps} runs; wall seconds / peak MB, least CPU seconds)", ""]
    header = "| file | " + " | ".join(t.name for t in tools)
    out += [header + " | openness/peer time |", "|---|" + "---|" * (len(tools) + 1)]
    targets = perf_targets()
    for tool in tools:  # warm the bytecode cache; not timed
        run_tool(tool, targets["(d) folder of 24 files"], timeout)
    for label, target in targets.items():
        best: dict[str, Run] = {}
        cpu: dict[str, float] = {}
        for _ in range(reps):
            for tool in tools:  # interleaved, so load from other jobs spreads over every tool
                run = run_tool(tool, target, timeout)
                prev = best.get(tool.name)
                if prev is None or (run.exit is not None and run.seconds < prev.seconds):
                    best[tool.name] = run
                if run.exit is not None:
                    cpu[tool.name] = min(cpu.get(tool.name, run.cpu), run.cpu)
                print(f"{label:26s} {tool.name:10s} {run.seconds:7.3f}s cpu {run.cpu:7.3f}s "
                      f"{run.peak_mb:7.0f}MB exit {run.exit} {run.verdict.detail}")  # fmt: skip
        cells = []
        for tool in tools:
            r = best[tool.name]
            note = " timeout" if r.exit is None else " error" if r.verdict.error else ""
            cells.append(
                f"{r.seconds:.3f} s / {r.peak_mb:.0f} MB, cpu {cpu.get(tool.name, 0):.3f} s{note}"
            )
        mine = best.get("openness")
        ratios = [
            f"{t.name} {mine.seconds / best[t.name].seconds:.2f}"
            + (
                f" (cpu {cpu['openness'] / cpu[t.name]:.2f})"
                if cpu.get(t.name) and "openness" in cpu
                else ""
            )
            for t in tools
            if mine is not None and t.name != "openness" and best[t.name].seconds > 0
        ]
        out.append(f"| {label} | " + " | ".join(cells) + f" | {', '.join(ratios)} |")
    return out


def versions() -> str:
    res = subprocess.run(
        [str(PEERS / "python"), "-m", "pip", "freeze"], capture_output=True, text=True, env=ENV
    )
    wanted = ("picklescan", "modelscan", "fickling", "modelaudit", "numpy")
    peers = [line for line in res.stdout.split("\n") if line.split("==")[0].lower() in wanted]
    from openness import __version__

    return f"openness=={__version__}, " + ", ".join(peers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["detection", "perf"], help="run one part")
    parser.add_argument("--reps", type=int, default=3, help="performance runs per tool (best)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per run")
    parser.add_argument("--tools", default=",".join(t.name for t in TOOLS))
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    args = parser.parse_args()
    if not (PEERS / "python").exists():
        print("peers are not installed: run  sh benchmarks/peers/setup.sh", file=sys.stderr)
        return 2
    tools = [t for t in TOOLS if t.name in args.tools.split(",")]
    report = [f"versions: {versions()}", f"date: {time.strftime('%Y-%m-%d')}", ""]
    if args.only in (None, "detection"):
        report += detection(tools, args.timeout) + [""]
    if args.only in (None, "perf"):
        report += performance(tools, args.reps, args.timeout)
    text = "\n".join(report)
    print("\n" + text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

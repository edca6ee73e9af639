"""Mutation testing of the security core with mutmut, one module at a time.

    .venv-mut/bin/python benchmarks/mutation.py pickle.policy                # run, summarise
    .venv-mut/bin/python benchmarks/mutation.py pickle.policy --summary       # the last run again
    .venv-mut/bin/python benchmarks/mutation.py pickle.policy --rev f90bbe0  # as of a commit
    .venv-mut/bin/python benchmarks/mutation.py pickle.handlers --resume --mutants 'NAME*'  # chunk

Each module gets its own scratch copy of `src/` and `tests/` under
`benchmarks/data/mutation/<module>/` (git-ignored) with a `[tool.mutmut]` section appended to
its copy of `pyproject.toml`: only that module is mutated and only the in-process tests listed
in MODULES run against it (tests that run the CLI in a subprocess import the installed code, not
the mutant, and cannot kill anything). The summary counts killed / total after taking out the
mutants `benchmarks/mutation_triage.toml` classifies as equivalent (no input can tell them
apart) or message-only (they change an error or finding text, not what is decided), and writes
every other survivor's diff to `survivors.txt` beside the run.

mutmut must run in an interpreter that also has the project's test dependencies; see the
"Mutation testing" section of benchmarks/README.md for the venv this was measured with.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tokenize
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "mutation"
TRIAGE = ROOT / "benchmarks" / "mutation_triage.toml"

_POLICY_TESTS = [
    "tests/security/test_policy.py",
    "tests/security/test_policy_tables.py",
    "tests/security/test_policy_findings.py",
    "tests/security/test_redteam.py",
    "tests/readers/test_pickle.py",
]
_DETECT_TESTS = [
    "tests/readers/test_detect.py",
    "tests/readers/test_protobuf_inert.py",
    "tests/test_inventory.py",
    "tests/security/test_every_byte_read.py",
]
_VM_TESTS = [
    "tests/readers/test_pickle_vm.py",
    "tests/readers/test_pickle_state_limits.py",
    "tests/readers/test_pickle_opcode_table.py",
    "tests/readers/test_pickle.py",
    "tests/security/test_redteam.py",
    "tests/fuzz/test_pickle_vm.py",
]
#: the checked handlers: the fast VM tests only (the fuzz round trips cost minutes per mutant)
_HANDLER_TESTS = [
    "tests/readers/test_pickle_vm.py",
    "tests/readers/test_pickle_state_limits.py",
    "tests/readers/test_pickle_opcode_table.py",
]
#: module id -> (file to mutate, in-process tests that exercise it)
MODULES: dict[str, tuple[str, list[str]]] = {
    "pickle.policy": ("src/openness/readers/pickle/policy.py", _POLICY_TESTS),
    "detect": ("src/openness/readers/detect.py", _DETECT_TESTS),
    "safetensors": (
        "src/openness/readers/safetensors.py",
        ["tests/readers/test_safetensors.py", "tests/test_inventory.py"],
    ),
    "pickle.walker": ("src/openness/readers/pickle/walker.py", _VM_TESTS),
    "pickle.handlers": ("src/openness/readers/pickle/handlers.py", _HANDLER_TESTS),
    "pickle.cursor": ("src/openness/readers/pickle/cursor.py", _VM_TESTS),
}
#: mutmut's exit codes that count as the tests noticing the mutant (a failure, or a timeout: the
#: mutant made the code hang); a crash of the worker (-11, -9) is not a kill
_KILLED = {1, 3, 36, 24, -24, 152, 255}


def _mutmut_config(module: str, work: Path, only_tests: list[str] | None = None) -> str:
    path, tests = MODULES[module]
    tests = only_tests or tests
    tests = [t for t in tests if (work / t).exists()]
    lines = [
        "",
        "[tool.mutmut]",
        f"source_paths = [{json.dumps('src/')}]",
        f"only_mutate = [{json.dumps(path)}]",
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:randomly", "-q"]',
        # workers fork from a server that never ran the tests: torch and sentencepiece threads
        # started in the main process make forked children crash (SIGSEGV, not a kill)
        'process_isolation = "forkserver"',
        # a mutant that loops forever is a kill once it runs 5x as long as the clean tests
        # (mutmut's default, 15x, costs minutes per looping mutant of the walker)
        "timeout_multiplier = 5.0",
        "",
    ]
    return "\n".join(lines)


def workdir(module: str, rev: str | None, tests: list[str] | None) -> Path:
    """A run with its own test selection gets its own folder: mutmut resets every result when
    the selection changes."""
    name = module if rev is None else f"{module}@{rev}"
    return DATA / (name + "~tests" if tests else name)


def prepare(
    module: str, rev: str | None, resume: bool = False, tests: list[str] | None = None
) -> Path:
    work = workdir(module, rev, tests)
    if resume and rev is None and work.exists():
        # keep mutmut's results (mutants/*.meta) and bring the copy up to date: mutmut re-copies
        # tests/ itself, regenerates the module's mutants if it changed (resetting only the
        # functions that changed) and collects coverage for new tests
        ignore = shutil.ignore_patterns("__pycache__", ".cache", ".artifacts", "*.egg-info")
        for part in ("src", "tests"):
            shutil.copytree(ROOT / part, work / part, ignore=ignore, dirs_exist_ok=True)
        return work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    if rev is None:
        ignore = shutil.ignore_patterns("__pycache__", ".cache", ".artifacts", "*.egg-info")
        shutil.copytree(ROOT / "src", work / "src", ignore=ignore)
        shutil.copytree(ROOT / "tests", work / "tests", ignore=ignore)
    else:  # src and tests as committed at `rev` (the "before" figures)
        tar = subprocess.run(
            ["git", "archive", rev, "src", "tests"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(work)], input=tar, check=True)
    text = (ROOT / "pyproject.toml").read_text() + _mutmut_config(module, work, tests)
    (work / "pyproject.toml").write_text(text)
    return work


def run(
    module: str,
    max_children: int,
    rev: str | None,
    mutants: list[str],
    resume: bool,
    tests: list[str] | None = None,
) -> Path:
    work = prepare(module, rev, resume, tests)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    mutmut = Path(sys.executable).with_name("mutmut")
    cmd = [str(mutmut), "run", "--max-children", str(max_children), *mutants]
    with (work / "mutmut.log").open("w") as log:
        subprocess.run(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    return work


def _triage(module: str, work: Path) -> dict[str, list[str]]:
    """Classified mutants of this module, plus those of this run (`module@rev`) when the code
    changed between runs and mutmut numbered a function's mutants differently."""
    if not TRIAGE.exists():
        return {}
    tables = tomllib.loads(TRIAGE.read_text())
    table = {**tables.get(module, {}), **tables.get(work.name, {})}
    return {k: list(v) for k, v in table.items()}


def _string_only(diff: str) -> bool:
    """The mutant changes string literals only (a hint for triage, never a verdict)."""
    old = [ln[1:] for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    new = [ln[1:] for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]

    def shape(lines: list[str]) -> list[str] | None:
        try:
            toks = list(tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline))
        except (tokenize.TokenError, SyntaxError):
            return None
        return ["S" if t.type == tokenize.STRING else t.string for t in toks]

    a, b = shape(old), shape(new)
    return a is not None and a == b and old != new


def summarise(module: str, work: Path) -> dict[str, object]:
    path, _ = MODULES[module]
    meta = json.loads((work / "mutants" / (path + ".meta")).read_text())
    codes: dict[str, int | None] = meta["exit_code_by_key"]
    triage = _triage(module, work)
    # only mutants this run ran: a chunk's figures leave the rest of the module out
    excluded = {k: v[0] for k, v in triage.items() if codes.get(k) is not None}
    # a mutant mutmut has not run yet (an interrupted run) is left out, and reported as such
    counted = {k: c for k, c in codes.items() if k not in excluded and c is not None}
    killed = sorted(k for k, c in counted.items() if c in _KILLED)
    alive = sorted(k for k, c in counted.items() if c not in _KILLED)
    raw_killed = sum(1 for c in codes.values() if c in _KILLED)
    from mutmut.mutation.diff_apply import get_diff_for_mutant  # mutmut's own venv only

    here = Path.cwd()
    os.chdir(work)
    try:
        with (work / "survivors.txt").open("w") as out:
            for name in alive:
                diff = get_diff_for_mutant(name, path=Path(path))
                hint = " [strings only]" if _string_only(diff) else ""
                out.write(f"### {name} (exit {codes[name]}){hint}\n{diff}\n\n")
    finally:
        os.chdir(here)
    summary = {
        "module": module,
        "mutants": len(codes),
        "killed_raw": raw_killed,
        "equivalent": sum(1 for v in excluded.values() if v == "equivalent"),
        "message_only": sum(1 for v in excluded.values() if v == "message"),
        "behavioural": len(counted),
        "killed": len(killed),
        "score": round(100 * len(killed) / len(counted), 1) if counted else 100.0,
        "survivors": alive,
        "unchecked": sum(1 for c in codes.values() if c is None),
    }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("module", choices=sorted(MODULES))
    parser.add_argument("--summary", action="store_true", help="only summarise the last run")
    parser.add_argument("--max-children", type=int, default=1)
    parser.add_argument("--rev", help="mutate and test src/ and tests/ as of this commit")
    parser.add_argument("--list", action="store_true", help="name every counted survivor")
    parser.add_argument(
        "--mutants", nargs="+", default=[], help="run only these mutants (mutmut names, fnmatch)"
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the last run's results and add to them (chunks of one module)",
    )
    parser.add_argument(
        "--tests",
        nargs="+",
        help="run these tests instead of the module's selection, in a folder of their own (a "
        "fast first pass: re-run its survivors by name without --tests)",
    )
    args = parser.parse_args()
    work = workdir(args.module, args.rev, args.tests)
    if not args.summary:
        work = run(args.module, args.max_children, args.rev, args.mutants, args.resume, args.tests)
    s = summarise(args.module, work)
    if s["unchecked"]:
        print(f"{s['module']}: {s['unchecked']} mutants not run yet, left out of the figures")
    print(
        f"{s['module']}: {s['killed']}/{s['behavioural']} behavioural mutants killed "
        f"({s['score']}%); {s['mutants']} generated, {s['killed_raw']} killed before triage, "
        f"{s['equivalent']} equivalent, {s['message_only']} message-only excluded"
    )
    if args.list:
        for name in s["survivors"]:  # type: ignore[attr-defined]
            print("  survived:", name)
    print(f"  diffs: {work.relative_to(ROOT) / 'survivors.txt'}")


if __name__ == "__main__":
    main()

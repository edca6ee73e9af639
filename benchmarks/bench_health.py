"""`openness health` on a generated repository of 100,000 commits, beside `git log --numstat`.

    python benchmarks/bench_health.py [--commits 100000] [--repeat 3]

The repository is made once with `git fast-import` under benchmarks/data/ (git-ignored): 60
authors over 12 e-mail domains, back-dated over four years, a tag every 1,000 commits. Targets:
analysis under 10 s and peak memory under 200 MB (the Python process; git's own peak is shown
beside it). Each run is a fresh process so peak RSS is its own.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
START = 1_650_000_000  # 2022-04-15
SPAN = 4 * 365 * 86_400

_CHILD = """
import resource, sys, time
from openness.health import analyse
start = time.perf_counter()
report = analyse(sys.argv[1])
took = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
git = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
facts = {e.fact: e.value for e in report.evidence}
print(took, own, git, facts["health.commits.total"], facts["health.tags.total"])
"""


def make_repo(path: Path, commits: int) -> None:
    if (path / "HEAD").is_file():
        return
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(path)], check=True)
    proc = subprocess.Popen(
        ["git", "--git-dir", str(path), "fast-import", "--quiet"], stdin=subprocess.PIPE
    )
    assert proc.stdin is not None
    for i in range(1, commits + 1):
        when = START + SPAN * i // commits
        author = i * 7919 % 60
        who = f"Dev {author} <dev{author}@org{author % 12}.example>"
        message = f"change {i}\n".encode()
        content = f"line {i}\n".encode()
        chunk = [
            b"commit refs/heads/main\n",
            f"mark :{i}\nauthor {who} {when} +0000\ncommitter {who} {when} +0000\n".encode(),
            f"data {len(message)}\n".encode() + message,
            f"from :{i - 1}\n".encode() if i > 1 else b"",
            f"M 100644 inline src/file{i % 1000}.txt\ndata {len(content)}\n".encode() + content,
            b"\n",
        ]
        if i % 1000 == 0:
            chunk.append(
                f"tag v{i // 1000}.0\nfrom :{i}\ntagger {who} {when} +0000\ndata 0\n\n".encode()
            )
        proc.stdin.write(b"".join(chunk))
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    repo = DATA / f"health-{args.commits}.git"
    started = time.perf_counter()
    make_repo(repo, args.commits)
    print(f"repository  {repo} ready in {time.perf_counter() - started:.1f} s")

    runs = []
    for _ in range(args.repeat):
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(repo)], check=True, capture_output=True, text=True
        ).stdout.split()
        runs.append(out)
    best = min(runs, key=lambda r: float(r[0]))
    took, own, git_peak, commits, tags = float(best[0]), float(best[1]), float(best[2]), *best[3:]
    numstat = min(
        timed(["git", "--git-dir", str(repo), "log", "--numstat", "HEAD"])
        for _ in range(args.repeat)
    )
    plain = min(
        timed(["git", "--git-dir", str(repo), "log", "--pretty=raw", "HEAD"])
        for _ in range(args.repeat)
    )
    print(f"commits     {commits}, tags {tags}")
    print(
        f"openness health analyse     {took:6.2f} s   "
        f"peak RSS {own:6.1f} MB (git {git_peak:.1f} MB)"
    )
    print(f"git log --numstat alone     {numstat:6.2f} s")
    print(f"git log --pretty=raw alone  {plain:6.2f} s   (the stream health reads)")
    ok = took < 10 and own < 200
    print(f"target      < 10 s and < 200 MB: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()

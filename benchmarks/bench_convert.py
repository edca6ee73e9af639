"""`openness convert` vs `torch.load` + `safetensors.torch.save_file` on a ~1 GB checkpoint.

    python benchmarks/bench_convert.py [--size-mb 1024] [--repeat 3]

Generates a PyTorch zip checkpoint once under benchmarks/data/ (git-ignored): a state dict of
float32/bfloat16 matrices, no shared storages (the baseline refuses those). Each run is a fresh
subprocess, so peak memory (max RSS) is its own. The page cache is warmed first; the best of
`--repeat` runs is reported, with the time ratio and the outputs checked byte for byte.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

OURS = """
import sys
from openness.convert import plan_conversion, write_safetensors
src, out = sys.argv[1], sys.argv[2]
with open(src, "rb") as stream:
    import os
    plan = plan_conversion(src, stream, os.path.getsize(src))
    with open(out, "wb") as f:
        write_safetensors(plan, f, {"format": "pt"})
"""
BASELINE = """
import sys, torch
from safetensors.torch import save_file
state = torch.load(sys.argv[1], weights_only=True)
save_file({k: v.contiguous() for k, v in state.items()}, sys.argv[2], metadata={"format": "pt"})
"""


def make_checkpoint(path: Path, size_mb: int) -> None:
    if path.exists():
        return
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    state, total, i = {}, 0, 0
    while total < size_mb * 1024 * 1024:
        t = torch.randn(2048, 1024).bfloat16() if i % 8 == 7 else torch.randn(1024, 2048)
        state[f"model.layers.{i // 4}.part{i % 4}.weight"] = t
        total += t.numel() * t.element_size()
        i += 1
    torch.save(state, path)


def run(code: str, src: Path, out: Path) -> tuple[float, int]:
    """Seconds and peak RSS (bytes) of one fresh interpreter doing the conversion."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, str(src), str(out)])
    _, status, usage = _wait(proc)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"run failed with status {status}")
    return elapsed, usage.ru_maxrss * 1024


def _wait(proc: subprocess.Popen[bytes]) -> tuple[int, int, resource.struct_rusage]:
    import os

    return os.wait4(proc.pid, 0)


def warm(path: Path) -> None:
    with path.open("rb") as f:
        while f.read(1 << 24):
            pass


def bit_identical(a: Path, b: Path) -> bool:
    """Same names, dtypes, shapes and bytes (compared as uint8, so NaNs and bf16 count too)."""
    import torch
    from safetensors.torch import load_file

    x, y = load_file(str(a)), load_file(str(b))
    if sorted(x) != sorted(y):
        return False
    return all(
        x[k].dtype == y[k].dtype
        and x[k].shape == y[k].shape
        and torch.equal(x[k].reshape(-1).view(torch.uint8), y[k].reshape(-1).view(torch.uint8))
        for k in x
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--make", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        make_checkpoint(Path(args.make), args.size_mb)
        return
    src = DATA / f"checkpoint-{args.size_mb}mb.pt"
    if not src.exists():  # in a child, so this process never holds torch's memory
        subprocess.run(
            [sys.executable, __file__, "--make", str(src), "--size-mb", str(args.size_mb)],
            check=True,
        )
    size = src.stat().st_size
    warm(src)
    results: dict[str, tuple[float, int]] = {}
    for label, code in (("openness convert", OURS), ("torch.load + save_file", BASELINE)):
        out = DATA / f"out-{label.split()[0].replace('.', '_')}.safetensors"
        runs = [run(code, src, out) for _ in range(args.repeat)]
        results[label] = (min(r[0] for r in runs), max(r[1] for r in runs))
    ours, theirs = DATA / "out-openness.safetensors", DATA / "out-torch_load.safetensors"
    print(f"checkpoint: {src.name}, {size / 1e9:.2f} GB, python {sys.version.split()[0]}")
    for label, (seconds, rss) in results.items():
        rate = size / seconds / 1e9
        print(f"  {label:24} {seconds:6.2f} s  {rate:5.2f} GB/s  peak RSS {rss / 1e6:7.0f} MB")
    (ours_s, ours_rss), (base_s, base_rss) = results.values()
    print(f"  time ratio openness/baseline:   {ours_s / base_s:.2f}")
    print(f"  peak RSS ratio openness/baseline: {ours_rss / base_rss:.2f}")
    print(f"  outputs bit-identical tensors: {bit_identical(ours, theirs)}")


if __name__ == "__main__":
    main()

"""Full assess vs raw hashlib over the same ~2 GB of safetensors, and --no-hash header reading.

    python benchmarks/bench_assess.py [--size-mb 2048] [--files 8]

Generates the folder once under benchmarks/data/ (git-ignored), warms the page cache, then
prints the throughput of each and the ratio. Target: assess >= 0.8x hashlib; no-hash < 1 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import struct
import time
from pathlib import Path

import openness

DATA = Path(__file__).resolve().parent / "data" / "safetensors-2gb"


def make_folder(folder: Path, total_mb: int, files: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    per_file = total_mb * 1024 * 1024 // files
    paths = []
    block = os.urandom(1024 * 1024)
    for i in range(files):
        path = folder / f"model-{i + 1:05d}-of-{files:05d}.safetensors"
        paths.append(path)
        if path.exists():
            continue
        tensors, offset, header = 64, 0, {}
        size = per_file // tensors // 4 * 4
        for t in range(tensors):
            header[f"model.layers.{t}.weight"] = {
                "dtype": "F32",
                "shape": [size // 4],
                "data_offsets": [offset, offset + size],
            }
            offset += size
        raw = json.dumps(header).encode()
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(raw)) + raw)
            written = 0
            while written < offset:
                chunk = block[: min(len(block), offset - written)]
                f.write(chunk)
                written += len(chunk)
    (folder / "config.json").write_text('{"model_type": "llama"}')
    return paths


def raw_hashlib(paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in paths:
        h = hashlib.sha256()
        with open(p, "rb") as f:
            while chunk := f.read(1024 * 1024):
                h.update(chunk)
    return time.perf_counter() - start


def timed(fn: object, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=2048)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paths = make_folder(DATA, args.size_mb, args.files)
    total = sum(p.stat().st_size for p in paths)
    raw_hashlib(paths)  # warm the page cache so both sides read from memory
    t_hash = timed(lambda: raw_hashlib(paths), args.repeat)
    t_full = timed(lambda: openness.assess(str(DATA)), args.repeat)
    t_headers = timed(lambda: openness.assess(str(DATA), hash_files=False), args.repeat)
    mb = total / 1e6
    print(f"folder: {len(paths)} safetensors files, {mb:,.0f} MB, {os.cpu_count()} cores")
    print(f"hashlib sha256 (1 thread, 1 MiB reads): {t_hash:6.2f} s  {mb / t_hash:8.0f} MB/s")
    print(f"openness assess (full, hashes):        {t_full:6.2f} s  {mb / t_full:8.0f} MB/s")
    print(f"ratio assess/hashlib throughput:        {t_hash / t_full:6.2f}x  (target >= 0.8x)")
    print(f"openness assess --no-hash:              {t_headers:6.3f} s  (target < 1 s)")


if __name__ == "__main__":
    main()

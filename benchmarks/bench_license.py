"""License identification: openness vs scancode-toolkit-mini on the real corpus.

    sh benchmarks/scancode/setup.sh          # once: scancode in its own venv
    .venv/bin/python benchmarks/bench_license.py
    .venv/bin/python benchmarks/bench_license.py --generalise   # variants made at run time

Measures the one-time load (catalog + fingerprints, in a fresh process), the median time to
identify one file after it, and accuracy against ../shared/corpus/licenses/labels.json: right =
the expected license (and version); wrong = another license named; abstained = unknown/modified.
ScanCode runs in benchmarks/scancode/.venv; it is right when the first license key it detects is
the ScanCode key of the expected license (licenses ScanCode has no key for cannot be right).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "licenses"
SCANCODE_PY = ROOT / "benchmarks" / "scancode" / ".venv" / "bin" / "python"
sys.path.insert(0, str(ROOT))

#: expected ScanCode keys for corpus licenses the catalog has no `scancode` key for
SCANCODE_KEYS = {
    "MIT": "mit",
    "Apache-2.0": "apache-2.0",
    "CC-BY-NC-4.0": "cc-by-nc-4.0",
    "LicenseRef-openrail-plus-plus": "bigscience-open-rail-m2",
    "LicenseRef-creativeml-openrail-m": "stable-diffusion-2022-08-22",
}

_SCANCODE_SCRIPT = r"""
import json, sys, time
from licensedcode.cache import get_index
t0 = time.perf_counter(); idx = get_index(); load = time.perf_counter() - t0
out = {"load": load, "files": {}}
for path in sys.argv[1:]:
    t = time.perf_counter()
    matches = idx.match(location=path)
    elapsed = time.perf_counter() - t
    keys = []
    for m in matches:
        for k in m.rule.license_expression.replace("(", " ").replace(")", " ").split():
            if k not in ("AND", "OR", "WITH") and k not in keys:
                keys.append(k)
    out["files"][path] = {"time": elapsed, "keys": keys}
print(json.dumps(out))
"""


def main() -> int:
    if not (CORPUS / "labels.json").is_file():
        print("../shared/corpus is not present")
        return 0
    if "--generalise" in sys.argv[1:]:
        return generalise()
    from tests.licenses.test_match import EXPECTED_IDS

    labels = json.loads((CORPUS / "labels.json").read_text("utf-8"))["files"]
    load = _fresh_load_time()
    from openness.licenses.catalog import resolve
    from openness.licenses.match import match_text

    expected, ours, times = {}, {}, []
    for name, label in labels.items():
        kind = "use-policy" if label["kind"] == "use-policy" else "license"
        expected[name] = EXPECTED_IDS[(label["family"], label.get("version"), kind)]
        text = (CORPUS / name).read_text("utf-8", errors="replace")
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            found = match_text(text)
            runs.append(time.perf_counter() - t)
        times.append(statistics.median(runs))
        ours[name] = found.license.id if found.license else None

    rows = [("openness", load, statistics.median(times), *_score(expected, ours))]
    scan = _scancode(list(labels))
    if scan is not None:
        theirs: dict[str, str | None] = {}
        for name in labels:
            want = expected[name]
            r = resolve(want)
            key = SCANCODE_KEYS.get(want) or (r.scancode if r else None)
            keys = scan["files"][str(CORPUS / name)]["keys"]
            theirs[name] = want if key and keys[:1] == [key] else (keys[0] if keys else None)
        ts = [f["time"] for f in scan["files"].values()]
        rows.append(
            (
                "scancode-toolkit-mini",
                scan["load"],
                statistics.median(ts),
                *_score(expected, theirs),
            )
        )
    print(f"corpus: {len(labels)} files ({CORPUS})\n")
    print("| tool | load (s) | median per file (ms) | right | wrong | abstained |")
    print("|---|---|---|---|---|---|")
    for tool, ld, med, right, wrong, abstained in rows:
        print(f"| {tool} | {ld:.3f} | {med * 1000:.1f} | {right} | {wrong} | {abstained} |")
    if scan is None:
        print("\n(scancode not installed: sh benchmarks/scancode/setup.sh)")
    return 0


def generalise() -> int:
    """Variants of every corpus license made now (tests/licenses/variants.py): the terms must
    be read from the text, the changed term cited at its line, and no variant may keep the
    catalogued license at confidence 0.9 or more. Also: terms from the text alone (catalog
    off) against the labels."""
    from tests.licenses import variants as V
    from tests.licenses.test_match import EXPECTED_IDS

    from openness.licenses import clauses
    from openness.licenses.match import load, match_text

    load()
    labels = V.labels()
    right = fields = 0
    for name, label in labels.items():
        if label["kind"] != "license":
            continue
        terms = clauses.read(V.text_of(name)).terms
        for f in V.FIELDS:
            got = getattr(terms, f)
            fields += 1
            right += (str(got) if f == "commercial_use" else got) == label[f]
    print(
        f"terms from the text alone (catalog off): {right}/{fields} fields right "
        f"({right / fields:.1%})\n"
    )

    per_shape: dict[str, list[int]] = {}
    kept = cited = changed = 0
    slow: list[float] = []
    failures = []
    for v in V.variants():
        lab = labels[v.source]
        want = EXPECTED_IDS[(str(lab["family"]), lab.get("version"), "license")]
        t = time.perf_counter()
        found = match_text(v.text)
        elapsed = time.perf_counter() - t
        if v.shape == "padded":
            slow.append(elapsed)
        problems = V.check(v, found, want)
        row = per_shape.setdefault(v.shape, [0, 0])
        row[0] += not problems
        row[1] += 1
        lic = found.license
        if not v.same_license and lic is not None and lic.id == want and found.confidence >= 0.9:
            kept += 1
        if v.changed is not None:
            changed += 1
            cited += not any(p.startswith(v.changed) or "not cited" in p for p in problems)
        if problems:
            failures.append(f"{v.source} {v.shape}: {'; '.join(problems)}")
    total = sum(r[1] for r in per_shape.values())
    ok = sum(r[0] for r in per_shape.values())
    print("| variant | every term right |")
    print("|---|---|")
    for shape, (good, n) in per_shape.items():
        print(f"| {shape} | {good}/{n} |")
    print(f"| **all** | **{ok}/{total} ({ok / total:.1%})** |\n")
    print(f"changed term reported from the text with its line: {cited}/{changed}")
    print(f"variants keeping the catalogued license at confidence >= 0.9: {kept}")
    if slow:
        print(
            f"5 MB padded files: median {statistics.median(slow) * 1000:.0f} ms, "
            f"max {max(slow) * 1000:.0f} ms"
        )
    for line in failures:
        print("  -", line)
    return 0


def _score(expected: dict[str, str], got: dict[str, str | None]) -> tuple[int, int, int]:
    right = sum(1 for n, e in expected.items() if got[n] == e)
    abstained = sum(1 for n in expected if got[n] is None)
    return right, len(expected) - right - abstained, abstained


def _fresh_load_time() -> float:
    code = (
        "import time; t=time.perf_counter(); from openness.licenses.match import load; load(); "
        "print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def _scancode(names: list[str]) -> dict | None:  # type: ignore[type-arg]
    if not SCANCODE_PY.is_file():
        return None
    paths = [str(CORPUS / n) for n in names]
    run = subprocess.run(
        [str(SCANCODE_PY), "-c", _SCANCODE_SCRIPT, *paths], capture_output=True, text=True
    )
    if run.returncode != 0:
        print(run.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


if __name__ == "__main__":
    raise SystemExit(main())

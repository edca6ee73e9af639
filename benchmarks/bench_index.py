"""The EU Open Source AI Index's whole database as a test set: releases nobody tuned on.

    .venv/bin/python benchmarks/bench_index.py --database DIR --git-mirror DIR
    .venv/bin/python benchmarks/bench_index.py ... --json out.json --keep /tmp/index-layouts

`bench_experts.py` compares `openness assess` with the index's experts on the 20 releases of
../shared/corpus/realworld-dev, whose documents were picked by hand. This benchmark takes every
other text or code release of the index's database (one YAML file per release: the experts'
12 ratings, their notes and links; github.com/Language-Technology-Assessment/main-database),
finds the GitHub repositories its ratings link to in a mirror of bare repositories
(`DIR/OWNER+NAME/` or `DIR/OWNER+NAME/repo`, as `--git-mirror` takes them), lays out each
repository's documents the way realworld-dev does (one sub-folder per repository: root READMEs,
cards, license files, citation, and training/data READMEs below), and reports agreement and
coverage with bench_experts' tables. Nothing is copied into this repository: the database and
the mirror are read where they lie; releases whose repositories are not in the mirror are
listed as skipped. The corpus's own releases are left out unless `--with-corpus`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_experts import (  # noqa: E402
    CORPUS,
    LEVELS,
    PARAMETERS,
    report,
    tool_levels,
    write_json,
)
from bench_frameworks_experts import report as frameworks_report  # noqa: E402

DEFAULT_DATABASE = Path("/work/.mirror/Language-Technology-Assessment+main-database/repo")
DEFAULT_MIRROR = Path("/work/.mirror")
TYPES = frozenset({"text", "code", "text,code"})
#: links to repositories that are tools or the index itself, not the rated release's own
NOT_THE_RELEASE = frozenset(
    {
        "opening-up-chatgpt/opening-up-chatgpt.github.io",
        "axolotl-ai-cloud/axolotl",
        "NVIDIA/NeMo",
        "intel/intel-extension-for-transformers",
    }
)
#: parameters whose links point at the base model's or other releases' places (a fine-tune
#: links the base model's repository for its data), and the license, which may link either
OTHER_MODELS_PARAMETERS = frozenset({"datasources_basemodel", "weights_basemodel", "licenses"})
_GITHUB = re.compile(r"https?://github\.com/([\w.-]+)/([\w.-]+)")
_ROOT_DOCUMENT = re.compile(
    r"(readme[^/]*\.(md|rst|txt)|readme|model_?card[^/]*\.md|[^/]*licen[cs]e[^/]*|notice[^/]*"
    r"|use_policy[^/]*|citation\.cff)",
    re.IGNORECASE,
)
_NESTED_DOCUMENT = re.compile(r"(^|/)(readme[^/]*|model_?card[^/]*)\.md$", re.IGNORECASE)
_NESTED_TOPIC = re.compile(r"train|data|finetun|tokeniz|model|recipe|card", re.IGNORECASE)
MAX_NESTED = 12
MAX_DOCUMENT_BYTES = 2_000_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=DEFAULT_DATABASE)
    parser.add_argument("--git-mirror", type=Path, default=DEFAULT_MIRROR)
    parser.add_argument("--with-corpus", action="store_true", help="keep realworld-dev's releases")
    parser.add_argument("--json", type=Path, help="write per-release results to this file")
    parser.add_argument("--keep", type=Path, help="lay the documents out here and keep them")
    parser.add_argument(
        "--frameworks",
        action="store_true",
        help="also compare MOF, OSAID and FMTI components (bench_frameworks_experts.py's pairs)",
    )
    args = parser.parse_args(argv)
    entries = database_entries(args.database)
    if entries is None:
        print(f"{args.database} holds no index database: nothing to compare")
        return 0
    if not args.with_corpus:
        entries = {name: e for name, e in entries.items() if name not in corpus_index_files()}

    rows: dict[str, dict[str, tuple[str, str]]] = {}
    laid_out: list[tuple[str, Path, dict[str, str]]] = []
    places_read: dict[str, list[str]] = {}
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-index-") as scratch:
        base = args.keep or Path(scratch)
        for name, entry in sorted(entries.items()):
            repos = [(r, found) for r in entry["repos"] if (found := bare_repo(args.git_mirror, r))]
            if not repos:
                skipped.append(f"{name} ({', '.join(entry['repos']) or 'no GitHub link'})")
                continue
            slug = re.sub(r"[^\w.-]+", "-", name.removesuffix(".yaml")).strip("-").lower()
            docs = base / slug / "docs"
            for repo, git_dir in repos:
                lay_out(git_dir, docs / repo.replace("/", "+"))
            if not docs.is_dir():
                skipped.append(f"{name} (no document in {', '.join(r for r, _ in repos)})")
                continue
            tool, places, elapsed = tool_levels(docs)
            rows[slug] = {p: (entry["ratings"][p], tool[p]) for p in PARAMETERS}
            laid_out.append((slug, docs, entry["ratings"]))
            places_read[slug] = places
            print(f"  {slug:<28} read in {elapsed:5.2f} s", file=sys.stderr)
        if not rows:
            print("no release of the database has a repository in the mirror")
            return 0
        report(rows, places_read, f"the index's database, {len(rows)} releases outside the corpus")
        if args.frameworks:
            print()
            frameworks_report(laid_out)
    print()
    print(f"Skipped (no repository in the mirror): {len(skipped)}")
    for line in skipped:
        print(f"- {line}")
    if args.json:
        write_json(args.json, rows)
    return 0


def database_entries(database: Path) -> dict[str, dict] | None:
    """{file name: {"ratings": {parameter: level}, "repos": [OWNER/NAME]}} for every text or
    code release rated on all 12 parameters; None when `database` holds no database."""
    import yaml

    files = _database_files(database)
    if files is None:
        return None
    entries = {}
    for name, text in files.items():
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        if not isinstance(data, dict) or not isinstance(data.get("system"), dict):
            continue
        if str(data["system"].get("type")) not in TYPES:
            continue
        ratings = {p: (data.get(p) or {}).get("class") for p in PARAMETERS}
        if not all(level in LEVELS for level in ratings.values()):
            continue
        own = _repositories(v for k, v in data.items() if k not in OTHER_MODELS_PARAMETERS)
        license_links = _repositories([data.get("licenses")])
        # a license link names the release's own repository only beside its other links
        repos = own + [r for r in license_links if own and r not in own]
        entries[name] = {"ratings": ratings, "repos": repos}
    return entries


def _repositories(values: Iterable[object]) -> list[str]:
    repos: list[str] = []
    for value in values:
        links = value.get("link") if isinstance(value, dict) else None
        for link in links if isinstance(links, list) else [links]:
            match = _GITHUB.match(link) if isinstance(link, str) else None
            if match:
                repo = f"{match.group(1)}/{match.group(2).removesuffix('.git')}"
                if repo not in repos and repo not in NOT_THE_RELEASE:
                    repos.append(repo)
    return repos


def _database_files(database: Path) -> dict[str, str] | None:
    if (database / "HEAD").is_file():  # a bare repository
        names = _git(database, "ls-tree", "--name-only", "HEAD").splitlines()
        return {n: _git(database, "show", f"HEAD:{n}") for n in names if n.endswith(".yaml")}
    if database.is_dir():
        return {p.name: p.read_text(encoding="utf-8") for p in sorted(database.glob("*.yaml"))}
    return None


def corpus_index_files() -> set[str]:
    if not CORPUS.is_dir():
        return set()
    return {
        json.loads(p.read_text(encoding="utf-8")).get("index_file", "")
        for p in CORPUS.glob("*/release.json")
    }


def bare_repo(mirror: Path, repo: str) -> Path | None:
    for candidate in (mirror / repo.replace("/", "+") / "repo", mirror / repo.replace("/", "+")):
        if (candidate / "HEAD").is_file():
            return candidate
    return None


def lay_out(git_dir: Path, into: Path) -> None:
    """Copy the repository's documents at HEAD the way realworld-dev holds them."""
    listing = _git(git_dir, "ls-tree", "-r", "-l", "HEAD").splitlines()
    chosen: list[str] = []
    nested: list[str] = []
    for line in listing:
        meta, _, path = line.partition("\t")
        size = meta.split()[3]
        if meta.split()[1] != "blob" or not size.isdigit() or int(size) > MAX_DOCUMENT_BYTES:
            continue
        if "/" not in path and _ROOT_DOCUMENT.fullmatch(path):
            chosen.append(path)
        elif path.count("/") <= 3 and _NESTED_DOCUMENT.search(path) and _NESTED_TOPIC.search(path):
            nested.append(path)
    chosen += sorted(nested, key=lambda p: (p.count("/"), p))[:MAX_NESTED]
    for path in chosen:
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        blob = subprocess.run(
            ["git", f"--git-dir={git_dir}", "show", f"HEAD:{path}"], capture_output=True, check=True
        ).stdout
        target.write_bytes(blob)


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], capture_output=True, check=True, text=True
    ).stdout


if __name__ == "__main__":
    sys.exit(main())

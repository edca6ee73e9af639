"""One documentation page per finding rule, generated from the catalog in rules.py.

    python -m openness.security.rule_docs docs/rules

writes `docs/rules/<RULE-ID>.md` for every rule and `docs/rules/README.md` as an index; a test
keeps the pages in step with the catalog. SARIF `helpUri` points at these pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..rules import RULES, RuleInfo

_LOCATION = (
    "Each finding names the file, and where it applies the byte offset (`@N`), the line (`:N`) "
    "and the key (`#key`): an archive member, a pickle member of a zip, a config key or a graph "
    "node. Members of nested archives are joined by `!`, outermost first."
)
_MORE: dict[str, str] = {
    "OPN-PKL-001": "The trigger is the global as the pickle names it (`module.name`). The offset "
    "is the byte of the GLOBAL/STACK_GLOBAL/INST opcode. Known-dangerous means process "
    "execution, eval/exec/compile, reflection (getattr, attrgetter, inspect), importers "
    "(importlib, pkgutil.resolve_name, runpy), pip, marshal/CodeType, ctypes, file writing, the "
    "network, asyncio subprocess helpers, statement runners (timeit, cProfile, pdb) and loaders "
    "that re-enter pickle or torch.load. Dotted names (`pathlib` + `os.system`) and dunder "
    "names (`numpy` + `__builtins__`) count as what they reach.",
    "OPN-PKL-002": "Not every unknown import is malicious (a whole-model `torch.save` imports "
    "its classes), but none is needed to rebuild tensors and arrays: state dicts, NumPy arrays "
    "and scikit-learn estimators pass without it.",
    "OPN-PKL-006": "The trigger is the class as the pickle names it. A class also called "
    "(REDUCE, INST, OBJ), built with arguments, handed to another call or stored as a value "
    "stays `OPN-PKL-002` (high): `cls.__new__(cls)` with no arguments and a state is the one "
    "use that runs none of the class's own constructor.",
    "OPN-PKL-003": "For example `getattr(__import__('os'), 'system')(...)`: the REDUCE's callable "
    "is the result of an earlier call, so no import name reveals what runs.",
    "OPN-ARC-006": "Covers CVE-2025-1944 (names differ between headers), CVE-2025-1945 (flag "
    "bits) and CVE-2025-10156 (bad CRC): PyTorch loads such members, `zipfile` refuses them. "
    "openness reads them the way PyTorch does and scans them.",
    "OPN-TPL-001": "Patterns: dunder attributes (`__class__`, `__globals__`, `__builtins__`, "
    "`__subclasses__`), private attributes of Jinja globals (`cycler`, `joiner`, `namespace`, "
    "`lipsum`), escaped underscores, `attr()` with computed names, template loading tags, "
    "Python imports and module access. The trigger is the matched text; the key gives its line.",
}


def render_page(info: RuleInfo, standalone: bool = False) -> str:
    """The rule's page; `standalone` leaves out the link to the index (for SARIF help text)."""
    cwe = info.cwe
    cwe_line = (
        f"[{cwe}](https://cwe.mitre.org/data/definitions/{cwe.split('-')[1]}.html)" if cwe else "—"
    )
    lines = [
        f"# {info.rule_id}: {info.title}",
        "",
        "| | |",
        "|---|---|",
        f"| severity | {info.severity.name.lower()} |",
        f"| weakness | {cwe_line} |",
        "",
        info.advice,
    ]
    if info.rule_id in _MORE:
        lines += ["", _MORE[info.rule_id]]
    lines += [
        "",
        "## Where",
        "",
        _LOCATION,
        "",
        "Exit code 1 follows `--fail-on` (default `high`)."
        + ("" if standalone else " All rules: [index](README.md)."),
    ]
    return "\n".join(lines) + "\n"


def render_index() -> str:
    lines = [
        "# Finding rules, one page each",
        "",
        "| id | severity | CWE | rule |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| [{r.rule_id}]({r.rule_id}.md) | {r.severity.name.lower()} | {r.cwe or '-'} "
        f"| {r.title} |"
        for r in RULES.values()
    ]
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    out = {f"{r.rule_id}.md": render_page(r) for r in RULES.values()}
    out["README.md"] = render_index()
    return out


def write_pages(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_pages(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules"))

"""The catalog of finding rules: stable ids, default severity, what they mean and what to do.

Rule ids never change meaning; a retired id is never reused. `docs/rules.md` is generated from this
table (`python -m openness.rules > docs/rules.md`) and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Finding, Location, Severity


@dataclass(frozen=True)
class RuleInfo:
    rule_id: str
    severity: Severity
    title: str
    advice: str

    @property
    def anchor(self) -> str:
        return f"docs/rules.md#{self.rule_id.lower()}"


_S = Severity
RULES: dict[str, RuleInfo] = {
    r.rule_id: r
    for r in (
        RuleInfo(
            "OPN-SRC-002",
            _S.HIGH,
            "symlink points outside the release",
            "A release must not reach files outside itself; the link was not followed.",
        ),
        RuleInfo(
            "OPN-SRC-003",
            _S.MEDIUM,
            "symlink loop",
            "The link was not followed. Replace it with the file it should point to.",
        ),
        RuleInfo(
            "OPN-SRC-004",
            _S.INFO,
            "symlinked folder inside the release",
            "Its content is already listed under its real path; it was not read twice.",
        ),
        RuleInfo(
            "OPN-SRC-005",
            _S.MEDIUM,
            "file or folder could not be read",
            "The assessment is incomplete for it. Check permissions and that it still exists.",
        ),
        RuleInfo(
            "OPN-SRC-006",
            _S.LOW,
            "special file (device, pipe or socket)",
            "Not read: reading a pipe or device could block or never end.",
        ),
        RuleInfo(
            "OPN-SRC-007",
            _S.LOW,
            "dangling symlink",
            "The link points at nothing; the file it names is missing from the release.",
        ),
        RuleInfo(
            "OPN-ARC-001",
            _S.HIGH,
            "archive member name escapes the archive",
            "Absolute names and `../` components can overwrite files on extraction (zip slip).",
        ),
        RuleInfo(
            "OPN-ARC-002",
            _S.HIGH,
            "link member in an archive",
            "Links in archives can point anywhere on the extracting machine; not followed.",
        ),
        RuleInfo(
            "OPN-ARC-003",
            _S.HIGH,
            "decompression bomb",
            "A member expands far beyond its compressed size or the total limit; not read.",
        ),
        RuleInfo(
            "OPN-ARC-004",
            _S.MEDIUM,
            "duplicate member name",
            "Two members share a name; tools disagree on which one wins. Only the first is read.",
        ),
        RuleInfo(
            "OPN-ARC-005",
            _S.MEDIUM,
            "archive truncated or corrupt",
            "Members after the damage could not be listed; the assessment is incomplete.",
        ),
        RuleInfo(
            "OPN-FMT-001",
            _S.MEDIUM,
            "malformed file",
            "The header is truncated, inconsistent or over a safety limit; the reason says where.",
        ),
        RuleInfo(
            "OPN-FMT-002",
            _S.MEDIUM,
            "empty weight file",
            "A weight file with no bytes: an interrupted upload or a placeholder.",
        ),
        RuleInfo(
            "OPN-FMT-003",
            _S.MEDIUM,
            "reader failed",
            "An internal error stopped the reader; the file is reported unread, never clean.",
        ),
        RuleInfo(
            "OPN-FMT-004",
            _S.MEDIUM,
            "content does not match the file name",
            "The bytes are another format than the extension says: a mistake or a disguise.",
        ),
        RuleInfo(
            "OPN-PKL-000",
            _S.LOW,
            "pickle-based format",
            "Loading it runs a pickle, which can run code. Prefer safetensors or GGUF.",
        ),
        RuleInfo(
            "OPN-PKL-001",
            _S.CRITICAL,
            "pickle imports a known-dangerous callable",
            "Loading the file would call it: process execution, eval, reflection and the like.",
        ),
        RuleInfo(
            "OPN-PKL-002",
            _S.HIGH,
            "pickle imports a global outside the safe set",
            "Not known to be dangerous, but not needed by real checkpoints either.",
        ),
        RuleInfo(
            "OPN-NPY-001",
            _S.HIGH,
            "NumPy object array",
            "Loading needs allow_pickle=True and runs a pickle.",
        ),
        RuleInfo(
            "OPN-KRS-001",
            _S.CRITICAL,
            "Keras Lambda layer or serialized function",
            "Serialized Python bytecode runs when the model is loaded.",
        ),
        RuleInfo(
            "OPN-KRS-002",
            _S.MEDIUM,
            "Keras layer from a custom module",
            "Loading needs that module's code; check where it comes from.",
        ),
        RuleInfo(
            "OPN-ONX-001",
            _S.HIGH,
            "ONNX external data path leaves the release",
            "An absolute or `../` path makes the loader read files outside the model folder.",
        ),
        RuleInfo(
            "OPN-CFG-001",
            _S.MEDIUM,
            "configuration needs trust_remote_code",
            "Loading runs Python files from the repository (`auto_map`); review them first.",
        ),
        RuleInfo(
            "OPN-CFG-002",
            _S.LOW,
            "configuration file is not valid JSON",
            "Tools will fail to load it; facts it would give are missing from the assessment.",
        ),
        RuleInfo(
            "OPN-CFG-010",
            _S.MEDIUM,
            "declared configuration does not match the tensors",
            "Hidden size, layer count or vocabulary in the config differ from the weights.",
        ),
        RuleInfo(
            "OPN-DOC-001",
            _S.MEDIUM,
            "invalid model-card front matter",
            "The YAML metadata could not be parsed; license and datasets may be missed.",
        ),
        RuleInfo(
            "OPN-DOC-002",
            _S.LOW,
            "model card is not valid UTF-8",
            "Read with replacement characters.",
        ),
        RuleInfo(
            "OPN-DOC-003",
            _S.MEDIUM,
            "front matter over a safety cap",
            "Too large, too deep or too many aliases (a YAML bomb); not parsed.",
        ),
        RuleInfo(
            "OPN-DOC-004", _S.LOW, "document larger than the text cap", "Only the start was read."
        ),
        RuleInfo(
            "OPN-DOC-005",
            _S.LOW,
            "no model card",
            "Without a README.md card, intended use, data and risks are undocumented.",
        ),
        RuleInfo(
            "OPN-LIC-001",
            _S.MEDIUM,
            "no license stated",
            "Without a license nobody may lawfully reuse the model, whatever it claims.",
        ),
    )
}


def finding(
    rule_id: str,
    reason: str,
    location: Location,
    trigger: str = "",
    severity: Severity | None = None,
) -> Finding:
    """A Finding for a catalogued rule; unknown ids fail loudly at the call site."""
    info = RULES[rule_id]
    return Finding(
        rule_id,
        info.severity if severity is None else severity,
        reason,
        location,
        trigger,
        info.anchor,
    )


def render_markdown() -> str:
    lines = [
        "# Finding rules",
        "",
        "Every finding carries a stable rule id. Ids never change meaning. Severity is the "
        "default; exit code 1 follows `--fail-on` (default `high`).",
        "",
        "| id | severity | rule |",
        "|---|---|---|",
    ]
    lines += [
        f"| [{r.rule_id}](#{r.rule_id.lower()}) | {r.severity.name.lower()} | {r.title} |"
        for r in RULES.values()
    ]
    for r in RULES.values():
        lines += [
            "",
            f"## {r.rule_id}",
            "",
            f"**{r.title}** — severity {r.severity.name.lower()}.",
            "",
            r.advice,
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_markdown(), end="")

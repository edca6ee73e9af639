"""The model card: README.md with optional YAML front matter, read as text.

Evidence facts (each located at its key's line in the card, key = the YAML key):
`card.present`, `card.license`, `card.license_name`, `card.license_link`, `card.datasets`,
`card.base_model`, `card.language`, `card.pipeline_tag`, `card.tags`, `card.library_name`,
`card.model_name` (front matter `model_name` or `name`), `card.title` (the card's first heading
when it is a level-1 heading: often the model's name),
`card.model_index` (number of results), `card.model_index.metric` (task, dataset, metric,
value), `card.section.<topic>`, `card.section_text.<topic>` (the section's first 500
characters, for exports), `link.<kind>` and `link.code.said` (a code link its line calls the
release's code, see `code_links`).

Findings: OPN-DOC-001 invalid front matter, OPN-DOC-002 not UTF-8, OPN-DOC-003 front matter
beyond a safety cap (not parsed), OPN-DOC-004 card larger than the text cap (truncated).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..limits import DEFAULT_LIMITS, Limits
from ..model import Evidence, Finding, JSONValue, Link, Location, Section
from ..readers.common import fact
from ..rules import finding
from .code_links import said_to_be_code
from .frontmatter import FrontMatter, FrontMatterError, parse_front_matter, strings
from .links import collect_links
from .markdown_comments import is_markdown, without_html_comments
from .sections import find_headings, section_excerpts, sections

# YAML key -> evidence fact. Values become str, or a tuple of str for lists.
CARD_FIELDS: dict[str, str] = {
    "license": "card.license",
    "license_name": "card.license_name",
    "license_link": "card.license_link",
    "datasets": "card.datasets",
    "base_model": "card.base_model",
    "language": "card.language",
    "pipeline_tag": "card.pipeline_tag",
    "tags": "card.tags",
    "library_name": "card.library_name",
    "model_name": "card.model_name",
    "name": "card.model_name",
}
MAX_TITLE = 200
_MAX_LIST = 1000  # items kept from one list field


@dataclass(frozen=True)
class CardResult:
    evidence: tuple[Evidence, ...]
    sections: tuple[Section, ...]
    links: tuple[Link, ...]
    findings: tuple[Finding, ...]
    metadata_ok: bool  # front matter present, parsed and a mapping


def read_card(path: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> CardResult:
    findings: list[Finding] = []
    text = _decode(path, data, limits.max_text_bytes, findings)
    if is_markdown(path):
        text = without_html_comments(text)
    lines = [line.removesuffix("\r") for line in text.split("\n")]

    evidence: list[Evidence] = [fact("card.present", True, path)]
    front, body_start = _front_matter(path, lines, findings)
    link_lines: list[tuple[int, str]] = []
    if front is not None:
        evidence.extend(_metadata_evidence(path, front))
        for key, value in front.data.items():
            line = front.key_lines.get(key)
            link_lines.extend((line or 1, s) for s in strings(value))

    found = sections(lines[body_start:], first_line=body_start + 1)
    title = _title(lines[body_start:], body_start + 1)
    if title is not None:
        evidence.append(fact("card.title", title[0][:MAX_TITLE], path, line=title[1]))
    evidence.extend(fact(f"card.section.{s.topic}", s.heading, path, line=s.line) for s in found)
    evidence.extend(
        fact(f"card.section_text.{topic}", text, path, line=line)
        for topic, line, text in section_excerpts(lines[body_start:], first_line=body_start + 1)
    )
    link_lines.extend(enumerate(lines[body_start:], start=body_start + 1))
    links = collect_links(path, link_lines)
    evidence.extend(
        fact(f"link.{link.kind}", link.url, path, line=link.location.line) for link in links
    )
    text_of = dict(link_lines)
    evidence.extend(
        fact("link.code.said", link.url, path, line=link.location.line)
        for link in links
        if link.kind == "code"
        and said_to_be_code(text_of.get(link.location.line or 0, ""), link.url)
    )
    return CardResult(tuple(evidence), tuple(found), links, tuple(findings), front is not None)


def _title(body: list[str], first_line: int) -> tuple[str, int] | None:
    """The first heading of the card and its line, when it is a level-1 heading."""
    headings = find_headings(body, first_line=first_line)
    if not headings or headings[0].level != 1 or not headings[0].text:
        return None
    return headings[0].text, headings[0].line


def _finding(
    rule: str, reason: str, path: str, line: int | None = None, trigger: str = ""
) -> Finding:
    return finding(rule, reason, Location(path, line=line), trigger)


def _decode(path: str, data: bytes, cap: int, findings: list[Finding]) -> str:
    if len(data) > cap:
        findings.append(
            _finding(
                "OPN-DOC-004",
                f"card is {len(data):,} bytes; only the first {cap:,} were read",
                path,
            )
        )
        cut = cap
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # do not split a UTF-8 character
            cut -= 1
        data = data[:cut]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        findings.append(
            _finding(
                "OPN-DOC-002",
                "card is not valid UTF-8",
                path,
                line=data.count(b"\n", 0, exc.start) + 1,
                trigger=f"byte offset {exc.start}",
            )
        )
        text = data.decode("utf-8", errors="replace")
    return text.removeprefix("\ufeff")


def _front_matter(
    path: str, lines: list[str], findings: list[Finding]
) -> tuple[FrontMatter | None, int]:
    """The parsed front matter (or None) and the index of the first body line."""
    if not lines or lines[0].rstrip() != "---":
        return None, 0
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        findings.append(
            _finding("OPN-DOC-001", "front matter opened on line 1 is never closed", path, line=1)
        )
        return None, 0
    try:
        front = parse_front_matter("\n".join(lines[1:end]), first_line=2)
    except FrontMatterError as exc:
        rule = "OPN-DOC-003" if exc.limit else "OPN-DOC-001"
        findings.append(_finding(rule, str(exc), path, line=exc.line))
        front = None
    return front, end + 1


def _metadata_evidence(path: str, front: FrontMatter) -> list[Evidence]:
    out = []
    for key, name in CARD_FIELDS.items():
        if key not in front.data:
            continue
        value = _value(front.data[key])
        if value is not None:
            out.append(fact(name, value, path, line=front.key_lines.get(key), key=key))
    if "model-index" in front.data:
        count = _results(front.data["model-index"])
        if count is not None:
            out.append(
                fact(
                    "card.model_index",
                    count,
                    path,
                    line=front.key_lines.get("model-index"),
                    key="model-index",
                )
            )
        out.extend(
            fact(
                "card.model_index.metric",
                metric,
                path,
                line=front.key_lines.get("model-index"),
                key=key,
            )
            for key, metric in _metrics(front.data["model-index"])
        )
    return out


def _value(raw: Any) -> JSONValue:
    """str for a scalar, tuple of str for a list of scalars; None for anything else."""
    if isinstance(raw, list):
        return tuple(str(v) for v in raw[:_MAX_LIST] if _is_scalar(v))
    if _is_scalar(raw):
        return str(raw)
    return None


def _is_scalar(v: Any) -> bool:
    return isinstance(v, str | int | float)  # bool is an int


def _results(raw: Any) -> int | None:
    """Number of `results` entries across the model-index list."""
    if not isinstance(raw, list):
        return None
    return sum(
        len(e["results"]) for e in raw if isinstance(e, dict) and isinstance(e.get("results"), list)
    )


_MAX_METRICS = 200


def _metrics(raw: Any) -> list[tuple[str, tuple[str, str, str, str]]]:
    """(key, (task type, dataset name, metric type, value)) for each model-index metric."""
    out: list[tuple[str, tuple[str, str, str, str]]] = []
    entries = raw if isinstance(raw, list) else []
    for i, entry in enumerate(entries):
        results = entry.get("results") if isinstance(entry, dict) else None
        for j, result in enumerate(results if isinstance(results, list) else []):
            if not isinstance(result, dict):
                continue
            task, dataset = result.get("task"), result.get("dataset")
            task_type = _text(task.get("type") if isinstance(task, dict) else None)
            dataset_name = _text(
                (dataset.get("name") or dataset.get("type")) if isinstance(dataset, dict) else None
            )
            metrics = result.get("metrics")
            for k, metric in enumerate(metrics if isinstance(metrics, list) else []):
                if not isinstance(metric, dict) or not _is_scalar(metric.get("value")):
                    continue
                name = _text(metric.get("type") or metric.get("name"))
                key = f"model-index[{i}].results[{j}].metrics[{k}]"
                out.append((key, (task_type, dataset_name, name, _text(metric["value"]))))
                if len(out) >= _MAX_METRICS:
                    return out
    return out


def _text(v: Any) -> str:
    return str(v)[:200] if _is_scalar(v) else ""

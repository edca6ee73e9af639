"""Citations a reader can check: where a claim rests, what is there, and a link to it.

One shape for every report and the dashboard (which reads its stored documents back as
Assessments). Pure functions: nothing is read again.

- `where` is the place (`README.md:97#license`), short enough never to be cut;
- `quote` is text from the release that stands at that place (a card value, a heading, a link),
  empty when the fact was derived (a license category, a framework test) rather than read there;
- `detail` says what the fact is (`card.license = apache-2.0`, with the reader's note);
- `url` links the file at the pinned revision on the Hub or GitHub, else the local file; None when
  no link can be made (a member of an archive, a manifest place).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote as url_quote

from ..lazy_re import lazy
from ..model import Evidence, Origin

#: fact namespaces whose value is text read at the cited place, so it can be quoted
QUOTED_FACTS = ("card.", "config.", "link.", "claim.", "library.", "data.sources", "tokenizer.")
#: derived facts that reuse a card place but whose value is not the text there
_NOT_QUOTED = ("card.present", "card.metadata", "card.section_text.")
MAX_QUOTE = 160
MAX_DETAIL = 200
_REPO_PART = lazy(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
_COMMIT = lazy(r"^[0-9A-Za-z._/-]{1,200}$")
_GH_TARGET = lazy(r"^gh:([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100})")


@dataclass(frozen=True)
class Citation:
    where: str
    quote: str
    detail: str
    url: str | None
    file: str = ""
    line: int | None = None


@dataclass(frozen=True)
class OriginRef:
    """What a link needs of where the release came from."""

    kind: str
    target: str
    path: str
    revision: str | None

    @classmethod
    def of(cls, origin: Origin | Mapping[str, Any] | None) -> OriginRef:
        if isinstance(origin, Origin):
            return cls(origin.kind, origin.target, origin.path, origin.revision)
        data: Mapping[str, Any] = origin if isinstance(origin, Mapping) else {}
        revision = data.get("revision")
        return cls(
            str(data.get("kind") or ""),
            str(data.get("target") or ""),
            str(data.get("path") or ""),
            str(revision) if revision else None,
        )


def trim(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def place(file: str, line: int | None, offset: int | None, key: str | None) -> str:
    text = file or "(release)"
    if line is not None:
        text += f":{line}"
    if offset is not None:
        text += f"@{offset}"
    if key is not None:
        text += f"#{key}"
    return text


def _value_text(value: object) -> str:
    if isinstance(value, (list, tuple)):
        items = [_value_text(v) for v in value]
        shown = ", ".join(items[:6])
        return shown + (f" … ({len(items)} in all)" if len(items) > 6 else "")
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _quotable(fact: str, value: object, line: int | None, key: str | None) -> bool:
    if line is None and key is None:
        return False
    if not fact.startswith(QUOTED_FACTS) or fact.startswith(_NOT_QUOTED):
        return False
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value) != ""


def link(origin: OriginRef, file: str, line: int | None) -> str | None:
    """The file at the pinned revision: Hub or GitHub blob URL, else a file:// URL; or None."""
    if not file or file.startswith("/") or ".." in PurePosixPath(file).parts:
        return None
    path = url_quote(file, safe="/")
    anchor = f"#L{line}" if line is not None else ""
    rev = origin.revision
    if origin.kind == "hub":
        repo = origin.path.removeprefix("hf:")
        parts = repo.split("/")
        if len(parts) != 2 or not all(_REPO_PART.match(p) for p in parts):
            return None
        rev_part = url_quote(rev, safe="") if rev and _COMMIT.match(rev) else "main"
        return f"https://huggingface.co/{repo}/blob/{rev_part}/{path}{anchor}"
    if origin.kind == "git":
        match = _GH_TARGET.match(origin.target)
        if not match or not rev or not _COMMIT.match(rev):
            return None
        owner, name = match.group(1), match.group(2)
        return f"https://github.com/{owner}/{name}/blob/{url_quote(rev, safe='')}/{path}{anchor}"
    if origin.kind == "folder" and origin.path.startswith("/"):
        root = PurePosixPath(origin.path)
        return "file://" + url_quote(str(root / file), safe="/") + anchor
    if origin.kind == "file" and origin.path.startswith("/"):
        if PurePosixPath(origin.path).name != file:
            return None
        return "file://" + url_quote(origin.path, safe="/") + anchor
    return None


def cite(
    origin: OriginRef,
    fact: str,
    value: object,
    note: str,
    file: str,
    line: int | None = None,
    offset: int | None = None,
    key: str | None = None,
) -> Citation:
    quote = trim(str(value), MAX_QUOTE) if _quotable(fact, value, line, key) else ""
    detail = f"{fact} = {_value_text(value)}"
    if offset is not None:
        detail += f" (at byte {offset:,})"
    if note:
        detail += f" — {note}"
    return Citation(
        place(file, line, offset, key),
        quote,
        trim(detail, MAX_DETAIL),
        link(origin, file, line),
        file,
        line,
    )


def of_evidence(e: Evidence, origin: OriginRef) -> Citation:
    loc = e.location
    return cite(origin, e.fact, e.value, e.note, loc.file, loc.line, loc.offset, loc.key)


def merge(citations: Iterable[Citation]) -> list[Citation]:
    """One citation per place: details of facts cited at the same place are joined, the first
    quote kept; order of first appearance."""
    by: dict[str, Citation] = {}
    for c in citations:
        seen = by.get(c.where)
        if seen is None:
            by[c.where] = c
            continue
        quote = seen.quote or c.quote
        detail = seen.detail if c.detail in seen.detail else f"{seen.detail}; {c.detail}"
        by[c.where] = Citation(
            seen.where, quote, trim(detail, MAX_DETAIL * 2), seen.url, seen.file, seen.line
        )
    return list(by.values())


def citations(evidence: Iterable[Evidence], origin: Origin) -> list[Citation]:
    ref = OriginRef.of(origin)
    return merge(of_evidence(e, ref) for e in evidence)

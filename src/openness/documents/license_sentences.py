"""License sentences of a document: which component a sentence puts under which license, and
which model it speaks for.

A repository of several models may license them differently ("base checkpoints are under
CC BY-SA-4.0, fine-tuned ones under CC BY-NC-SA-4.0"): such statements are per model, each
attached to the model it names, and the frameworks decide which one is the release's. A
statement that puts one subject under two licenses at once ("use must follow Apache 2.0 *and*
the Community License") is cumulative: both apply, so the restrictive one decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..lazy_re import lazy
from ..model import Confidence, Evidence, Location
from .sections import Heading, find_headings, heading_at
from .words import stems

_LICENSE_WORD = lazy(r"licen[cs]|许可", re.I)
_URL_TARGET = lazy(r"\]\([^)\s]{0,500}\)|https?://\S+", re.I)
_CLAUSE_SPLIT = lazy(
    r"(?<=[.;])\s+|\bwhile\s+|\bwhereas\s+|,\s+(?=(?:but|we|you|however|and the|the)\b)", re.I
)
_COMPONENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "weights",
        re.compile(
            r"\b(model\s+)?weights?\b|\bcheckpoints?\b|\b(the|our|this|these)\s+"
            r"(\w+\s+){0,3}models?\b|\bmodels?\s+(is|are)\b",
            re.I,
        ),
    ),
    ("code", re.compile(r"\b(source\s+)?code\b|\brepository\b|\bthis\s+project\b", re.I)),
    ("data", re.compile(r"\b(data\s?sets?|training\s+data|corpus)\b", re.I)),
)
_OPEN_LICENSE = lazy(
    r"\b(apache[- ]?(license[- ]?)?(version\s*)?2(\.0)?|mit\s+licen[cs]e|\[mit\]|"
    r"under\s+(the\s+)?mit\b|"
    r"bsd[- ]?[23]|gpl|lgpl|mpl[- ]?2|cc[- ]by[- ]4\.0|cc[- ]by[- ]sa|cc0|odc[- ]by|odbl)\b",
    re.I,
)
#: model license agreements, non-commercial terms and open licenses with terms added
#: ("Modified MIT"), in English and Chinese (许可协议: license agreement, 社区许可: community
#: license, 非商业: non-commercial); "the base model licenses" names no agreement
_RESTRICTED_LICENSE = lazy(
    r"(?<!base\s)\bmodel\s+licen[cs]e(?!s)|"
    r"\b(modified|custom|amended|adapted)\s+(version\s+of\s+(the\s+)?)?(mit|apache|bsd)\b|\bcommunity\s+licen[cs]e|\blicen[cs]e\s+agreement|"
    r"\bnon[- ]?commercial|\bresearch[- ]only|\b(cc[- ]by[- ]nc|[- ]nc\b)|"
    r"\bopenrail|\brail[- ]?m\b|许可协议|社区许可|非商业",
    re.I,
)
_REQUEST = lazy(
    r"\b(ask|request)(s|ed)?\s+(that|you|users|everyone)\b|\b(encourage|urge)[sd]?\b|\bplease\b",
    re.I,
)
_MAX_PARAGRAPH = 2_000
MAX_STATEMENTS = 200  # license clauses read per document
#: a `License: MIT` field of a list describing the model ("Model Summary", "Model Details")
_LICENSE_FIELD = lazy(r"^[-*\s]*\**\s*licen[cs]es?\s*\**\s*[:：]", re.I)
_OPEN_ID = lazy(
    r"(mit|apache[- ]?(license[- ]?)?2(\.0)?|bsd[- ]?[23][- ]clause|cc[- ]by[- ](sa[- ])?4\.0|"
    r"cc0(-1\.0)?|mpl[- ]?2\.0|gpl[- ]?[23](\.0)?|lgpl[- ]?[23](\.[01])?|odc[- ]by)\b",
    re.I,
)
_DATE = lazy(
    r"\b(19|20)\d{2}\s?[-./年]\s?(0?[1-9]|1[0-2])\b|"
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+(19|20)\d{2}\b",
    re.I,
)
_NEWS_HEADING = lazy(
    r"\b(news|updates?|change\s?log|what'?s\s+new|release\s+notes|history|announcements?)\b|"
    r"新闻|更新|动态",
    re.I,
)
_MODEL_HEADING = lazy(
    r"\bmodel\s+(summary|details|description|overview|information|card)\b|\barchitecture\b", re.I
)
#: where a clause's subject ends and what is said of it begins
_PREDICATE = lazy(
    r"\bunder\b|\brequires?\b|\bmust\b|\bfollows?\b|\bcomply\b|\bsubject\s+to\b|:|licen[cs]",
    re.I,
)
_WORD = lazy(r"[a-z0-9][a-z0-9._'-]*", re.I)
#: words that tell one model of a repository from another (`StableLM-Base-Alpha`, "fine-tuned")
_WEIGHT_SUFFIX = lazy(r"\.(tar|safetensors|gguf|bin|pt|pth|ckpt|zip)$", re.I)
_DOMAIN = lazy(r"\.(com|org|net|cn|ai|io|co)$")
_QUALIFIERS = frozenset(
    {
        *("base", "tuned", "fine-tuned", "finetuned", "instruct", "instruction", "chat"),
        *("delta", "pretrained", "pre-trained", "aligned", "distilled"),
    }
)


def license_statements(
    path: str, lines: Sequence[str], names: frozenset[str] = frozenset()
) -> Iterable[Evidence]:
    """`doc.license_statement`: a sentence that puts a component under a license, value
    `<component>:<open|restricted>` (components: weights, code, data). A clause that names no
    component, or a license by a name that is neither a known open license nor a model license
    agreement, says nothing here. A clause whose subject is the release by name (`names`) and
    that names no other component speaks for the weights. A request ("we ask that users...")
    is not a license term."""
    for where, clause, kind, components, _ in _license_clauses(path, lines, names):
        for component in components:
            yield Evidence(
                "doc.license_statement",
                f"{component}:{kind}",
                where,
                Confidence.MEDIUM,
                note=_shown(clause),
            )


def model_license_statements(
    path: str, lines: Sequence[str], names: frozenset[str] = frozenset()
) -> Iterable[Evidence]:
    """`doc.license_statement.model` for each weights statement, value `(level, model,
    cumulative, dated)`: the model names or qualifiers of its subject (`""` when it names none,
    so it speaks for every model), whether it puts the subject under an open and a restrictive
    license at once, and whether it is a dated news item (a paragraph opening with a date, or
    under a "News"/"Updates"/"Changelog" heading), which a later statement may supersede. Its
    location and note are those of the `doc.license_statement`."""
    headings = find_headings(lines)
    for where, clause, kind, components, dated in _license_clauses(path, lines, names):
        if "weights" in components:
            model = " ".join(model_subject(clause))
            if not model and _GENERIC_SUBJECT.match(clause):
                model = _heading_model(heading_at(headings, where.line or 0))
            yield Evidence(
                "doc.license_statement.model",
                (kind, model, is_cumulative(clause), dated),
                where,
                Confidence.MEDIUM,
                note=_shown(clause),
            )


def _license_clauses(
    path: str, lines: Sequence[str], names: frozenset[str]
) -> Iterable[tuple[Location, str, str, list[str], bool]]:
    front = _front_matter_end(lines)
    headings = None
    found = 0
    for number, line in _paragraphs(lines):
        if number <= front or not _LICENSE_WORD.search(line):
            continue  # a card's YAML front matter (`license:` beside `datasets:`) is not prose
        headings = find_headings(lines) if headings is None else headings
        heading = heading_at(headings, number)
        dated = bool(_DATE.search(line[:80])) or bool(
            heading is not None and _NEWS_HEADING.search(heading.text)
        )
        bare = _URL_TARGET.sub("", line)
        for clause in _CLAUSE_SPLIT.split(bare):
            field = _LICENSE_FIELD.match(clause)
            kind = _license_kind(clause) or (_field_kind(clause[field.end() :]) if field else None)
            if kind is None or _REQUEST.search(clause):
                continue
            components = [c for c, pattern in _COMPONENTS if pattern.search(clause)]
            if not components and _names_release(clause, names):
                components = ["weights"]
            model_field = field and heading is not None and _MODEL_HEADING.search(heading.text)
            if not components and model_field:
                components = ["weights"]
            if components:
                yield Location(path, line=number), clause, kind, components, dated
                found += 1
                if found >= MAX_STATEMENTS:
                    return  # a hostile document repeating one line says nothing more


def _shown(clause: str) -> str:
    return " ".join(clause.split())[:160]


def per_model_statements(
    evidence: Sequence[Evidence], release_names: Sequence[str] = ()
) -> tuple[frozenset[tuple[Location, str]], list[Evidence]]:
    """Weights statements that license the models of one repository differently, and what
    they leave undecided. Per model: every restrictive statement names a model (or a qualifier
    such as "fine-tuned"), none is cumulative, and no open statement names the same one; a
    restrictive statement about no model in particular, or one subject under two licenses,
    decides for every model. `release_names` (the release's own model name, e.g. a card's
    `model_name`) pick the statements that name it.

    Returns the weights statements that do not speak for the release, as (location, clause)
    (to be set aside), and `fw.license.weights_per_model` facts when the release is not named."""
    said = [e for e in evidence if e.fact == "doc.license_statement.model"]
    parsed = [(e, *_statement(e)) for e in said]
    restricted = [p for p in parsed if p[1] == "restricted"]
    opened = [p for p in parsed if p[1] == "open"]
    if not restricted or any(not model or cumulative for _, _, model, cumulative in restricted):
        return frozenset(), []
    if {m for _, _, m, _ in opened} & {m for _, _, m, _ in restricted}:
        return frozenset(), []
    others = _unrestricted_listed(evidence, [m for _, _, m, _ in restricted])
    if not opened and not others:
        return frozenset(), []
    named = _name_parts(release_names)
    picked = [p for p in parsed if named and _names(p[2], named)]
    levels = {p[1] for p in picked}
    if len(levels) == 1:
        kept = {p[0] for p in picked}
        return frozenset((e.location, e.note) for e, *_ in parsed if e not in kept), []
    summary = "; ".join(
        f"{model or 'the models'}: {level} ({e.location})" for e, level, model, _ in parsed
    )
    if others:
        listed = ", ".join(str(e.value) for e in others[:3])
        summary += f"; also listed, no license said: {listed} ({others[0].location})"
    fact = Evidence(
        "fw.license.weights_per_model",
        summary[:400],
        restricted[0][0].location,
        Confidence.MEDIUM,
        note="the documents license their models differently and do not say which is the release",
    )
    return frozenset((e.location, e.note) for e, *_ in parsed), [fact]


def _unrestricted_listed(evidence: Sequence[Evidence], restricted: Sequence[str]) -> list[Evidence]:
    """Models the documents list for download (`doc.weights.*`) that no restrictive statement
    names by an identifier: a restriction on some listed models says nothing of the others.
    Only when every restrictive statement names a model identifier (a qualifier such as
    "fine-tuned" alone may name all of them)."""
    identifiers = [[w for w in model.split() if w not in _QUALIFIERS] for model in restricted]
    if not all(identifiers):
        return []
    listed = [
        e
        for e in evidence
        if e.fact in ("doc.weights.base", "doc.weights.end") and isinstance(e.value, str)
    ]
    return [
        e
        for e in listed
        if not any(
            _names(" ".join(ids), _name_parts([str(e.value).rsplit("/", 1)[-1]]))
            for ids in identifiers
        )
    ]


def superseded_statements(evidence: Sequence[Evidence]) -> frozenset[tuple[Location, str]]:
    """Weights statements in dated news items, as (location, clause), when a statement outside
    the news speaks for the weights: a news item tells what was said then ("the Community
    License Agreement is updated to v2.1"), the license section what holds now."""
    said = [e for e in evidence if e.fact == "doc.license_statement.model"]
    dated = [e for e in said if _dated(e)]
    if len(dated) == len(said):
        return frozenset()
    return frozenset((e.location, e.note) for e in dated)


def _dated(e: Evidence) -> bool:
    value = e.value if isinstance(e.value, tuple) else ()
    return len(value) > 3 and value[3] is True


def _statement(e: Evidence) -> tuple[str, str, bool]:
    value = e.value if isinstance(e.value, tuple) else ()
    level, model, cumulative = (tuple(value) + ("", "", False))[:3]
    return str(level), str(model), cumulative is True


def _name_parts(names: Sequence[str]) -> frozenset[str]:
    return frozenset(w for n in names for w in re.split(r"[^a-z0-9]+", n.lower()) if w)


def _names(model: str, named: frozenset[str]) -> bool:
    """A statement names the release when one of its model identifiers is all in its name
    (a weight file's suffix aside: `mistral-large-instruct-2407.tar`); a qualifier such as
    "base" identifies no model."""
    return any(
        word not in _QUALIFIERS
        and set(re.split(r"[^a-z0-9]+", _WEIGHT_SUFFIX.sub("", word))) - {""} <= named
        for word in model.split()
    )


def model_subject(clause: str) -> tuple[str, ...]:
    """The model names (`StableLM-3B-4E1T`) and qualifiers ("base", "fine-tuned") of what a
    license clause speaks about, in order; empty when it names no particular model."""
    cut = _PREDICATE.search(clause)
    subject = clause[: cut.start()] if cut else clause
    found: list[str] = []
    for match in _WORD.finditer(subject[:400]):
        word = match.group(0).lower().rstrip(".-'").removesuffix("'s")
        if subject[max(0, match.start() - 1) : match.start()] == "@" or _DOMAIN.search(word):
            continue
        named = is_model_name(word) or _is_proper_model_name(match.group(0))
        if (word in _QUALIFIERS or named) and word not in found:
            found.append(word)
    return tuple(found)


def _is_proper_model_name(word: str) -> bool:
    """A model family written as no English word is (`LLaVA`, `LLAMA`, `GPTJ`, `MetaCLIP`):
    letters only, with a capital after the first letter; not a license or legal word."""
    bare = word.rstrip(".-'").removesuffix("'s")
    return (
        len(bare) >= 4
        and bare.isalpha()
        and any(c.isupper() for c in bare[1:])
        and bare.lower() not in _NOT_MODEL_NAMES
    )


def is_model_name(word: str) -> bool:
    """A model identifier: letters with digits (`mpt-7b`) or two hyphens
    (`stablelm-base-alpha`); one hyphen is an English compound ("non-commercial")."""
    letters = any(c.isalpha() for c in word)
    return letters and len(word) >= 4 and (any(c.isdigit() for c in word) or word.count("-") >= 2)


#: "Models are licensed under...", "The checkpoints are released under...": a subject that
#: names no model, which the section it stands in may
_GENERIC_SUBJECT = lazy(
    r"^\W*(all\s+|the\s+|these\s+|our\s+)?(pre-?trained\s+)?(models?|weights|checkpoints?)\s+"
    r"(are|is|were|was)\b",
    re.I,
)
_HEADING_WORD = lazy(r"[A-Za-z][\w.-]*[\w]|[A-Za-z]")
_NOT_MODEL_NAMES = frozenset(
    {
        *("faq", "api", "apis", "gpu", "gpus", "llm", "llms", "todo", "readme", "usage", "spdx"),
        *("license", "licence", "licenses", "notice", "apache", "software", "model", "models"),
        *("weights", "code", "data", "this", "these", "the", "and", "use", "all", "note"),
        # platforms and formats the checkpoints come in, not models
        *("github", "huggingface", "pytorch", "tensorflow", "modelscope", "deepspeed", "openai"),
        *("vllm", "coreml", "onnx", "gguf", "safetensors", "megatron", "keras", "paddlepaddle"),
    }
)


def is_cumulative(clause: str) -> bool:
    """One clause naming an open and a restrictive license: both apply to its subject."""
    return bool(_OPEN_LICENSE.search(clause) and _RESTRICTED_LICENSE.search(clause))


def _heading_model(heading: Heading | None) -> str:
    """The model a section is about, when its heading names one by a name that cannot be an
    English word (`MetaCLIP`, `EVA-CLIP`, `Wombat 2`): "### MetaCLIP ... Models are licensed
    under CC-BY-NC." speaks of MetaCLIP's models only. A heading such as "License" or "Model
    Zoo" names none."""
    if heading is None:
        return ""
    found = [
        w.lower()
        for w in _HEADING_WORD.findall(heading.text[:200])
        if w.lower() not in _NOT_MODEL_NAMES
        and (any(c.isdigit() for c in w) or sum(c.isupper() for c in w[1:]) >= 1)
    ]
    return " ".join(dict.fromkeys(found))


def _front_matter_end(lines: Sequence[str]) -> int:
    """The line closing a leading `---` YAML block, or 0 when there is none."""
    if not lines or lines[0].strip() != "---":
        return 0
    return next((i for i in range(2, min(len(lines), 400) + 1) if lines[i - 1].strip() == "---"), 0)


def _paragraphs(lines: Sequence[str]) -> Iterable[tuple[int, str]]:
    """(first line, text) of each run of prose lines, so that a sentence wrapped over several
    lines is read whole; headings, list items, tables and code fences start a new run, and a
    list item goes on over its indented continuation lines."""
    start, size = 0, 0
    parts: list[str] = []
    in_item = False
    for number, line in enumerate(lines, start=1):
        text = line[:2_000].strip()
        item = text.startswith(("- ", "* ")) or bool(
            text and text[0].isdigit() and text[:4].rstrip(".) ").isdigit()
        )
        structural = not text or item or text.startswith(("#", "-", "*", "|", "```", ">", "<"))
        continues = in_item and not structural and line[:1].isspace()
        if parts and ((structural or size > _MAX_PARAGRAPH) or (in_item and not continues)):
            yield start, " ".join(parts)
            parts, size = [], 0
        in_item = item or continues
        if text:
            if not parts:
                start = number
            parts.append(text)
            size += len(text)
            if structural and not item:
                yield start, " ".join(parts)
                parts, size = [], 0
    if parts:
        yield start, " ".join(parts)


def _names_release(clause: str, names: frozenset[str]) -> bool:
    return bool(names) and bool(stems(clause.split("licen", 1)[0]) & names)


def _field_kind(value: str) -> str | None:
    """The license a `License:` field names by its identifier (`MIT`, `Apache-2.0`)."""
    return "open" if _OPEN_ID.match(value.strip(" *`[(")) else None


def _license_kind(clause: str) -> str | None:
    if _RESTRICTED_LICENSE.search(clause):
        return "restricted"
    if _OPEN_LICENSE.search(clause):
        return "open"
    return None

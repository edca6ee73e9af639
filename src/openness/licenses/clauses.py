"""License terms read from the text itself, clause by clause, each cited at its line.

Works on any license or use-policy text, catalogued or not: the catalog profile is only a
cross-check (see `compare`). Every value comes with the line of the clause it rests on and a
short quote of that clause, so a person can check it. A term the text does not address stays
None (commercial use `unknown`): "not found" never reads as "allowed".

The patterns are short key phrases written for this project; no license text is stored.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace

from ..lazy_re import lazy
from ..model import CommercialUse, LicenseTerms, TermSource
from .text import clean, flat

#: the terms a text is read for, in report order
TERMS = (
    "commercial_use",
    "mau_threshold",
    "revenue_threshold_usd",
    "use_restrictions",
    "restrictions_downstream",
    "use_policy_url",
    "attribution",
    "naming",
    "output_training_restricted",
    "territory_exclusions",
    "revocable",
    "patent_retaliation",
)
_QUOTE_CHARS = 160


# --------------------------------------------------------------------------- the text, by line


@dataclass(frozen=True)
class Doc:
    """A text flattened for phrase matching, with the way back to its lines.

    `flat` is lower case, markup removed, one space between words; a blank line (a paragraph
    break) is a newline, so a sentence never runs across paragraphs.
    """

    flat: str
    offsets: tuple[int, ...]  # where each non-blank line starts in `flat`
    numbers: tuple[int, ...]  # its line number in the original text (1-based)
    raw: tuple[str, ...]  # the original lines

    def line(self, pos: int) -> int:
        i = bisect_right(self.offsets, pos) - 1
        return self.numbers[max(i, 0)] if self.numbers else 1

    def raw_line(self, number: int) -> str:
        return self.raw[number - 1] if 0 < number <= len(self.raw) else ""


def doc(text: str, first_line: int = 1) -> Doc:
    parts: list[str] = []
    offsets: list[int] = []
    numbers: list[int] = []
    size = 0
    raw = text.split("\n")
    for number, line in enumerate(raw, start=first_line):
        norm = flat(clean(line)) if line.strip() else ""
        if not norm:
            if parts and parts[-1] != "\n":
                parts.append("\n")
                size += 1
            continue
        offsets.append(size)
        numbers.append(number)
        parts.append(norm + " ")
        size += len(norm) + 1
    pad = ("",) * (first_line - 1)
    return Doc("".join(parts), tuple(offsets), tuple(numbers), pad + tuple(raw))


_BOUNDARY = lazy(r"[.;!?][\"')\]]?(?=\s)|\n")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int


def sentences(d: Doc) -> list[Sentence]:
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(d.flat):
        end = m.end()
        s = d.flat[start:end].strip()
        if s:
            out.append(
                Sentence(s, start + (len(d.flat[start:end]) - len(d.flat[start:end].lstrip())))
            )
        start = end
    rest = d.flat[start:].strip()
    if rest:
        out.append(Sentence(rest, start))
    return out


# --------------------------------------------------------------------------- numbers

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a": 1,
}  # fmt: skip
_SCALES = {"thousand": 10**3, "k": 10**3, "million": 10**6, "m": 10**6, "mm": 10**6,
           "billion": 10**9, "b": 10**9, "bn": 10**9}  # fmt: skip
_WORD_NUMBER = (
    r"(?:(?:"
    + "|".join(sorted((k for k in _UNITS if k != "a"), key=len, reverse=True))
    + r"|hundred|and)[ -]?)+"
)
NUMBER = (
    r"(?P<num>\d[\d,]*(?:\.\d+)?|" + _WORD_NUMBER + r")\s*"
    r"(?P<scale>thousand|million|billion|bn|mm|k|m|b)?\b"
    r"(?:\s*\(\s*[\d,.]+\s*(?:million|billion)?\s*\))?"
)


def number_value(num: str, scale: str | None) -> int | None:
    num = num.strip()
    if num[:1].isdigit():
        try:
            value = float(num.replace(",", ""))
        except ValueError:
            return None
    else:
        total, current = 0, 0
        for w in re.split(r"[ -]+", num):
            if w in _UNITS:
                current += _UNITS[w]
            elif w == "hundred":
                current = max(current, 1) * 100
        value = float(total + current)
        if value == 0:
            return None
    return int(value * _SCALES.get((scale or "").strip(), 1))


_MAU = lazy(
    NUMBER + r"\s*(?:monthly active users|mau\b|monthly active user accounts|"
    # CogVideoX: "must not exceed 1 million visits per month"
    r"(?:users|visits|visitors|active users)\s+(?:per|a|each|every) month|monthly (?:visits|users))"
)
_MAU_AFTER = lazy(
    r"monthly active users[^.;]{0,120}?(?:greater than|more than|exceeds?|exceeding|over|above)"
    r"\s+" + NUMBER
)
_MONEY = lazy(
    r"(?:(?:usd|us\$|\$|€|eur|£)\s?"
    + NUMBER
    + r"|"
    + NUMBER.replace("?P<num>", "?P<num2>").replace("?P<scale>", "?P<scale2>")
    + r"\s*(?:us |u\.s\. )?(?:dollars|usd|euros?))"
)
_REVENUE = lazy(r"\brevenues?\b|\bturnover\b|\bannual sales\b")


# --------------------------------------------------------------------------- key phrases

_NEG = lazy(
    r"\b(not|never|cannot|can ?not|shall not|will not|must not|may not|no right to|"
    r"prohibited|forbidden)\b"
)
_NONCOMMERCIAL = lazy(
    r"\bnon-?commercial\b|\bnoncommercial\b|other than (for )?commercial|\bnon-?production\b"
)
_BOTH_USES = lazy(
    r"commercial (and|or|as well as) non-?commercial|non-?commercial (and|or) commercial"
)
_NOT_COMMERCIAL = lazy(
    r"\b(not|no)\b[^;]{0,100}\bcommercial(ly)? (use|uses|usage|purposes?|exploitation|"
    r"activit\w*|products?|services?|advantage|settings?|deployment|applications?)"
    r"|\bnot (be )?(used )?(for|in) (any )?commercial"
)
_ONLY_RESEARCH = lazy(
    r"\b(solely|only|exclusively|strictly|limited to)\b[^;]{0,40}\b(non-?commercial|research|"
    r"academic|scientific|evaluation|educational|personal)\b"
    r"|\b(research|academic|evaluation)(al)? (purposes|use) only\b|\bfor research only\b"
)
#: a definition that limits the grant's "non-commercial" to research ('"Non-Commercial" shall
#: mean for research or evaluation purposes only'): the grant is research-only
_DEFINES_NON_COMMERCIAL = lazy(r"non-?commercial(ly)?\W{0,3} (shall )?means?\b")
_ALLOW = lazy(
    r"for any purpose,? (including|such as|whether) (for )?commercial"
    r"|\bcommercial (use|uses|purposes?) (is|are) (permitted|allowed)"
    r"|(may|can|are free to|is free to|permitted to|allowed to) [^;]{0,80}"
    r"\bcommercial(ly| purposes?| use)\b"
    r"|including (for )?commercial (use|purposes)"
)
_GRANT = lazy(
    r"permission is hereby granted|royalty[- ]free|no-charge|free of charge|hereby grants?\b"
    r"|grants? (you|to you)\b"
)
_REQUEST = lazy(
    r"(request|obtain|apply for|get|seek|negotiate|need|require|purchase|acquire)s? (a |an |the )?"
    r"(separate |additional |commercial |enterprise |written )?licen[cs]e"
    r"|express (written )?authori[sz]ation|written (consent|permission|approval)|contact (us|our)"
    r"|enterprise (licen[cs]e|agreement)|separate agreement|(must|shall) register"
)
_CONDITION = lazy(
    r"commercial (use|purposes?|licen[cs]e)[^;]{0,80}\b(requires?|subject to|needs?|after|upon|"
    r"contact|request|register|registration|approval|apply)\b"
    r"|(register|registration|apply|contact us|email)[^;]{0,80}\bcommercial"
)
_DISPLAY = lazy(r"\b(display|show|indicate|state|present)\b")
_OUTPUT = lazy(r"\b(outputs?|results?|generated content|generations?)\b")
_IMPROVE = lazy(r"\b(improve|train|training|fine[- ]?tune|distill|develop|create)\b")
_OTHER_MODEL = lazy(
    r"\b(any other|other|another|an?|third[- ]party)\b[^.;]{0,40}\b(models?|llms?|ai models?)\b"
)
_USE_BAN = lazy(
    r"\b(not|never|cannot|can ?not|no right to|prohibited from|agree not to)\b (?:[\w,-]+ ){0,3}"
    r"(use|using|utili[sz]e|leverage|train|improve|distill|be used)\b"
)
_PERMIT = lazy(
    r"\b(if you use|you may|may be used|are permitted|is permitted|are allowed|is allowed|"
    r"free to|you can use)\b"
)
_COMPETING = lazy(r"\bcompet(e|es|ing|itive|itor)\b")
_AUP = lazy(
    r"\b(acceptable|prohibited|responsible) use polic(y|ies)\b|\busage polic(y|ies)\b|\baup\b"
    r"|\buse polic(y|ies)\b"
)
_NAMED_USES = lazy(
    r"\b(military|weapons?|illegal|unlawful|surveillance|harass\w*|discriminat\w*|defam\w*|"
    r"exploit\w* (or harm )?minors|medical advice|law enforcement|disinformation|"
    r"national security|violence|terroris\w*|malware|child sexual)\b"
)
_RESTRICTION_WORDS = lazy(
    r"use[- ]based restrictions|use restrictions|restrictions on use|prohibited uses?\b"
    r"|\battachment a\b|you agree not to use|you (will|shall|must) not use, or allow"
)
_USE_NEG = lazy(
    r"\b(not|never|agree not to|prohibited from|refrain from)\b[^;]{0,60}\b(use|used|using|"
    r"engage|deploy)\b"
)
_RESTRICTION_HINT = ("restrict", "prohibited", "attachment", "not use")
_RESEARCH_HINT = (
    "research",
    "academic",
    "scientific",
    "evaluation",
    "commercial",
    "educational",
    "personal",
)
_LICENSE_HINT = ("license", "licence", "grant")
_DOWNSTREAM = lazy(
    r"(include|impose|pass|flow|enforceable provision|same (use[- ]based )?restrictions|"
    r"notify|bind|subject to)[^;]{0,200}(restrictions|acceptable use|use polic|paragraph 5|"
    r"attachment a|this agreement|this licen[cs]e)"
    r"|(provide|include|give|furnish|deliver) [^;]{0,60}copy of (this|the) (agreement|licen[cs]e)"
    r"|remain subject to this agreement"
)
_DOWNSTREAM_HINT = (
    "restrict",
    "acceptable use",
    "use polic",
    "paragraph 5",
    "attachment a",
    "copy of",
    "subject to this",
)
_ATTRIBUTION = lazy(
    r"(must|shall|will|agree to|you)\b[^;]{0,100}\b(retain|include|give|provide|reproduce|keep "
    r"intact|accompan\w*)\b[^;]{0,160}\b(notice|attribution|credit|copy of (this|the) "
    r"(agreement|licen[cs]e)|identification of the creator)"
    r"|(copyright|permission|attribution) notice[^;]{0,80}\b(shall|must|will) be "
    r"(included|retained|provided)"
    r"|give appropriate credit"
)
_NAMING = lazy(
    r"\b(built with|powered by|improved using|created with|made with)\b"
    r"|\bprominently display\b|\b(names?|titles?)\b[^;]{0,80}\b(begin|start|prefix)\w*\b"
)
_REGIONS = {
    "european union": "European Union",
    "eu": "European Union",
    "european economic area": "European Economic Area",
    "united kingdom": "United Kingdom",
    "uk": "United Kingdom",
    "south korea": "South Korea",
    "republic of korea": "South Korea",
    "china": "China",
    "russia": "Russia",
    "iran": "Iran",
    "north korea": "North Korea",
    "cuba": "Cuba",
    "syria": "Syria",
    "crimea": "Crimea",
    "united states": "United States",
}
_REGION = lazy(r"\b(" + "|".join(sorted(map(re.escape, _REGIONS), key=len, reverse=True)) + r")\b")
_REGION_HINT = (
    "union",
    "kingdom",
    "korea",
    "china",
    "russia",
    "iran",
    "cuba",
    "syria",
    "crimea",
    "states",
    " eu",
    " uk",
    "economic area",
)
_EXCLUDE = lazy(
    r"\b(not|no)\b[^;]{0,60}\b(granted|grant|rights?|licen[cs]e[sd]?|available|apply)\b"
    r"|\bexcluding\b|\bexcept (in|for)\b|\boutside (of )?(the )?|\bdomiciled\b"
    r"|principal place of business|\bterritory\b"
)
_REVOCABLE = lazy(r"(?<!ir)(?<!non-)(?<!non )\brevocable\b")
_IRREVOCABLE = lazy(r"\birrevocable\b|\bnon-?revocable\b")
_LICENSOR_ENDS = lazy(
    r"\b(may|can|reserves? the right to) (at any time )?(terminate|revoke|suspend|restrict)\w*"
    r"|restrict \(remotely"
)
_ENDS_HINT = ("terminat", "revok", "suspend", "restrict")
_PATENT = lazy(
    r"\b(institute|initiate|commence|bring|file)s?\b[^;]{0,240}\b(patent|litigation|lawsuit|"
    r"proceedings?|claim)\b"
)
_TERMINATE = lazy(r"\bterminat\w*|\bend automatically\b|\bcease\b")
_URL = lazy(r"https?://[^\s)\]>\"'`*]+", re.IGNORECASE)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Reading:
    """What one text states, term by term, and the text's own title (if it carries one)."""

    terms: LicenseTerms
    title: str | None = None
    title_line: int | None = None
    version: str | None = None

    @property
    def addressed(self) -> frozenset[str]:
        return frozenset(s.term for s in self.terms.sources if s.line is not None)


class _Found:
    """Values with the clause they rest on, the first citation of each term kept."""

    def __init__(self, d: Doc) -> None:
        self.doc = d
        self.sources: dict[str, TermSource] = {}

    def cite(self, term: str, value: object, s: Sentence, at: int = 0) -> None:
        if term in self.sources:
            return
        line = self.doc.line(s.start + at)
        self.sources[term] = TermSource(term, _show(value), line, _quote(s.text, at))


def read(text: str, first_line: int = 1) -> Reading:
    """The terms a text states, each cited at its clause's line (lines count from
    `first_line`: a block inside a longer file keeps the file's line numbers)."""
    d = doc(text, first_line)
    found = _Found(d)
    title, title_line, version = read_title(d)
    items = sentences(d)

    commercial = _commercial(items, found, title_line)
    mau = _mau(items, found)
    revenue = _revenue(items, found)
    if commercial is None and (mau is not None or revenue is not None):
        # a threshold with only a duty attached (a name to display): the grant decides
        commercial = None
    restrictions, policy_url = _use_restrictions(items, found, d)
    grant = any(_GRANT.search(s.text) for s in items)
    if restrictions is None and grant and "polic" not in (title or "").lower():
        restrictions = False
    downstream = _downstream(items, found, restrictions)
    terms = LicenseTerms(
        commercial_use=commercial or CommercialUse.UNKNOWN,
        mau_threshold=mau,
        revenue_threshold_usd=revenue,
        use_restrictions=restrictions,
        restrictions_downstream=downstream,
        attribution=_attribution(items, found),
        naming=_naming(items, found, d),
        output_training_restricted=_outputs(items, found),
        territory_exclusions=_territory(items, found),
        revocable=_revocable(items, found),
        use_policy_url=policy_url,
        patent_retaliation=_patent(items, found),
        sources=tuple(found.sources[t] for t in TERMS if t in found.sources),
    )
    return Reading(terms, title, title_line, version)


def _has(text: str, keys: tuple[str, ...]) -> bool:
    return any(k in text for k in keys)


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _quote(sentence: str, at: int = 0) -> str:
    if len(sentence) <= _QUOTE_CHARS:
        return sentence
    start = max(0, min(at - 40, len(sentence) - _QUOTE_CHARS))
    cut = sentence[start : start + _QUOTE_CHARS]
    return ("…" if start else "") + cut + "…"


def _commercial(
    items: list[Sentence], found: _Found, title_line: int | None
) -> CommercialUse | None:
    prohibit: tuple[Sentence, int] | None = None
    in_title: tuple[Sentence, int] | None = None
    allow: tuple[Sentence, int] | None = None
    grant: tuple[Sentence, int] | None = None
    condition: tuple[Sentence, int] | None = None
    for i, s in enumerate(items):
        t = s.text
        if "commerc" in t or "research" in t or "production" in t or "academic" in t:
            if _BOTH_USES.search(t) and prohibit is None:
                allow = allow or (s, _BOTH_USES.search(t).start())  # type: ignore[union-attr]
                continue
            m = (
                _NONCOMMERCIAL.search(t)
                or _NOT_COMMERCIAL.search(t)
                or (_ONLY_RESEARCH.search(t) if _grants_or_limits(t) else None)
            )
            if m is not None and not _about_outputs(t, m.start()):
                if title_line is not None and found.doc.line(s.start) == title_line:
                    in_title = in_title or (s, m.start())
                elif prohibit is None:
                    prohibit = (s, m.start())
            a = _ALLOW.search(t)
            if a is not None and not _NEG.search(t) and not _about_outputs(t, a.start()):
                allow = allow or (s, a.start())
            c = _CONDITION.search(t)
            if c is not None:
                condition = condition or (s, c.start())
        money = "revenue" in t or "turnover" in t
        if condition is None and ("monthly" in t or " mau" in t or " month" in t or money):
            window = " ".join(x.text for x in items[i : i + 3])
            if _REQUEST.search(window) and (
                _MAU.search(t) or _MAU_AFTER.search(t) or (money and _MONEY.search(t))
            ):
                condition = (s, 0)
        if grant is None and ("grant" in t or "royalty" in t or "charge" in t):
            g = _GRANT.search(t)
            if g is not None:
                grant = (s, g.start())
    if prohibit is not None:
        found.cite("commercial_use", CommercialUse.PROHIBITED, *prohibit)
        return CommercialUse.PROHIBITED
    if condition is not None:
        found.cite("commercial_use", CommercialUse.CONDITIONAL, *condition)
        return CommercialUse.CONDITIONAL
    if allow is not None or grant is not None:
        chosen = allow or grant
        assert chosen is not None
        found.cite("commercial_use", CommercialUse.ALLOWED, *chosen)
        return CommercialUse.ALLOWED
    if in_title is not None:
        found.cite("commercial_use", CommercialUse.PROHIBITED, *in_title)
        return CommercialUse.PROHIBITED
    return None


def _grants_or_limits(t: str) -> bool:
    """A "research only" phrase counts where it limits a grant or a use, not in a preamble."""
    return bool(re.search(r"licen[cs]e|grant|use|purposes|permitted|may|limited", t))


def _about_outputs(t: str, at: int) -> bool:
    """The phrase speaks of outputs (generated content), not of the model."""
    head = t[max(0, at - 80) : at]
    return bool(re.search(r"\boutputs?\b", head)) and "model" not in head[-30:]


def _mau(items: list[Sentence], found: _Found) -> int | None:
    for s in items:
        if not any(k in s.text for k in ("monthly", "mau", " month")):
            continue
        m = _MAU.search(s.text) or _MAU_AFTER.search(s.text)
        if m is None:
            continue
        value = number_value(m.group("num"), m.group("scale"))
        if value:
            found.cite("mau_threshold", value, s, m.start())
            return value
    return None


def _revenue(items: list[Sentence], found: _Found) -> int | None:
    for s in items:
        if "revenue" not in s.text and "turnover" not in s.text and "sales" not in s.text:
            continue
        r = _REVENUE.search(s.text)
        if r is None:
            continue
        m = _MONEY.search(s.text)
        if m is None:
            continue
        num = m.group("num") or m.group("num2")
        scale = m.group("scale") or m.group("scale2")
        value = number_value(num, scale)
        if not value:
            continue
        if re.search(r"\bmonthly revenue|revenue[^;]{0,30}\b(per|each|a) month", s.text):
            value *= 12
        found.cite("revenue_threshold_usd", value, s, m.start())
        return value
    return None


def _use_restrictions(
    items: list[Sentence], found: _Found, d: Doc
) -> tuple[bool | None, str | None]:
    url: str | None = None
    restricted = False
    for i, s in enumerate(items):
        t = s.text
        a = _AUP.search(t) if ("polic" in t or "aup" in t) else None
        if a is not None:
            restricted = True
            found.cite("use_restrictions", True, s, a.start())
            if url is None:
                url = _url_near(d, s, items[i + 1 : i + 3])
                if url is not None:
                    found.sources["use_policy_url"] = TermSource(
                        "use_policy_url", url, d.line(s.start), _quote(t, a.start())
                    )
            continue
        m = _RESTRICTION_WORDS.search(t) if _has(t, _RESTRICTION_HINT) else None
        if m is None and "not" in t and _USE_NEG.search(t):
            m = _NAMED_USES.search(t)
        if (
            m is None
            and _has(t, _RESEARCH_HINT)
            and _ONLY_RESEARCH.search(t)
            and (_has(t, _LICENSE_HINT) or _DEFINES_NON_COMMERCIAL.search(t))
        ):
            r = _ONLY_RESEARCH.search(t)
            if r is not None and re.search(r"research|academic|scientific|evaluation", r.group()):
                m = r
        if m is not None:
            restricted = True
            found.cite("use_restrictions", True, s, m.start())
    return (True if restricted else None), url


def _url_near(d: Doc, s: Sentence, after: list[Sentence]) -> str | None:
    first = d.line(s.start)
    last = d.line(after[-1].start) if after else first
    for number in range(first, min(last, first + 3) + 1):
        m = _URL.search(d.raw_line(number))
        if m is not None:
            return m.group(0).rstrip(".,;:")
    return None


def _downstream(items: list[Sentence], found: _Found, restricted: bool | None) -> bool | None:
    if restricted is False:
        return False
    if not restricted:
        return None
    for s in items:
        if not _has(s.text, _DOWNSTREAM_HINT):
            continue
        m = _DOWNSTREAM.search(s.text)
        if m is not None:
            found.cite("restrictions_downstream", True, s, m.start())
            return True
    return None


def _attribution(items: list[Sentence], found: _Found) -> bool | None:
    for s in items:
        if "notice" not in s.text and "credit" not in s.text and "copy of" not in s.text:
            continue
        if not re.search(r"must|shall|will|agree|you|be included|appropriate", s.text):
            continue
        m = _ATTRIBUTION.search(s.text)
        if m is not None:
            found.cite("attribution", True, s, m.start())
            return True
    return None


_NAMING_HINT = (
    "built with",
    "powered by",
    "improved using",
    "created with",
    "made with",
    "display",
    "begin",
    "start",
    "prefix",
)
_QUOTED = lazy(r"[\"“]([^\"”]{2,60})[\"”]")


def _naming(items: list[Sentence], found: _Found, d: Doc) -> str | None:
    parts: list[str] = []
    first: tuple[Sentence, int] | None = None
    for s in items:
        if not _has(s.text, _NAMING_HINT):
            continue
        m = _NAMING.search(s.text)
        if m is None:
            continue
        raw = " ".join(d.raw_line(n) for n in range(d.line(s.start), d.line(s.start) + 2))
        quoted = [q for q in _QUOTED.findall(raw) if len(q.split()) <= 6]
        if re.search(r"begin|start|prefix", m.group()):
            name = next(
                (q for q in quoted if not re.search(r"built with|powered by", q, re.I)), None
            )
            parts.append(f'names start with "{name}"' if name else "names must carry a prefix")
        else:
            shown = next((q for q in quoted if len(q) < 50), None)
            parts.append(f'display "{shown}"' if shown else "display the model's name")
        first = first or (s, m.start())
        if len(parts) >= 2:
            break
    if not parts or first is None:
        return None
    value = "; ".join(dict.fromkeys(parts))
    found.cite("naming", value, *first)
    return value


def _outputs(items: list[Sentence], found: _Found) -> bool | None:
    permitted: Sentence | None = None
    competing: Sentence | None = None
    for s in items:
        t = s.text
        if "model" not in t and "llm" not in t:
            continue
        if not (_OUTPUT.search(t) and _IMPROVE.search(t) and _OTHER_MODEL.search(t)):
            continue
        if _USE_BAN.search(t):
            if _COMPETING.search(t):
                competing = competing or s
                continue
            found.cite("output_training_restricted", True, s, _OUTPUT.search(t).start())  # type: ignore[union-attr]
            return True
        if _PERMIT.search(t) and not re.search(r"\b(shall )?means?\b", t):
            permitted = permitted or s
    if permitted is not None:
        found.cite("output_training_restricted", False, permitted)
        return False
    if competing is not None:  # a ban on competing models only: noted, not a general ban
        found.sources["output_training_restricted"] = TermSource(
            "output_training_restricted",
            "only for competing models",
            found.doc.line(competing.start),
            _quote(competing.text),
        )
    return None


def _territory(items: list[Sentence], found: _Found) -> tuple[str, ...]:
    regions: list[str] = []
    for s in items:
        t = s.text
        if not _has(t, _REGION_HINT):
            continue
        if not _REGION.search(t) or not _EXCLUDE.search(t):
            continue
        if "governed by" in t or "laws of" in t or "courts" in t or "jurisdiction" in t:
            continue
        hits = list(_REGION.finditer(t))
        named = [_REGIONS[m.group(1)] for m in hits]
        if not named:
            continue
        regions += named
        found.cite("territory_exclusions", tuple(dict.fromkeys(named)), s, hits[0].start())
    return tuple(dict.fromkeys(regions))


def _revocable(items: list[Sentence], found: _Found) -> bool | None:
    irrevocable: Sentence | None = None
    for s in items:
        t = s.text
        m = _LICENSOR_ENDS.search(t) if _has(t, _ENDS_HINT) else None
        if m is not None and not re.search(r"\byou(r)?\b[^,;]{0,12}$", t[: m.start()]):
            found.cite("revocable", True, s, m.start())
            return True
        r = _REVOCABLE.search(t) if "revocable" in t else None
        if r is not None and _has(t, _LICENSE_HINT):
            found.cite("revocable", True, s, r.start())
            return True
        if (
            irrevocable is None
            and "revocable" in t
            and _IRREVOCABLE.search(t)
            and "patent" not in t
        ):
            irrevocable = s
    if irrevocable is not None:
        found.cite("revocable", False, irrevocable)
        return False
    return None


def _patent(items: list[Sentence], found: _Found) -> bool | None:
    for i, s in enumerate(items):
        t = s.text
        if not ("patent" in t or "infring" in t):
            continue
        m = _PATENT.search(t)
        if m is None:
            continue
        window = t + " " + (items[i + 1].text if i + 1 < len(items) else "")
        if _TERMINATE.search(window):
            found.cite("patent_retaliation", True, s, m.start())
            return True
    return None


# --------------------------------------------------------------------------- titles

_TITLE_WORDS = lazy(
    r"\b(licen[cs]e|agreement|terms of (use|service)|terms and conditions|use polic(y|ies)|"
    r"usage polic(y|ies)|public license|open ?rail[+-]*\w*)\b|\battribution[- ][a-z-]*\s?\d\.\d\b"
)
_EXPLICIT_VERSION = lazy(r"\bv(?:ersion)?\s*(\d+(?:\.\d+)*)\b")
_VERSION = lazy(r"\b(?:v|version\s*)?(\d+(?:\.\d+)*[a-z]?)\b")


def read_title(d: Doc) -> tuple[str | None, int | None, str | None]:
    """The text's own title: the first short line near the top that names a license or a
    policy, with its line and the version it carries."""
    seen = 0
    for i, start in enumerate(d.offsets):
        end = d.offsets[i + 1] if i + 1 < len(d.offsets) else len(d.flat)
        line = d.flat[start:end].strip()
        seen += 1
        if seen > 6:
            break
        if not line or len(line) > 120 or re.fullmatch(r"[-=_*#\s]+", line):
            continue
        if re.match(r"[a-z_]+: ", line):  # YAML front matter of a card
            continue
        m = _TITLE_WORDS.search(line)
        if m is None:
            continue
        if line.endswith(".") and len(line.split()) > 12:
            continue
        if _continues_paragraph(d, d.numbers[i]):
            continue
        raw = d.raw_line(d.numbers[i]).strip().strip("#*_ \t")
        v = _EXPLICIT_VERSION.search(line) or _VERSION.search(line)
        version = v.group(1) if v and not re.fullmatch(r"(19|20)\d\d", v.group(1)) else None
        if version is None and i + 1 < len(d.offsets):  # "Version 2.1" under the title
            below = d.flat[d.offsets[i + 1] : d.offsets[i + 1] + 60]
            nv = _EXPLICIT_VERSION.match(below.strip())
            version = nv.group(1) if nv else None
        return " ".join(raw.split()) or line, d.numbers[i], version
    return None, None, None


def _continues_paragraph(d: Doc, number: int) -> bool:
    """A line wrapped from a long line above it ('...supplied to you by Apple / Inc. in
    consideration of your agreement') is the middle of a sentence, not a title."""
    above = d.raw_line(number - 1).strip() if number > 1 else ""
    return len(above) > 60 and not above.endswith((".", ":", ";", "!", "?", ")"))


# --------------------------------------------------------------------------- the cross-check

#: terms compared with a catalog profile (the others are shown, never called a conflict)
COMPARED = (
    "commercial_use",
    "mau_threshold",
    "revenue_threshold_usd",
    "use_restrictions",
    "output_training_restricted",
    "territory_exclusions",
)


#: terms whose appearance in a catalogued text that did not state them is a change
_ADDED: tuple[str, ...] = (
    "mau_threshold",
    "revenue_threshold_usd",
    "output_training_restricted",
    "territory_exclusions",
)


def value_of(terms: LicenseTerms, term: str) -> object:
    value = getattr(terms, term)
    if term == "commercial_use" and value is CommercialUse.UNKNOWN:
        return None
    if term == "territory_exclusions" and not value:
        return None
    return value


def compare(profile: LicenseTerms, reading: Reading, stated: frozenset[str]) -> list[TermSource]:
    """Every term where the text says something else than the catalog profile, cited.

    A term the text does not address is no conflict, unless the catalogued text states it
    (`stated`): then the clause was removed.
    """
    out: list[TermSource] = []
    sources = {s.term: s for s in reading.terms.sources if s.line is not None}
    for term in COMPARED:
        catalogued = value_of(profile, term)
        found = value_of(reading.terms, term)
        if found is None:
            if catalogued is not None and term in stated:
                out.append(
                    TermSource(term, "not stated", None, "clause not found", _show(catalogued))
                )
            continue
        if stated and term in _ADDED and term not in stated:
            # the catalogued text does not state it (its stated terms are known): an added clause
            src = sources.get(term)
            line, quote = (src.line, src.quote) if src else (None, "")
            out.append(TermSource(term, _show(found), line, quote, "not in the catalogued text"))
            continue
        if catalogued is None and not (
            term == "output_training_restricted" and found is True or term == "territory_exclusions"
        ):
            continue  # the profile leaves it open: only an added restriction is news
        if _same(term, catalogued, found):
            continue
        src = sources.get(term)
        out.append(
            TermSource(
                term,
                _show(found),
                src.line if src else None,
                src.quote if src else "",
                "not addressed" if catalogued is None else _show(catalogued),
            )
        )
    return out


def _same(term: str, catalogued: object, found: object) -> bool:
    if term == "territory_exclusions":
        return (
            catalogued is None
            and not found
            or bool(catalogued) == bool(found)
            and _regions(catalogued) == _regions(found)
        )
    return catalogued == found


def _regions(value: object) -> frozenset[str]:
    if not isinstance(value, tuple):
        return frozenset()
    out = set()
    for v in value:
        out |= {_REGIONS[m.group(1)] for m in _REGION.finditer(str(v).lower())}
    return frozenset(out)


def merged(profile: LicenseTerms, reading: Reading) -> LicenseTerms:
    """An identified text's terms: what it states, and the profile for what it does not
    address (cited as the catalog profile, line None)."""
    read_terms = reading.terms
    data: dict[str, object] = {}
    sources = list(read_terms.sources)
    addressed = {s.term for s in sources}
    for term in TERMS:
        found = getattr(read_terms, term)
        if term in addressed or value_of(read_terms, term) is not None:
            data[term] = found
            continue
        data[term] = getattr(profile, term)
        if value_of(profile, term) is not None:
            sources.append(TermSource(term, _show(getattr(profile, term)), None, "catalog profile"))
    order = {t: i for i, t in enumerate(TERMS)}
    sources.sort(key=lambda s: order.get(s.term, 99))
    return replace(profile, **data, sources=tuple(sources))  # type: ignore[arg-type]


def iter_terms(terms: LicenseTerms) -> Iterator[tuple[str, object]]:
    for term in TERMS:
        yield term, getattr(terms, term)


def annotated(terms: LicenseTerms, differences: list[TermSource], note: str) -> LicenseTerms:
    """The terms read from a text, each source that differs from the catalog carrying the
    catalogued value (and removed clauses listed), with a note."""
    by_term = {d.term: d for d in differences}
    sources = [by_term.pop(s.term, s) if s.line is not None else s for s in terms.sources]
    return replace(terms, note=note, sources=tuple(sources) + tuple(by_term.values()))

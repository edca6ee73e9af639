"""Frozen values that flow between the stages: sources -> readers -> evidence -> ratings."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import field
from enum import IntEnum, StrEnum

from .record import Record, record

SCHEMA_ID = "openness.assessment/1"

JSONScalar = str | int | float | bool | None
JSONValue = JSONScalar | tuple["JSONValue", ...]


class Severity(IntEnum):
    """Ordered: a threshold compares with >=."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {text!r}; choose one of {names}") from None


class Confidence(StrEnum):
    """How sure a fact is: read from a structured field, inferred from text, or guessed."""

    CERTAIN = "certain"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Level(StrEnum):
    OPEN = "open"
    PARTIAL = "partial"
    CLOSED = "closed"
    UNKNOWN = "unknown"


class Attribute(StrEnum):
    """The five attributes of openness."""

    OPEN_CODE = "open_code"
    OPEN_LICENSE = "open_license"
    INPUTS_TRANSPARENCY = "inputs_transparency"
    THREATS_TRANSPARENCY = "threats_transparency"
    OPEN_STANDARDS = "open_standards"

    @property
    def label(self) -> str:
        return _ATTRIBUTE_TITLES[self]


_ATTRIBUTE_TITLES = {
    Attribute.OPEN_CODE: "Open code",
    Attribute.OPEN_LICENSE: "Open license",
    Attribute.INPUTS_TRANSPARENCY: "Transparency of inputs (data, weights)",
    Attribute.THREATS_TRANSPARENCY: "Transparency of threats and mitigations",
    Attribute.OPEN_STANDARDS: "Open standards and interoperability",
}


@record
class Location(Record):
    """Where a reader can check a claim: a file plus a line, a byte offset or a key."""

    file: str
    line: int | None = None
    offset: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        text = self.file or "(release)"
        if self.line is not None:
            text += f":{self.line}"
        if self.offset is not None:
            text += f"@{self.offset}"
        if self.key is not None:
            text += f"#{self.key}"
        return text


@record
class Evidence(Record):
    """A fact with its provenance. `fact` is a dotted name such as `card.license`."""

    fact: str
    value: JSONValue
    location: Location
    confidence: Confidence = Confidence.CERTAIN
    note: str = ""


@record
class Finding(Record):
    """A problem found in the release. Rule ids are stable and never change meaning."""

    rule_id: str
    severity: Severity
    reason: str
    location: Location
    trigger: str = ""
    docs: str = ""


@record
class Origin(Record):
    """Where the release came from."""

    kind: str  # "folder" | "file" | "archive" | later "hub"
    target: str
    path: str
    revision: str | None = None


@record
class Member(Record):
    """A file as a source lists it, before it is read."""

    path: str
    size: int


@record
class FileEntry(Record):
    """One file of the release: path, size, detected format and (when hashed) SHA-256."""

    path: str
    size: int
    format: str
    sha256: str | None = None


@record
class DtypeCount(Record):
    """How many parameters a weight file stores in one dtype."""

    dtype: str
    parameters: int


@record
class TensorInfo(Record):
    """One tensor as a header declares it. Kept in memory for cross-checks, not in reports."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    storage: str | None = None  # tensors sharing a storage count once
    #: absolute file offset of the tensor's contiguous row-major bytes, when the reader
    #: located them (lineage samples values there); None when unknown or not contiguous
    data_offset: int | None = field(default=None, compare=False)

    @property
    def numel(self) -> int:
        return math.prod(self.shape)


@record
class Artifact(Record):
    """What a reader learned about one file."""

    path: str
    format: str
    parameters: int | None = None
    tensors: int | None = None
    dtypes: tuple[DtypeCount, ...] = ()
    architecture: str | None = None
    complete: bool = True
    note: str = ""


@record
class ReaderResult(Record):
    """A reader's output: the artifact summary, evidence, findings and (in memory only) tensors."""

    artifact: Artifact
    evidence: tuple[Evidence, ...] = ()
    findings: tuple[Finding, ...] = ()
    tensors: tuple[TensorInfo, ...] = field(default=(), compare=False, repr=False)


@record
class Section(Record):
    """A model-card section mapped to a canonical topic."""

    topic: str
    heading: str
    line: int
    words: int


@record
class Link(Record):
    """A link from the card, classified by what it points at."""

    kind: str  # paper | code | dataset | model | other
    url: str
    location: Location


class LicenseCategory(StrEnum):
    """How open a license is, open to closed; `none` means no license was stated anywhere,
    `unknown` that one was stated (or a text found) but could not be named."""

    OPEN_SOURCE = "open-source"
    OPEN_CONTENT = "open-content"
    RESTRICTED = "restricted"
    NONCOMMERCIAL = "noncommercial"
    PROPRIETARY = "proprietary"
    NONE = "none"
    UNKNOWN = "unknown"

    @property
    def is_open(self) -> bool:
        return self in (LicenseCategory.OPEN_SOURCE, LicenseCategory.OPEN_CONTENT)


class CommercialUse(StrEnum):
    """What a license says about commercial use, strictest first (`unknown` before `allowed`)."""

    PROHIBITED = "prohibited"
    CONDITIONAL = "conditional"
    UNKNOWN = "unknown"
    ALLOWED = "allowed"


class LicenseKind(StrEnum):
    LICENSE = "license"
    USE_POLICY = "use-policy"


class LicenseScope(StrEnum):
    """What a license file speaks for; a license without a scope covers the whole release."""

    CODE = "code"
    MODEL = "model"
    #: a third-party license a license file includes after its own: it binds the code it came
    #: with, not the release
    THIRD_PARTY = "third-party"


class MatchStatus(StrEnum):
    """How one sighting of a license was named."""

    IDENTIFIED = "identified"
    MODIFIED = "modified"  # resembles a known license but differs
    UNKNOWN = "unknown"


class VerdictStatus(StrEnum):
    """How sure the release's one license verdict is."""

    IDENTIFIED = "identified"  # every source that names a license agrees
    CONFLICT = "conflict"  # card and a license file disagree: the strictest reading is shown
    MODIFIED = "modified"  # a license file resembles a known license but differs
    UNKNOWN = "unknown"  # a license is stated but could not be named
    NONE = "none"  # no license stated anywhere


@record
class TermSource(Record):
    """Where one term was read: the clause's line and a short quote of it (a person can check
    it), or `line` None when the value comes from the catalog profile, not from the text.

    `catalogued` is set when the text says something else than the catalog profile of the
    license it resembles: the profile's value, for a "modified" finding.
    """

    term: str
    value: str
    line: int | None
    quote: str = ""
    catalogued: str | None = None


@record
class LicenseTerms(Record):
    """What a license lets anyone do; None means the license does not address it (or unknown).

    `sources` cites, term by term, the clause each value was read from (see TermSource).
    """

    commercial_use: CommercialUse = CommercialUse.UNKNOWN
    mau_threshold: int | None = None
    revenue_threshold_usd: int | None = None
    use_restrictions: bool | None = None
    restrictions_downstream: bool | None = None
    attribution: bool | None = None
    naming: str | None = None
    output_training_restricted: bool | None = None
    territory_exclusions: tuple[str, ...] = ()
    revocable: bool | None = None
    note: str = ""
    use_policy_url: str | None = None
    patent_retaliation: bool | None = None
    sources: tuple[TermSource, ...] = ()


@record
class LicenseCandidate(Record):
    """A catalog license a text resembles, with how much of it the text covers (0-1)."""

    id: str
    name: str
    score: float


@record
class LicenseInfo(Record):
    """The release's one license verdict (see licenses/verdict.py), read by every report.

    `declared` is what the card says; `spdx` the SPDX expression of the verdict (None when it
    has none); `id` the verdict's id, an SPDX expression or a LicenseRef id; `terms` the terms
    that bind the model (the strictest of every license that applies); `status` says whether
    the sources agree, and `note` names the conflict or doubt when they do not.
    """

    declared: str | None
    spdx: str | None
    name: str | None
    osi_approved: bool | None
    category: LicenseCategory
    evidence: tuple[Evidence, ...] = ()
    id: str | None = None
    status: VerdictStatus = VerdictStatus.UNKNOWN
    terms: LicenseTerms | None = None
    note: str = ""

    @classmethod
    def not_assessed(cls) -> LicenseInfo:
        """What `scan` (security only, no license machinery loaded) puts where the verdict goes."""
        return cls(None, None, None, None, LicenseCategory.UNKNOWN, note="not assessed by scan")


@record(kw_only=True)
class DetectedLicense(Record):
    """One license (or use policy) found in one place of a release.

    `status` is `identified`, `modified` (resembles `candidates` but differs) or `unknown`;
    `via` says how: card-metadata, spdx-expression, text, title, notice, pointer, url.
    """

    id: str  # SPDX id, LicenseRef-<key>, or "unknown"
    name: str
    version: str | None
    spdx: str | None
    hf_id: str | None
    confidence: float
    osi_approved: bool | None
    category: LicenseCategory
    kind: LicenseKind
    status: MatchStatus
    via: str
    source: Location
    scope: LicenseScope | None = None  # None: the whole release
    scancode: str | None = None
    terms: LicenseTerms = LicenseTerms()
    candidates: tuple[LicenseCandidate, ...] = ()
    also_in: tuple[Location, ...] = ()


@record
class MemoryEstimate(Record):
    """Memory to hold the weights at a given precision (weights only, no activations)."""

    bits: int
    bytes: int


@record
class Rating(Record):
    """One attribute's level, why, and the evidence behind it."""

    attribute: Attribute
    level: Level
    rationale: str
    evidence: tuple[Evidence, ...] = ()
    #: the places read that it rests on (see PlaceRead): where its evidence lies, or every place
    #: read when it rests on absence
    places: tuple[str, ...] = ()


@record
class Summary(Record):
    """Release-wide facts: parameters, formats, architecture, memory."""

    parameters: int | None
    formats: tuple[str, ...]
    architecture: str | None
    memory: tuple[MemoryEstimate, ...]


@record
class ComponentResult(Record):
    """One component, checklist item, parameter or indicator of an openness framework.

    `status` uses the framework's own words (MOF: open/restricted/claimed/absent; OSAID:
    pass/fail; EU index: open/partial/closed; FMTI: met/not met/not checkable).
    """

    id: str
    title: str
    status: str
    rationale: str
    group: str = ""
    evidence: tuple[Evidence, ...] = ()
    #: the places read that it rests on, as for Rating.places
    places: tuple[str, ...] = ()


@record
class ClassProgress(Record):
    """Progress toward one class of a framework; reached only when nothing required is missing."""

    name: str
    reached: bool
    met: int
    required: int
    missing: tuple[str, ...] = ()


@record
class FrameworkResult(Record):
    """A release rated against one published openness framework (see docs/frameworks.md)."""

    framework: str  # mof | osaid | osai-index | fmti
    title: str
    version: str
    verdict: str
    components: tuple[ComponentResult, ...] = ()
    classes: tuple[ClassProgress, ...] = ()


#: notebook views of an Assessment by MIME type. Reports live downstream of this module (formats/),
#: so openness.notebook registers them; pipeline and serialize, which make Assessments, import it
DISPLAYS: dict[str, Callable[[Assessment], str]] = {}


@record
class PlaceRead(Record):
    """One place of a release that was read: the folder or repository itself, one checkout in a
    folder of several (`OWNER+NAME/`), a manifest's named place, a followed link. `prefix` is
    what the paths of its files start with in this assessment ("" for the release itself)."""

    name: str
    kind: str  # folder | file | archive | git | hub | manifest | checkout | link
    target: str
    role: str  # release | checkout | code | weights | training | data | docs | paper | linked
    prefix: str = ""
    revision: str | None = None
    files: int = 0
    documents: tuple[str, ...] = ()


@record
class Assessment(Record):
    """Everything openness found about one release; serialised as openness.assessment/1."""

    schema: str
    tool_version: str
    origin: Origin
    summary: Summary
    license: LicenseInfo
    ratings: tuple[Rating, ...]
    findings: tuple[Finding, ...]
    artifacts: tuple[Artifact, ...]
    files: tuple[FileEntry, ...]
    sections: tuple[Section, ...]
    links: tuple[Link, ...]
    evidence: tuple[Evidence, ...]
    complete: bool
    incomplete: tuple[str, ...] = ()
    #: every license and use policy found, one object per license (see DetectedLicense)
    licenses: tuple[DetectedLicense, ...] = ()
    #: the release rated against openness frameworks (MOF, OSAID, EU index, FMTI)
    frameworks: tuple[FrameworkResult, ...] = ()
    #: every place read (every rating reads all of them; its evidence names the files)
    places: tuple[PlaceRead, ...] = ()

    def max_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

    def _repr_html_(self) -> str | None:
        """Jupyter shows the HTML report, verdict first (see openness.notebook)."""
        view = DISPLAYS.get("text/html")
        return view(self) if view is not None else None

    def _repr_markdown_(self) -> str | None:
        view = DISPLAYS.get("text/markdown")
        return view(self) if view is not None else None

    def rating(self, attribute: Attribute) -> Rating:
        for r in self.ratings:
            if r.attribute is attribute:
                return r
        raise KeyError(attribute)

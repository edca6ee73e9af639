"""Which license speaks for which kind of component: code, weights, data, documentation.

A license file in a repository of code and documents is the code's; one named for the model
(`LICENSE-MODEL`) or in a model release (weights, or a card that declares a license) covers the
weights and the model's own files; README sentences scope a license to what they name. The
frameworks and the five attributes read the result, `fw.license.scope.<kind>`, so that no
rating of weights, data or documentation rests on a code-only license.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..model import DetectedLicense, Evidence, FileEntry, Location

OPEN_CATEGORIES = ("open-source", "open-content")


def scoped_license_facts(
    evidence: Sequence[Evidence], files: Sequence[FileEntry], licenses: Sequence[DetectedLicense]
) -> Iterable[Evidence]:
    """`fw.license.scope.<kind>` = `open` | `restricted`, at the license or sentence that speaks
    for that kind of component (code, weights, data, documentation); no fact when nothing read
    does, so a component found without one is "present, license unknown", never credited with
    another component's license. For weights, data and documentation a restrictive license wins
    over an open one; a code license stays the code's beside a restrictive model license.

    - code: an OSI-approved license scoped to the code or covering the release, or a sentence
      about the code; restricted when the only licenses covering it are not open.
    - weights: `fw.license.weights_open` / `_restricted` (license files that cover the weights,
      sentences about the weights).
    - documentation: the license files of a model release (weights, or a card that declares a
      license), which cover its card; not sentences about the weights alone.
    - data: sentences about the data, and the license files that cover the model's own files
      when the data lies among them."""
    # a third-party license a license file includes binds the code it came with, not the release
    licenses = [lic for lic in licenses if lic.scope != "third-party"]
    by_fact: dict[str, list[Evidence]] = {}
    for e in evidence:
        by_fact.setdefault(e.fact, []).append(e)

    def statements(kind: str, level: str) -> list[Evidence]:
        return [e for e in by_fact.get("doc.license_statement", []) if e.value == f"{kind}:{level}"]

    # the model's own files (its card, its data) are under the license of a model release; in
    # a repository of code and documents even a LICENSE-MODEL speaks only for the weights
    model_release = is_model_release(evidence, files)
    own_files = [
        lic
        for lic in licenses
        if lic.kind == "license" and model_release and lic.scope in (None, "model")
    ]
    files_open = [_cite(lic) for lic in own_files if open_unrestricted(lic)]
    files_restricted = [_cite(lic) for lic in own_files if not open_unrestricted(lic)]

    code_open = [_cite(lic) for lic in code_licenses(licenses)]
    # a code place's own license (a manifest's `code` place), as its source reports it
    seen = {e.location for e in code_open}
    code_open += [
        replace(e, note=str(e.value))
        for e in by_fact.get("fw.license.code", [])
        if isinstance(e.value, str) and e.location not in seen
    ]
    code_open += statements("code", "open")
    # an unidentified license restricts nothing we can name: the code's license stays unknown
    code_restricted = statements("code", "restricted") + [
        _cite(lic)
        for lic in licenses
        if lic.kind == "license"
        and lic.scope != "model"
        and lic.status == "identified"
        and not open_unrestricted(lic)
    ]
    data_in_release = "file.role.dataset" in by_fact or "file.role.evaluation_data" in by_fact
    scoped = {
        "code": (code_open, [] if code_open else code_restricted),
        "weights": (
            by_fact.get("fw.license.weights_open", []),
            by_fact.get("fw.license.weights_restricted", []),
        ),
        "documentation": (files_open, files_restricted),
        "data": (
            statements("data", "open") + (files_open if data_in_release else []),
            statements("data", "restricted") + (files_restricted if data_in_release else []),
        ),
    }
    for kind, (open_, restricted) in scoped.items():
        level, cited = ("restricted", restricted) if restricted else ("open", open_)
        for e in dict.fromkeys(cited):
            yield replace(e, fact=f"fw.license.scope.{kind}", value=level, note=_named(e))


def _cite(lic: DetectedLicense) -> Evidence:
    name = lic.id if lic.status == "identified" else f"{lic.status} license"
    return Evidence("license", name, lic.source, note=name)


def _named(e: Evidence) -> str:
    """What the license is: its id, or the sentence that states it and what it scopes it to
    (`weights:restricted: the model weights are licensed under the Model License`)."""
    value = str(e.value)
    if value.split(":")[0] in ("code", "weights", "data"):
        return f"{value}: {e.note}" if e.note else value
    return value.split(" (")[0]  # `LicenseRef-x (restricted)`: the id


def weights_license_facts(
    evidence: Sequence[Evidence], files: Sequence[FileEntry], licenses: Sequence[DetectedLicense]
) -> Iterable[Evidence]:
    """`fw.license.weights_open` / `fw.license.weights_restricted`: a license that covers the
    weights. A license file speaks for the weights when its name says so (LICENSE-MODEL) or when
    the release holds weights or a card that declares a license; in a release of code and
    documents only, a plain LICENSE is the code's license and says nothing about the weights.
    README sentences that scope a license to the weights (`doc.license_statement`) count too."""
    model_release = is_model_release(evidence, files)
    if model_release:  # the binding license (`license.category`) then covers the weights
        weight = next((e for e in evidence if e.fact == "weights.present"), None)
        declared = next((e for e in evidence if e.fact == "card.license"), None)
        where = (weight or declared or Evidence("", None, Location(""))).location
        yield Evidence("fw.release.model", True, where)
    covering = 0
    for lic in licenses:
        if lic.kind != "license":
            continue
        covers_weights = lic.scope == "model" or (lic.scope is None and model_release)
        if not covers_weights:
            continue
        covering += 1
        if open_unrestricted(lic):
            yield Evidence("fw.license.weights_open", lic.id, lic.source, note=lic.name)
        else:
            yield Evidence(
                "fw.license.weights_restricted",
                f"{lic.id} ({lic.category})"
                if lic.status == "identified"
                else f"{lic.status} license",
                lic.source,
                note=lic.name,
            )
    statements = [
        e
        for e in evidence
        if e.fact == "doc.license_statement" and e.value in ("weights:open", "weights:restricted")
    ]
    for e in statements:
        suffix = "open" if e.value == "weights:open" else "restricted"
        yield replace(e, fact=f"fw.license.weights_{suffix}")
    code_licenses = [lic for lic in licenses if lic.kind == "license"]
    if code_licenses and not covering and not statements:
        first = code_licenses[0]
        yield Evidence(
            "fw.license.code_only",
            first.id,
            first.source,
            note="a release of code and documents: its license files speak for the code",
        )
    yield from model_card_facts(evidence, model_release)


def model_card_facts(evidence: Sequence[Evidence], model_release: bool) -> Iterable[Evidence]:
    """`fw.card.model_card` (path): the model card read, a document that is one by its name or
    front matter (a repository's README is not), or the card of a model release. `fw.card.sole`:
    it is the only model card read and the one whose sections the `card.*` facts come from, so
    what those sections lack the release's card lacks."""
    cards = [e for e in evidence if e.fact == "doc.model_card"]
    sectioned = next((e for e in evidence if e.fact == "card.present"), None)
    if not cards and model_release and sectioned is not None:
        cards = [sectioned]
    if not cards:
        return
    yield replace(cards[0], fact="fw.card.model_card", value=cards[0].location.file)
    paths = {e.location.file for e in cards}
    if sectioned is not None and paths == {sectioned.location.file}:
        yield replace(cards[0], fact="fw.card.sole", value=cards[0].location.file)


def is_model_release(evidence: Sequence[Evidence], files: Sequence[FileEntry]) -> bool:
    """A release of a model (weights, or a card that declares a license as Hub cards do), as
    opposed to a folder of code and documents. Weights as `rubrics/derive.py` reads them
    (`weights.present`): a small NumPy table beside the code (a mel filter bank) is none."""
    return any(e.fact in ("weights.present", "card.license") for e in evidence)


def code_licenses(licenses: Sequence[DetectedLicense]) -> list[DetectedLicense]:
    """The licenses that speak for the release's code. A license file named after another
    project (`openclip_LICENSE`, `LICENSE-thirdparty`) covers the portion taken from it, not
    the release's code, when the release has a license file of its own (`LICENSE`)."""
    own = any(
        lic.kind == "license" and _PLAIN_LICENSE.match(posixpath.basename(lic.source.file or ""))
        for lic in licenses
    )
    return [
        lic
        for lic in licenses
        if speaks_for_code(lic)
        and not (own and _OTHER_PROJECTS.match(posixpath.basename(lic.source.file or "")))
    ]


_PLAIN_LICENSE = re.compile(r"^(licen[cs]e|copying)(\.(txt|md|rst))?$", re.I)
_KINDS = r"(code|source|software|models?|weights?\w*|data|datasets?|docs?|documentation)"
_OTHER_PROJECTS = re.compile(
    rf"^((?!{_KINDS}[_.-])[\w.-]+[_-](licen[cs]e|copying)|(licen[cs]e|copying)[_.-](?!{_KINDS}\b)"
    r"(?!(txt|md|rst)$)[\w.-]+)$",
    re.I,
)


def speaks_for_code(lic: DetectedLicense) -> bool:
    """An identified OSI-approved license, not scoped to the model, that is scoped to the code
    or restricts nothing (a code license stays one beside a restrictive model license)."""
    return (
        lic.kind == "license"
        and lic.scope != "model"
        and lic.osi_approved is True
        and lic.status == "identified"
        and (lic.scope == "code" or open_unrestricted(lic))
    )


def open_unrestricted(lic: DetectedLicense) -> bool:
    terms = lic.terms
    return (
        lic.status == "identified"
        and lic.category in OPEN_CATEGORIES
        and not terms.use_restrictions
        and terms.commercial_use not in ("conditional", "prohibited")
    )

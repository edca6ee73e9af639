"""Facts the framework files read, derived from the evidence and the file list.

Every derived fact keeps the location of what it comes from: a file path for `file.role.*`, the
license that sets a term for `fw.license.*`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..documents.license_sentences import per_model_statements, superseded_statements
from ..lazy_re import lazy
from ..model import DetectedLicense, Evidence, FileEntry, Location
from ..readers import detect
from .license_scope import (
    OPEN_CATEGORIES,
    code_licenses,
    scoped_license_facts,
    weights_license_facts,
)

_CODE = r"\.(py|ipynb|sh|c|cpp|cu|rs|js|ts|go|jl|r)$"
_DATA = r"\.(jsonl|csv|tsv|parquet|arrow|txt|json)$"
_NAME = r"(^|/)[^/]*"

#: role -> pattern on the lower-cased path; first match wins, so the specific roles come first
FILE_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern))
    for role, pattern in (
        (
            "dependencies",
            r"(^|/)(requirements[^/]*\.txt|pyproject\.toml|setup\.py|"
            r"environment\.ya?ml|pipfile|poetry\.lock|uv\.lock)$",
        ),
        ("data_card", _NAME + r"(data[_-]?card|datasheet|dataset[_-]?card)[^/]*\.(md|pdf|txt)$"),
        ("technical_report", _NAME + r"(tech(nical)?[_-]?report)[^/]*\.(pdf|md|tex|html)$"),
        ("research_paper", _NAME + r"(paper|preprint|arxiv)[^/]*\.(pdf|tex|md|html)$"),
        (
            "preprocessing_code",
            _NAME + r"(preprocess|prepare|prep_|data_prep|tokeni[sz]|clean|"
            r"dedup|filter|generate_(instructions?|data|dataset|prompts?|questions?|samples)\b|"
            r"synthetic)[^/]*" + _CODE,
        ),
        ("evaluation_code", _NAME + r"(eval|benchmark)[^/]*" + _CODE),
        (
            "training_code",
            # `pretrained.py` lists pretrained weights to download: it does not train
            r"(^|/)((run_)?(train(?!ed)|training|finetune|fine_tune|pretrain(?!ed)|sft|trainer)"
            r"[^/]*" + _CODE + r"|(train|training|pretrain|pretraining)/[^/]+" + _CODE + ")",
        ),
        (
            "inference_code",
            r"(" + _NAME + r"(infer|(?<![a-z])generat|predict|serve|demo|chat|pipeline|modeling_)"
            r"[^/]*|(^|/)(inference|sampling|serving|demos?)/([^/]+/)*[^/]+)" + _CODE,
        ),
        (
            "sample_outputs",
            # "sample_text.txt" fed to a data script is sample input, not the model's output
            r"(^|/)(samples?|sample_outputs|outputs|generations)(/|[_.-])"
            r"(?!(text|inputs?|data|prompts?|questions?)[_.-])[^/]*"
            r"\.(txt|md|jsonl|json|png|jpe?g|wav|mp3|mp4)$",
        ),
        (
            "evaluation_data",
            r"(^|/)([^/]*[_-])?(eval|evaluation|benchmarks?|bench|judge|test)[^/]*(/[^/]+)*"
            + _DATA,
        ),
        ("dataset", r"(^|/)(data|dataset|datasets|corpus)/([^/]+/)*[^/]+" + _DATA),
    )
)

#: roles that say how the developer made the model, which demos and examples for users do not
_DEVELOPER_ROLES = frozenset({"training_code", "preprocessing_code", "dataset"})
_FOR_USERS = lazy(
    r"(^|/)([\w.]*[-_])?(demos?|examples?|tutorials?|colabs?|cookbooks?|notebooks?)([-_][\w.]*)?/"
)
#: a data file among scripts (a list of shard names, a config) is the scripts' input, not data
_AMONG_CODE = lazy(r"(^|/)([\w.]*[-_])?(scripts?|shell|src|utils|tools|configs?)([-_][\w.]*)?/")
#: a tokenizer's vocabulary beside the data (`data/<corpus>_pinyin/vocab.txt`) is not the data
_VOCABULARY = lazy(r"(^|/)(vocab|vocabulary|tokenizer|merges|special_tokens)[^/]*$")
_CONFIGS = lazy(r"(^|/)([\w.]*[-_])?configs?/")
#: data for trying the code out ("dummy_conversation.json", "example_data.jsonl"), not the data
_PLACEHOLDER = lazy(r"(^|/|[_-])(dummy|toy|mock|fake|examples?|samples?|demo)([_.-][^/]*)?$")
#: a data-collection or data-building folder: its code makes data (a distilabel "pipeline.py",
#: an "eval" of generated samples), not the model's inference or evaluation code, and what it
#: outputs is data, not the model's sample outputs
_DATA_PIPELINE = lazy(
    r"(^|/)(data|datasets?|data[-_][\w-]*|[\w-]*[-_]datasets?|[\w-]*datasets?[-_][\w-]*|sourcing)/"
)
#: code that defines the model (MOF "model architecture"): `modeling_*.py`, `model.py`,
#: `models/...`, `*_arch*.py`; a script that only runs the model does not
_MODEL_CODE = lazy(r"(^|/)(modeling(_[^/]*)?|models?|[^/]*_arch[^/]*|models?/[^/]+)" + _CODE)
#: a test of the code (`tests/…`, `test_*.py`, `*_test.py`, `conftest.py`) is none of the
#: release's components: not its inference, evaluation or preprocessing code, nor its model code
_TEST_CODE = lazy(r"((^|/)(tests?|testing)/|(^|/)(test_[^/]*|[^/]*_test\.[^/.]+|conftest\.py)$)")
_MAKES_DATA_NOT_MODEL = frozenset({"inference_code", "evaluation_code", "sample_outputs"})
_PRETRAINING = lazy(r"(^|/|[-_])pre-?train(?!ed)")
_CHECKPOINT = lazy(r"(checkpoint|ckpt|(^|[/_-])step[-_]?\d|intermediate|iter[-_]?\d)")
_ARXIV = lazy(r"arxiv\.org|doi\.org/10\.48550", re.IGNORECASE)


def derive_framework_facts(
    evidence: Sequence[Evidence],
    files: Sequence[FileEntry],
    licenses: Sequence[DetectedLicense] = (),
) -> list[Evidence]:
    evidence = list(_for_this_model(evidence))
    out = [e for e in evidence if e.fact == "fw.license.weights_per_model"]
    evaluation_folders = tuple(
        f"{e.value}/" for e in evidence if e.fact == "doc.data.evaluation_folder" and e.value
    )
    out.extend(_file_roles(files, evaluation_folders))
    out.extend(_license_types(evidence))
    # a code license stays one beside a restrictive model license (LICENSE + MODEL_LICENSE)
    out.extend(
        Evidence("fw.license.code", lic.id, lic.source, note="license scoped to the code")
        for lic in code_licenses(licenses)
    )
    out.extend(_paper_kinds(evidence))
    out.extend(links_elsewhere(evidence, files))
    out.extend(weights_license_facts(evidence, files, licenses))
    out.extend(scoped_license_facts([*evidence, *out], files, licenses))
    return out


def _for_this_model(evidence: Sequence[Evidence]) -> Iterable[Evidence]:
    """The evidence without the weights license sentences of old news items and about other
    models of the repository, plus `fw.license.weights_per_model` when which model is the
    release is not said (see `superseded_statements`, `per_model_statements`)."""
    names = [
        str(e.value)
        for e in evidence
        if e.fact in ("card.model_name", "card.title") and isinstance(e.value, str)
    ]
    old = superseded_statements(evidence) | _beside_the_primary(evidence)
    current = [
        e
        for e in evidence
        if not (e.fact.startswith("doc.license_statement") and _weights_said(e) in old)
    ]
    aside, facts = per_model_statements(current, names)
    for e in current:
        if not (e.fact == "doc.license_statement" and _weights_said(e) in aside):
            yield e
    yield from facts


def _beside_the_primary(evidence: Sequence[Evidence]) -> set[tuple[Location, str]]:
    """Weights license sentences of secondary documents (a `docs/README_OTHER_MODEL.md`) when
    a primary README or card states the weights' license itself: they speak for the model that
    document is about, not the release (DINOv2's README: Apache 2.0; its Cell-DINO page: a
    non-commercial license)."""
    primary = {e.value for e in evidence if e.fact == "doc.primary"}
    said = [
        (e, where)
        for e in evidence
        if e.fact.startswith("doc.license_statement") and (where := _weights_said(e)) is not None
    ]
    if not any(e.location.file in primary for e, _ in said):
        return set()
    return {where for e, where in said if e.location.file not in primary}


def _weights_said(e: Evidence) -> tuple[Location, str] | None:
    """(location, clause) of a weights license statement, None for other evidence."""
    if e.fact == "doc.license_statement.model" or str(e.value).startswith("weights:"):
        return e.location, e.note
    return None


_REPO_URL = lazy(r"^https?://(www\.)?github\.com/([\w.-]+)/([\w.-]+?)(\.git)?(/|$|[?#])", re.I)
#: a logo, badge or figure in another repository, or its issues and discussions: not code
_NOT_CODE_LINK = lazy(
    r"\.(svg|png|jpe?g|gif|webp|ico|mp4|pdf)([?#]|$)|[?&]raw=true|"
    r"^https?://[^/]+/[^/]+/[^/]+/(issues|pulls?|discussions|stargazers|network|actions|wiki)\b",
    re.I,
)
_CHECKOUT_FOLDER = lazy(r"^([A-Za-z0-9][\w.-]*)\+([\w.-]+)/")


def links_elsewhere(evidence: Sequence[Evidence], files: Sequence[FileEntry]) -> Iterable[Evidence]:
    """`link.code.elsewhere`: a link the documents call code (`link.code.said`: not a library
    the code depends on or work it builds on) that points outside the places read. A link to a
    GitHub repository that was read (a `gh:` place, an `OWNER+NAME/` checkout) is not "linked,
    not verified": what it holds was read."""
    read = {
        str(e.value).removeprefix("gh:").split("@")[0].lower()
        for e in evidence
        if e.fact == "place.git"
    }
    for f in files:
        folder = _CHECKOUT_FOLDER.match(f.path)
        if folder:
            read.add(f"{folder.group(1)}/{folder.group(2)}".lower())
    for e in evidence:
        if e.fact != "link.code.said" or not isinstance(e.value, str):
            continue
        if _NOT_CODE_LINK.search(e.value):
            continue
        repo = _REPO_URL.match(e.value)
        if repo and f"{repo.group(2)}/{repo.group(3)}".lower() in read:
            continue
        yield replace(e, fact="link.code.elsewhere")


def _file_roles(
    files: Sequence[FileEntry], evaluation_folders: tuple[str, ...] = ()
) -> Iterable[Evidence]:
    """`evaluation_folders`: data folders whose README says their data is for evaluation."""
    for f in files:
        path = f.path.lower()
        if f.format in detect.WEIGHT_FORMATS:
            if _CHECKPOINT.search(path):
                yield Evidence("file.role.intermediate_checkpoint", f.path, Location(f.path))
            continue
        if _TEST_CODE.search(path) and re.search(_CODE, path):
            continue
        if _MODEL_CODE.search(path) and not (
            _DATA_PIPELINE.search(path) or _FOR_USERS.search(path)
        ):
            yield Evidence("file.role.model_code", f.path, Location(f.path))
        for role, pattern in FILE_ROLES:
            if pattern.search(path):
                if role in _MAKES_DATA_NOT_MODEL and _DATA_PIPELINE.search(path):
                    if role == "sample_outputs":
                        break
                    role = "preprocessing_code"
                if role in _DEVELOPER_ROLES and _FOR_USERS.search(path):
                    break  # a fine-tuning demo (or its example data) for users is not how the
                    # model was trained
                if role == "dataset" and any(
                    p.search(path) for p in (_AMONG_CODE, _PLACEHOLDER, _VOCABULARY)
                ):
                    break
                if role == "evaluation_data" and _CONFIGS.search(path):
                    break  # "model_configs/vit_test.json" configures a model for tests
                if role == "dataset" and f.path.startswith(evaluation_folders or ("\0",)):
                    role = "evaluation_data"
                yield Evidence(f"file.role.{role}", f.path, Location(f.path))
                if role == "training_code" and _PRETRAINING.search(path):
                    yield Evidence("file.role.pretraining_code", f.path, Location(f.path))
                break


def _license_types(evidence: Sequence[Evidence]) -> Iterable[Evidence]:
    """`fw.license.open` (OSI-approved, no use restrictions, commercial use not conditional),
    `fw.license.open_content` (also open content/data licenses such as CC-BY) and
    `fw.license.code` (the code is under an OSI-approved license)."""
    by_fact: dict[str, list[Evidence]] = {}
    for e in evidence:
        by_fact.setdefault(e.fact, []).append(e)
    category = by_fact.get("license.category", [])
    osi = [e for e in by_fact.get("license.osi_approved", []) if e.value is True]
    restricting = [
        e
        for e in by_fact.get("license.terms.use_restrictions", [])
        + by_fact.get("license.terms.commercial_use", [])
        if e.value is True or e.value in ("conditional", "prohibited")
    ]
    if restricting:
        yield replace(restricting[0], fact="fw.license.restricted", value=True)
    free = not restricting
    for e in category:
        if e.value in OPEN_CATEGORIES and free:
            yield replace(e, fact="fw.license.open_content", value=e.value)
        if e.value == "open-source" and osi and free:
            yield replace(osi[0], fact="fw.license.open", value=True)
            yield replace(osi[0], fact="fw.license.code", value=True)


def _paper_kinds(evidence: Sequence[Evidence]) -> Iterable[Evidence]:
    for e in evidence:
        if e.fact == "link.paper" and isinstance(e.value, str):
            kind = "preprint" if _ARXIV.search(e.value) else "publication"
            yield replace(e, fact=f"link.paper.{kind}")

"""Facts derived from the raw evidence, so rubric files stay declarative.

Each derived fact keeps the location of the evidence it came from, so a citation stays checkable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..model import Confidence, DetectedLicense, Evidence, FileEntry, LicenseInfo, Location
from ..readers import detect

#: inference/training libraries whose code is published under an open-source license
OPEN_SOURCE_LIBRARIES = frozenset(
    {
        "transformers",
        "sentence-transformers",
        "diffusers",
        "timm",
        "peft",
        "open_clip",
        "spacy",
        "flair",
        "fastai",
        "nemo",
        "espnet",
        "speechbrain",
        "keras",
        "tf-keras",
        "pytorch",
        "onnx",
        "gguf",
        "llama.cpp",
        "mlx",
        "vllm",
        "sglang",
        "fairseq",
        "adapter-transformers",
        "stable-baselines3",
        "ml-agents",
        "sample-factory",
        "paddlenlp",
        "allennlp",
        "asteroid",
        "pyannote-audio",
        "setfit",
        "span-marker",
        "transformers.js",
        "gliner",
        "unity-sentis",
        "openvino",
        "ctranslate2",
        "fasttext",
        "stanza",
        "sklearn",
        "scikit-learn",
        "bertopic",
        "lightgbm",
        "xgboost",
        "flax",
        "jax",
        "tensorflow",
        "tflite",
        "coreml",
        "mlc-llm",
    }
)

CODE_SUFFIXES = (".py", ".ipynb", ".sh", ".c", ".cpp", ".cu", ".rs", ".js", ".ts", ".go")


def derive(
    evidence: Sequence[Evidence], files: Sequence[FileEntry], license_info: LicenseInfo
) -> list[Evidence]:
    out: list[Evidence] = []
    out.extend(_license_facts(license_info))
    out.extend(_weight_facts(files))
    out.extend(_code_facts(files))
    for e in evidence:
        if (
            e.fact == "card.library_name"
            and isinstance(e.value, str)
            and e.value.lower() in OPEN_SOURCE_LIBRARIES
        ):
            out.append(replace(e, fact="library.open_source", note="known open-source library"))
        if e.fact in ("card.datasets", "link.dataset", "hub.dataset.card"):
            out.append(replace(e, fact="data.sources"))
        if (
            e.fact.startswith("card.")
            and e.fact not in ("card.present",)
            and not e.fact.startswith(("card.section.", "card.section_text.", "card.model_index."))
        ):
            out.append(replace(e, fact="card.metadata", value=e.fact.removeprefix("card.")))
    return out


def _license_facts(info: LicenseInfo) -> Iterable[Evidence]:
    for source in info.evidence[:1]:
        yield replace(
            source,
            fact="license.category",
            value=info.category,
            note=f"license {info.spdx or info.name or info.declared or 'none'}",
        )
        if info.spdx:
            yield replace(source, fact="license.spdx", value=info.spdx)
        if info.osi_approved is not None:
            yield replace(
                source,
                fact="license.osi_approved",
                value=info.osi_approved,
                note="from SPDX license list data",
            )
    if not info.evidence:
        yield Evidence(
            "license.category",
            info.category,
            Location(""),
            note="no license stated in any file of the release",
        )


def _weight_facts(files: Sequence[FileEntry]) -> Iterable[Evidence]:
    for f in files:
        if f.format not in detect.WEIGHT_FORMATS:
            continue
        yield Evidence("weights.present", f.format, Location(f.path))
        if f.format in detect.SAFE_WEIGHT_FORMATS:
            yield Evidence("weights.safe_format", f.format, Location(f.path))
        if f.format in detect.PICKLE_FORMATS:
            yield Evidence("weights.pickle_format", f.format, Location(f.path))


def _code_facts(files: Sequence[FileEntry]) -> Iterable[Evidence]:
    for f in files:
        if f.path.lower().endswith(CODE_SUFFIXES):
            yield Evidence("code.files", f.path, Location(f.path))


def license_terms_facts(licenses: Sequence[DetectedLicense]) -> list[Evidence]:
    """`license.terms.*`: the terms that bind the model (the strictest identified license that
    is not for code only), each cited at the license that sets it."""
    from ..licenses.detect import applicable_terms

    terms = applicable_terms(licenses)
    if terms is None:
        return []
    binding = [lic for lic in licenses if lic.status == "identified" and lic.scope != "code"]
    out = []
    for name in (
        "commercial_use",
        "mau_threshold",
        "use_restrictions",
        "output_training_restricted",
    ):
        value = getattr(terms, name)
        if value is None:
            continue
        source = next((lic for lic in binding if getattr(lic.terms, name) == value), binding[0])
        out.append(
            Evidence(
                f"license.terms.{name}",
                value,
                source.source,
                confidence=_confidence(source.confidence),
                note=f"{source.id} term profile",
            )
        )
    return out


def _confidence(score: float) -> Confidence:
    if score >= 0.95:
        return Confidence.HIGH
    return Confidence.MEDIUM if score >= 0.5 else Confidence.LOW

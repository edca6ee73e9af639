"""Facts derived from the raw evidence, so rubric files stay declarative.

Each derived fact keeps the location of the evidence it came from, so a citation stays checkable.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..model import Evidence, FileEntry, Location
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

#: plain array files (NumPy) hold any numbers: in a folder of data or results they are data
#: (scores, features, embeddings), a small one is a lookup table, and one inside a Python package
#: the package's data (filter banks), not a model's weights
_ARRAY_FORMATS = frozenset({detect.NPY, detect.NPZ})
_DATA_FOLDER = re.compile(
    r"(^|/)([\w-]*[_-])?(data|datasets?|outputs?|results?|samples?|features?|embeddings?|"
    r"scores?|stats|statistics|metrics)([_-][\w-]*)?/",
    re.IGNORECASE,
)

#: weights a test suite loads (`tests/assets/test_lm_model.safetensors`) are fixtures, not the
#: release's model
_TEST_FOLDER = re.compile(r"(^|/)(tests?|testing|test_data|testdata|fixtures?)/", re.IGNORECASE)

#: below this, a NumPy file is a table (mel filters, normalisation statistics), not a model
MIN_ARRAY_WEIGHTS_BYTES = 1 << 20

CODE_SUFFIXES = (".py", ".ipynb", ".sh", ".c", ".cpp", ".cu", ".rs", ".js", ".ts", ".go")


def derive(evidence: Sequence[Evidence], files: Sequence[FileEntry]) -> list[Evidence]:
    """Facts from the card and the file list; the `license.*` facts come from the license
    verdict (licenses/verdict.py), which the pipeline adds before this runs."""
    out: list[Evidence] = []
    out.extend(_weight_facts(files))
    out.extend(_code_facts(files))
    for e in evidence:
        if (
            e.fact == "card.library_name"
            and isinstance(e.value, str)
            and e.value.lower() in OPEN_SOURCE_LIBRARIES
        ):
            out.append(replace(e, fact="library.open_source", note="known open-source library"))
        # named as the training data; a dataset link may be evaluation data or another
        # release's, so it stays a link (`link.dataset`: "linked, not verified")
        if e.fact in ("card.datasets", "hub.dataset.card"):
            out.append(replace(e, fact="data.sources"))
        if (
            e.fact.startswith("card.")
            and e.fact not in ("card.present", "card.title")  # the title is body text, not metadata
            and not e.fact.startswith(("card.section.", "card.section_text.", "card.model_index."))
        ):
            out.append(replace(e, fact="card.metadata", value=e.fact.removeprefix("card.")))
    return out


def _weight_facts(files: Sequence[FileEntry]) -> Iterable[Evidence]:
    packages = {
        posixpath.dirname(f.path) for f in files if posixpath.basename(f.path) == "__init__.py"
    }
    for f in files:
        if f.format not in detect.WEIGHT_FORMATS:
            continue
        if _TEST_FOLDER.search(f.path):
            continue
        if f.format in _ARRAY_FORMATS and (
            _DATA_FOLDER.search(f.path.rsplit("/", 1)[0] + "/")
            or 0 < f.size < MIN_ARRAY_WEIGHTS_BYTES
            or _in_package(f.path, packages)
        ):
            continue
        yield Evidence("weights.present", f.format, Location(f.path))
        if f.format in detect.SAFE_WEIGHT_FORMATS:
            yield Evidence("weights.safe_format", f.format, Location(f.path))
        if f.format in detect.PICKLE_FORMATS:
            yield Evidence("weights.pickle_format", f.format, Location(f.path))


def _in_package(path: str, packages: set[str]) -> bool:
    """An array inside a Python package (its folder or the folder above holds `__init__.py`):
    a mel filter bank in `whisper/assets/`, a detector head beside the script that loads it; the
    package's own data, not the release's weights."""
    folder = posixpath.dirname(path)
    return bool(folder) and (folder in packages or posixpath.dirname(folder) in packages)


def _code_facts(files: Sequence[FileEntry]) -> Iterable[Evidence]:
    for f in files:
        if f.path.lower().endswith(CODE_SUFFIXES):
            yield Evidence("code.files", f.path, Location(f.path))

"""Build `fingerprints.json` from reference texts that stay outside this project.

    python -m openness.licenses.build_fingerprints \
        --corpus ../shared/corpus/licenses \
        --scancode benchmarks/scancode/.venv/lib/python3.11/site-packages/licensedcode/data/licenses

Only sampled hashes of word 5-grams are stored (see text.py): no text can be read back from them.
The corpus files are real releases' license files; the ScanCode LicenseDB texts cover standard
licenses and AI licenses the corpus lacks. Run it again when either source changes.

A catalogued text that neither holds (a use policy only its publisher's repository carries) is
added to the existing file, citing where it came from:

    python -m openness.licenses.build_fingerprints --add \
        LicenseRef-llama3.1-acceptable-use-policy=USE_POLICY.md \
        --source github:meta-llama/llama-models@a9c89c4:models/llama3_1/USE_POLICY.md
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from .catalog import ai_entries
from .text import SAMPLE, clean, encode_hashes, shingle_hashes, words

#: references shorter than this keep every shingle hash (a 1-in-4 sample would be too few)
SHORT_TEXT_WORDS = 400

#: corpus file -> catalog id (the labels give names; these are this project's ids for them)
CORPUS_IDS = {
    "apple-fastvlm-LICENSE_MODEL": "LicenseRef-apple-amlr",
    "audiocraft-LICENSE_weights": "CC-BY-NC-4.0",
    "bfl-flux1-dev-LICENSE": "LicenseRef-flux-1-dev-non-commercial-license",
    "chatglm6b-MODEL_LICENSE": "LicenseRef-chatglm-6b",
    "compvis-sd-LICENSE": "LicenseRef-creativeml-openrail-m",
    "deepseek-v3-LICENSE-CODE": "MIT",
    "deepseek-v3-LICENSE-MODEL": "LicenseRef-deepseek",
    "gpt-oss-LICENSE": "Apache-2.0",
    "gpt-oss-USAGE_POLICY": "LicenseRef-gpt-oss-usage-policy",
    "kimi-k2-LICENSE": "LicenseRef-kimi-k2-modified-mit",
    "meta-llama2-LICENSE": "LicenseRef-llama2",
    "meta-llama2-USE_POLICY.md": "LicenseRef-llama2-acceptable-use-policy",
    "meta-llama3-LICENSE": "LicenseRef-llama3",
    "meta-llama3_1-LICENSE": "LicenseRef-llama3.1",
    "meta-llama3_2-LICENSE": "LicenseRef-llama3.2",
    "meta-llama3_2-USE_POLICY.md": "LicenseRef-llama3.2-acceptable-use-policy",
    "qwen-tongyi-LICENSE": "LicenseRef-tongyi-qianwen",
    "stability-LICENSE-SDXL1.0": "LicenseRef-openrail-plus-plus",
    "stability-LICENSE-SVD": "LicenseRef-stable-video-diffusion-nc-community",
    "stability-sd2-LICENSE-MODEL": "LicenseRef-openrail-plus-plus",
}

#: ScanCode keys of standard licenses; their SPDX id comes from the key's own data
SCANCODE_STANDARD = [
    "apache-2.0",
    "mit",
    "bsd-new",
    "bsd-simplified",
    "isc",
    "gpl-2.0",
    "gpl-3.0",
    "lgpl-2.1",
    "lgpl-3.0",
    "agpl-3.0",
    "mpl-2.0",
    "epl-1.0",
    "epl-2.0",
    "boost-1.0",
    "zlib",
    "unlicense",
    "artistic-2.0",
    "cc0-1.0",
    "cc-by-4.0",
    "cc-by-sa-4.0",
    "cc-by-nc-4.0",
    "cc-by-nc-sa-4.0",
    "cc-by-nc-nd-4.0",
    "cc-by-nd-4.0",
    "cc-by-3.0",
    "cc-by-sa-3.0",
    "cc-by-nc-3.0",
    "cc-by-nc-sa-3.0",
    "cc-by-nc-nd-3.0",
    "cc-by-2.0",
    "cc-by-nc-2.0",
    "odbl-1.0",
    "cdla-permissive-1.0",
    "cdla-permissive-2.0",
    "cdla-sharing-1.0",
    "wtfpl-2.0",
    "eupl-1.1",
    "eupl-1.2",
    "postgresql",
    "ms-pl",
    "ecl-2.0",
    "ofl-1.1",
    "afl-3.0",
    "osl-3.0",
    "lppl-1.3c",
    "uoi-ncsa",
]
#: ScanCode keys of AI licenses under a different catalog id than their own `scancode` field
SCANCODE_EXTRA = {
    "gemma-tou-2025-03-24": "LicenseRef-gemma",
    "bigscience-open-rail-m2": "LicenseRef-openrail-plus-plus",
}
#: where a reference text stops counting (an optional appendix follows)
CUT_AFTER = {"Apache-2.0": "end of terms and conditions"}


def _scancode_text(path: Path) -> tuple[str, dict[str, str]]:
    raw = path.read_text("utf-8", errors="replace")
    meta: dict[str, str] = {}
    if raw.startswith("---"):
        _, front, raw = raw.split("---", 2)
        for line in front.splitlines():
            if ":" in line and not line.startswith(" "):
                k, v = line.split(":", 1)
                meta[k.strip()] = v.strip()
    return raw, meta


def _cut(ref: str, text: str) -> str:
    marker = CUT_AFTER.get(ref)
    if marker is None:
        return text
    m = re.search(re.escape(marker), text, flags=re.IGNORECASE)
    return text[: m.end()] if m else text


def reference(ref: str, source: str, text: str) -> dict[str, str | int] | None:
    """One reference: the sampled hashes of a text (None when it is too short to count)."""
    tokens = words(clean(_cut(ref, text)))
    sample = SAMPLE if len(tokens) >= SHORT_TEXT_WORDS else 1  # short texts keep every hash
    hashes = shingle_hashes(tokens, sample)
    if len(hashes) < 8:
        return None
    return {"id": ref, "source": source, "sample": sample, "hashes": encode_hashes(hashes)}


def build(corpus: Path | None, scancode: Path | None) -> dict[str, object]:
    refs: list[dict[str, str | int]] = []

    def add(ref: str, source: str, text: str) -> None:
        found = reference(ref, source, text)
        if found is not None:
            refs.append(found)

    if corpus is not None:
        for name, ref in sorted(CORPUS_IDS.items()):
            path = corpus / name
            if path.is_file():
                add(ref, f"corpus:{name}", path.read_text("utf-8", errors="replace"))
    if scancode is not None:
        wanted = {e.resolved.scancode: e.resolved.id for e in ai_entries() if e.resolved.scancode}
        wanted.update(SCANCODE_EXTRA)
        for key in SCANCODE_STANDARD:
            wanted.setdefault(key, "")
        for key, ref in sorted(wanted.items()):
            path = scancode / f"{key}.LICENSE"
            if not path.is_file():
                print(f"scancode: no {key}", file=sys.stderr)
                continue
            text, meta = _scancode_text(path)
            ref = ref or meta.get("spdx_license_key", "")
            if not ref or ref.startswith("LicenseRef-scancode"):
                print(f"scancode: {key} has no SPDX id; skipped", file=sys.stderr)
                continue
            add(ref, f"scancode:{key}", text)
    return {
        "about": "Sampled hashes of word 5-grams of reference license texts "
        "(see openness/licenses/text.py); built by build_fingerprints.py. No text is stored.",
        "refs": refs,
    }


def extend(data: dict[str, object], ref: str, path: Path, source: str) -> dict[str, object]:
    """`data` with the reference of one more text (replacing one from the same source)."""
    if ref not in {e.resolved.id for e in ai_entries()}:
        raise SystemExit(f"{ref} is not a catalog id")
    found = reference(ref, source, path.read_text("utf-8", errors="replace"))
    if found is None:
        raise SystemExit(f"{path} is too short to be a reference")
    old = data.get("refs")
    refs = [r for r in old if r.get("source") != source] if isinstance(old, list) else []
    return {**data, "refs": [*refs, found]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--scancode", type=Path)
    parser.add_argument("--add", metavar="ID=FILE", help="add one catalogued text to the file")
    parser.add_argument("--source", help="where the --add text comes from (repo@commit:path)")
    parser.add_argument(
        "-o", "--output", type=Path, default=Path(__file__).with_name("fingerprints.json")
    )
    args = parser.parse_args(argv)
    if args.add:
        ref, _, file = args.add.partition("=")
        if not file or not args.source:
            parser.error("--add needs ID=FILE and --source")
        current = json.loads(args.output.read_text("utf-8"))
        data = extend(current, ref, Path(file), args.source)
    else:
        data = build(args.corpus, args.scancode)
    args.output.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", "utf-8")
    print(f"{len(data['refs'])} references -> {args.output}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

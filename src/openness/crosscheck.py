"""Checks across files: does the declared configuration match the tensors, and what does it take
to run? Works on the evidence and in-memory tensor lists the readers produced."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Sequence

from .evidence_index import EvidenceIndex
from .lazy_re import lazy
from .model import (
    Artifact,
    Evidence,
    Finding,
    Location,
    MemoryEstimate,
    ReaderResult,
    Summary,
    TensorInfo,
)
from .readers import detect
from .rules import finding

#: which weight set speaks for the release when several formats hold the same model
FORMAT_PREFERENCE = (
    detect.SAFETENSORS,
    detect.PYTORCH_ZIP,
    detect.TORCH_LEGACY,
    detect.GGUF,
    detect.ONNX,
    detect.KERAS,
    detect.HDF5,
    detect.NPZ,
    detect.NPY,
    detect.PICKLE,
)
_EMBEDDING = lazy(
    r"(^|\.)(embed_tokens|word_embeddings|wte|tok_embeddings|token_embd|embeddings\.tok|"
    r"shared|embedding)\.weight$"
)
_LAYER_INDEX = lazy(r"(?:^|\.)(?:layers|layer|h|blocks|blk|block|decoder\.layers)\.(\d+)\.")


def primary_weights(results: Sequence[ReaderResult]) -> list[ReaderResult]:
    """The shards of the preferred weight set: the shallowest folder of the preferred format."""
    groups: dict[tuple[str, str], list[ReaderResult]] = defaultdict(list)
    for r in results:
        if r.artifact.parameters:
            groups[(posixpath.dirname(r.artifact.path), r.artifact.format)].append(r)
    if not groups:
        return []

    def rank(key: tuple[str, str]) -> tuple[int, int, str]:
        folder, fmt = key
        pref = FORMAT_PREFERENCE.index(fmt) if fmt in FORMAT_PREFERENCE else len(FORMAT_PREFERENCE)
        return (folder.count("/") + (1 if folder else 0), pref, folder)

    return groups[min(groups, key=rank)]


def summarise(
    results: Sequence[ReaderResult], artifacts: Sequence[Artifact], evidence: Sequence[Evidence]
) -> Summary:
    primary = primary_weights(results)
    params = sum(r.artifact.parameters or 0 for r in primary) or None
    index = EvidenceIndex(evidence)
    declared = index.first("config.architectures") or index.first("config.model_type")
    if isinstance(declared, tuple):
        declared = declared[0]
    arch = next((a.architecture for a in artifacts if a.architecture), None) or (
        str(declared) if declared else None
    )
    formats = tuple(sorted({a.format for a in artifacts if a.format in detect.WEIGHT_FORMATS}))
    memory = (
        tuple(MemoryEstimate(bits, params * bits // 8) for bits in (16, 8, 4)) if params else ()
    )
    return Summary(params, formats, arch, memory)


def check_config(
    results: Sequence[ReaderResult], evidence: Sequence[Evidence]
) -> tuple[list[Evidence], list[Finding]]:
    """Compare config.json (or GGUF metadata) with the tensors of the primary weight set."""
    index = EvidenceIndex(evidence)
    primary = primary_weights(results)
    tensors = [t for r in primary for t in r.tensors]
    if not tensors:
        return [], []
    where = primary[0].artifact.path
    observed = _observed(tensors)
    facts: list[Evidence] = []
    findings: list[Finding] = []
    for name, declared_facts in _DECLARED.items():
        declared = [e for f in declared_facts for e in index.get(f)]
        value = observed.get(name)
        if not declared or value is None:
            continue
        claim = declared[0]
        if claim.value == value[0]:
            facts.append(
                Evidence(
                    f"consistency.{name}",
                    value[0],
                    Location(where, key=value[1]),
                    note=f"matches {claim.location}",
                )
            )
        elif not (
            name == "vocab_size"
            and isinstance(claim.value, int)
            and claim.value <= value[0] <= claim.value + 512
        ):
            findings.append(
                finding(
                    "OPN-CFG-010",
                    f"declared {name} {claim.value} does not match the tensors ({value[0]})",
                    claim.location,
                    f"{value[1]} in {where}",
                )
            )
    return facts, findings


_DECLARED = {
    "hidden_size": ("config.hidden_size", "gguf.embedding_length"),
    "num_layers": ("config.num_layers", "gguf.block_count"),
    "vocab_size": ("config.vocab_size", "gguf.vocab_size"),
}


def _observed(tensors: Sequence[TensorInfo]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for t in tensors:
        if len(t.shape) == 2 and _EMBEDDING.search(t.name) and "position" not in t.name:
            # GGUF stores dims innermost-first: its embedding is (hidden, vocab)
            vocab, hidden = (
                (t.shape[1], t.shape[0])
                if t.name.startswith("token_embd")
                else (t.shape[0], t.shape[1])
            )
            found.setdefault("vocab_size", (vocab, t.name))
            found.setdefault("hidden_size", (hidden, t.name))
    layers = {int(m.group(1)) for t in tensors if (m := _LAYER_INDEX.search(t.name))}
    if layers:
        found["num_layers"] = (max(layers) + 1, "layer indices in tensor names")
    return found

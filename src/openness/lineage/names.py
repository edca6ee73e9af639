"""Tensor names across exporters: one normalised name per tensor, its role and its layer."""

from __future__ import annotations

import re

#: wrapper prefixes that exporters and fine-tuning libraries put before the same tensor name
_PREFIXES = (
    "base_model.model.",
    "0.auto_model.",
    "auto_model.",
    "module.",
    "model.",
    "bert.",
    "roberta.",
    "transformer.",
    "inner.",
)
#: quantisers' renamings of a weight: dropped so it aligns with the float original
_SUFFIXES = ("_quantized", ".weight_q")
_LAYER = re.compile(r"(?:^|\.)(?:layers?|h|blocks?|blk)\.(\d+)\.")

EMBEDDING, ATTENTION, MLP, NORM, OTHER = "embedding", "attention", "mlp", "norm", "other"


def normalise(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if name.startswith(prefix) and len(name) > len(prefix):
                name, changed = name[len(prefix) :], True
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)] + (".weight" if suffix == ".weight_q" else "")
    return name


def role(name: str) -> str:
    low = name.lower()
    if "norm" in low or re.search(r"(^|\.)ln_?\w*\.", low):
        return NORM
    if "embed" in low or low.startswith(("wte.", "wpe.", "tok_embeddings.")):
        return EMBEDDING
    if "attn" in low or "attention" in low or re.search(r"\.(q|k|v|o)_proj\.", low):
        return ATTENTION
    if any(k in low for k in ("mlp", "intermediate", "ffn", "feed_forward", "output.dense")):
        return MLP
    return OTHER


def layer(name: str) -> int | None:
    found = _LAYER.search(name)
    return int(found.group(1)) if found else None

"""Distinctive words of names and titles: what tells one release's name from boilerplate."""

from __future__ import annotations

import re

GENERIC = frozenset(
    [
        "model",
        "models",
        "language",
        "large",
        "small",
        "base",
        "chat",
        "instruct",
        "open",
        "source",
        "code",
        "the",
        "and",
        "for",
        "with",
        "version",
        "release",
        "official",
        "technical",
        "report",
        "paper",
        "training",
        "github",
        "main",
        "docs",
        # what a how-to's title says is done ("Wombat-7B Chat Fine-tuning"), which a cited
        # method's title may share ("P-tuning: Prompt tuning can be comparable to fine-tuning")
        "fine",
        "tuning",
        "tuned",
        "finetune",
        "finetuning",
        "pretraining",
        "pretrained",
        "inference",
        "evaluation",
        "deployment",
        "quantization",
        "guide",
        "tutorial",
        "usage",
        "demo",
        "scripts",
    ]
)


def stems(text: str) -> set[str]:
    out = set()
    for word in re.findall(r"[a-z][a-z0-9]*", text.lower()):
        stem = re.sub(r"\d+$", "", word)
        if len(stem) >= 3 and stem not in GENERIC:
            out.add(stem)
    return out

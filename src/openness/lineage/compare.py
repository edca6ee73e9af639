"""How alike two fingerprints' values are: Pearson correlation of the samples of each tensor both
hold with the same name and shape (they were read at the same positions), aggregated by the
median so a few pruned, re-initialised or re-trained tensors do not decide alone.

Independent models of the same architecture correlate around 0 (per tensor ~ N(0, 1/sqrt(n)));
fine-tunes, casts, quantisations and merges of one base stay near 1. The threshold and the
confidence are calibrated on benchmarks/bench_lineage.py (see docs/lineage.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .fingerprint import Fingerprint

THRESHOLD = 0.5  # median correlation at and above which the weights share a base
MIN_TENSORS = 3  # fewer tensors in common: no decision
MIN_STD = 1e-12  # a constant tensor (fresh norm weights, zero biases) carries no evidence


@dataclass(frozen=True)
class TensorScore:
    name: str
    role: str
    correlation: float
    values: int


@dataclass(frozen=True)
class Comparison:
    similarity: float | None  # None: too little in common to say
    same_signature: bool
    scores: tuple[TensorScore, ...]
    #: tensors both fingerprints sampled but whose shapes differ (pruned, resized)
    reshaped: tuple[str, ...]

    @property
    def related(self) -> bool | None:
        if self.similarity is None:
            return None
        return self.similarity >= THRESHOLD

    @property
    def confidence(self) -> str:
        """high / medium / low: how far the decision is from what chance gives independent
        models, given how many tensors and values back it."""
        if self.similarity is None:
            return "low"
        values = float(np.median([s.values for s in self.scores]))
        # the median of k independent per-tensor correlations has sd ~ 1.25 / sqrt(k * n)
        noise = 1.2533 / math.sqrt(len(self.scores) * max(values, 1.0))
        margin = abs(self.similarity - THRESHOLD)
        if margin >= 0.25 and margin >= 8 * noise and len(self.scores) >= 6:
            return "high"
        if margin >= 0.1 and margin >= 4 * noise:
            return "medium"
        return "low"

    def evidence(self) -> dict[str, object]:
        by_role: dict[str, list[float]] = {}
        for s in self.scores:
            by_role.setdefault(s.role, []).append(s.correlation)
        return {
            "tensors_compared": len(self.scores),
            "values_compared": sum(s.values for s in self.scores),
            "same_signature": self.same_signature,
            "median_by_role": {
                r: round(float(np.median(v)), 4) for r, v in sorted(by_role.items())
            },
            "lowest": [
                {"tensor": s.name, "correlation": round(s.correlation, 4)}
                for s in sorted(self.scores, key=lambda s: s.correlation)[:3]
            ],
            "reshaped": list(self.reshaped[:10]),
            "threshold": THRESHOLD,
            "confidence": self.confidence,
        }


def correlation(a: np.ndarray, b: np.ndarray) -> float | None:
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    keep = np.isfinite(a) & np.isfinite(b)
    a, b = a[keep], b[keep]
    if len(a) < 8:
        return None
    a = a - a.mean()
    b = b - b.mean()
    den = math.sqrt(float(a @ a) * float(b @ b))
    if den <= MIN_STD:
        return None
    return float(a @ b) / den


def compare(query: Fingerprint, known: Fingerprint) -> Comparison:
    theirs = {s.name: s for s in known.samples}
    scores: list[TensorScore] = []
    reshaped: list[str] = []
    for mine in query.samples:
        other = theirs.get(mine.name)
        if other is None:
            continue
        if other.shape != mine.shape or len(other.values) != len(mine.values):
            reshaped.append(mine.name)
            continue
        r = correlation(mine.values, other.values)
        if r is not None:
            scores.append(TensorScore(mine.name, mine.role, r, len(mine.values)))
    similarity = (
        float(np.median([s.correlation for s in scores])) if len(scores) >= MIN_TENSORS else None
    )
    return Comparison(
        similarity, query.signature == known.signature, tuple(scores), tuple(reshaped)
    )

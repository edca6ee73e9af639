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


def compare(query: Fingerprint, known: Fingerprint) -> Comparison:
    theirs = {s.name: s for s in known.samples}
    mine_parts: list[np.ndarray] = []
    their_parts: list[np.ndarray] = []
    aligned: list[tuple[str, str]] = []
    reshaped: list[str] = []
    for mine in query.samples:
        other = theirs.get(mine.name)
        if other is None:
            continue
        if other.shape != mine.shape or len(other.values) != len(mine.values):
            reshaped.append(mine.name)
            continue
        mine_parts.append(mine.values)
        their_parts.append(other.values)
        aligned.append((mine.name, mine.role))
    scores: list[TensorScore] = []
    if aligned:
        lengths = np.array([len(p) for p in mine_parts])
        for (name, role), r, n in zip(
            aligned, correlations(mine_parts, their_parts), lengths, strict=True
        ):
            if r is not None:
                scores.append(TensorScore(name, role, r, int(n)))
    similarity = (
        float(np.median([s.correlation for s in scores])) if len(scores) >= MIN_TENSORS else None
    )
    return Comparison(
        similarity, query.signature == known.signature, tuple(scores), tuple(reshaped)
    )


def correlations(a_parts: list[np.ndarray], b_parts: list[np.ndarray]) -> list[float | None]:
    """Pearson correlation of each aligned pair, in one vectorised pass over all of them;
    None where a pair is too short or constant. Non-finite values count as the mean."""
    starts = np.cumsum([0] + [len(p) for p in a_parts[:-1]])
    counts = np.array([len(p) for p in a_parts], dtype=np.float64)
    a = np.concatenate(a_parts).astype(np.float64)
    b = np.concatenate(b_parts).astype(np.float64)
    a = np.where(np.isfinite(a), a, np.nan)
    b = np.where(np.isfinite(b), b, np.nan)
    a = a - np.repeat(_segment_mean(a, starts, counts), counts.astype(int))
    b = b - np.repeat(_segment_mean(b, starts, counts), counts.astype(int))
    a = np.nan_to_num(a)
    b = np.nan_to_num(b)
    ab = np.add.reduceat(a * b, starts)
    den = np.sqrt(np.add.reduceat(a * a, starts) * np.add.reduceat(b * b, starts))
    return [
        float(x / d) if n >= 8 and d > MIN_STD else None
        for x, d, n in zip(ab, den, counts, strict=True)
    ]


def _segment_mean(x: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    finite = np.isfinite(x)
    sums = np.add.reduceat(np.where(finite, x, 0.0), starts)
    n = np.add.reduceat(finite.astype(np.float64), starts)
    return np.divide(sums, n, out=np.zeros_like(sums), where=n > 0)

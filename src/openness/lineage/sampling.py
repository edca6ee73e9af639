"""Which tensors are sampled and at which positions: deterministic from the tensor's normalised
name and shape, so a derivative is read at the same places as its base."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model import TensorInfo
from . import decode, names

RUNS = 8  # runs per tensor
RUN = 32  # contiguous elements per run (one ranged read each)
MIN_ELEMENTS = 16
MAX_EMBEDDINGS = 4
MAX_TENSORS = 48


@dataclass(frozen=True)
class Located:
    """A tensor of the release: which file holds it and its header entry."""

    file: str
    info: TensorInfo
    name: str  # normalised

    @property
    def samplable(self) -> bool:
        t = self.info
        return (
            t.data_offset is not None
            and decode.width(t.dtype) is not None
            and t.numel >= MIN_ELEMENTS
        )


def select(tensors: Sequence[Located]) -> list[Located]:
    """Embeddings, then every tensor of the first, middle and last layer, then other norms."""
    usable = [t for t in tensors if t.samplable]
    embeddings = sorted(
        (t for t in usable if names.role(t.name) == names.EMBEDDING),
        key=lambda t: (-t.info.numel, t.name),
    )[:MAX_EMBEDDINGS]
    layers = sorted({n for t in usable if (n := names.layer(t.name)) is not None})
    picked_layers = {layers[0], layers[len(layers) // 2], layers[-1]} if layers else set()
    in_layers = [t for t in usable if names.layer(t.name) in picked_layers]
    norms = [t for t in usable if names.layer(t.name) is None and names.role(t.name) == names.NORM]
    chosen: dict[str, Located] = {}
    for t in [*embeddings, *norms, *sorted(in_layers, key=lambda t: t.name)]:
        chosen.setdefault(t.name, t)
    return list(chosen.values())[:MAX_TENSORS]


def runs(name: str, shape: tuple[int, ...]) -> list[tuple[int, int]]:
    """(first element, element count) of each run, sorted, for this tensor name and shape."""
    numel = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if numel <= RUNS * RUN:
        return [(0, numel)]
    seed = hashlib.sha256(f"{name}|{','.join(map(str, shape))}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(seed[:8], "little"))
    starts: set[int] = set()
    cols = shape[-1] if len(shape) >= 2 else numel
    rows = numel // cols
    for _ in range(RUNS * 64):  # bounded even if few distinct positions exist
        if len(starts) == RUNS:
            break
        if cols >= RUN:  # a run stays inside one row (one output channel)
            start = int(rng.integers(rows)) * cols + int(rng.integers(cols - RUN + 1))
        else:
            start = int(rng.integers(numel - RUN + 1))
        starts.add(start)
    return [(s, RUN) for s in sorted(starts)]

"""A release's weight fingerprint: its architecture signature (normalised tensor names, shapes,
dtypes from the headers) plus value samples read with small ranged reads at deterministic
positions. Nothing is loaded or unpickled: the registered readers parse the headers."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import FormatError
from ..limits import DEFAULT_LIMITS, Limits
from ..model import TensorInfo
from ..readers import detect
from ..readers.observed import CountedStream
from ..readers.registry import reader_for
from ..sources import Release, open_release
from ..sources.interface import READ_ERRORS
from . import decode, names, sampling

#: weight formats in the order one is chosen when a release carries several copies of a model
WEIGHT_FORMATS = (
    detect.SAFETENSORS,
    detect.PYTORCH_ZIP,
    detect.ONNX,
    detect.GGUF,
    detect.TORCH_LEGACY,
    detect.NPZ,
    detect.KERAS,
)
MAX_SAMPLE_BYTES = 448 * 1024  # samples; headers come on top, the whole stays under 512 KB
SKETCH = 64  # values of the first embedding kept for the index's fast screening


@dataclass(frozen=True)
class Sample:
    name: str  # normalised tensor name
    shape: tuple[int, ...]
    dtype: str
    role: str
    file: str
    values: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class Fingerprint:
    model: str
    format: str | None
    #: SHA-256 over the sorted "name:shape" list (dtypes excluded: a cast keeps the signature)
    signature: str
    tensors: tuple[tuple[str, tuple[int, ...], str], ...] = field(repr=False)
    samples: tuple[Sample, ...] = field(repr=False)
    files: tuple[str, ...] = ()
    bytes_read: int = 0
    #: why values were not (all) sampled; empty when they were
    note: str = ""

    @property
    def sampled(self) -> bool:
        return bool(self.samples)

    @property
    def sketch_key(self) -> str | None:
        """The first sample's name and shape: fingerprints are screened among equal keys."""
        if not self.samples:
            return None
        first = self.samples[0]
        return _digest(f"{first.name}|{first.shape}")[:32]

    def sketch(self) -> np.ndarray:
        if not self.samples:
            return np.zeros(0, dtype=np.float32)
        return self.samples[0].values[:SKETCH].astype(np.float32)


def fingerprint_target(
    target: str, model: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Fingerprint:
    with open_release(target, limits) as release:
        return fingerprint_release(release, model or target, limits)


def fingerprint_release(
    release: Release, model: str, limits: Limits = DEFAULT_LIMITS
) -> Fingerprint:
    """Raises FormatError (with the file named) when the chosen weight files cannot be parsed;
    a release without weight files gives an empty, unsampled fingerprint that says so."""
    found: list[WeightFile] = []
    read = 0
    for member in release.members:
        if member.size == 0:
            continue
        try:
            with release.open(member.path) as raw:
                stream = CountedStream(raw)
                fmt = detect.detect_format(member.path, member.size, stream, limits)  # type: ignore[arg-type]
                read += stream.bytes_read
        except READ_ERRORS as exc:
            raise FormatError(f"{member.path}: cannot be read: {exc}") from None
        if fmt in WEIGHT_FORMATS:
            found.append(WeightFile(member.path, member.size, fmt, None))
    return fingerprint_weights(release, model, found, limits, read)


@dataclass(frozen=True)
class WeightFile:
    """A weight file of the release; `tensors` when a reader already parsed its header."""

    path: str
    size: int
    format: str
    tensors: tuple[TensorInfo, ...] | None


def fingerprint_weights(
    release: Release,
    model: str,
    weights: Sequence[WeightFile],
    limits: Limits = DEFAULT_LIMITS,
    bytes_read: int = 0,
) -> Fingerprint:
    """The fingerprint of the weight files of one format (the first of WEIGHT_FORMATS present:
    every shard of it), their headers parsed here unless already given."""
    chosen = next((f for f in WEIGHT_FORMATS if any(w.format == f for w in weights)), None)
    if chosen is None:
        return Fingerprint(model, None, _digest(""), (), (), (), bytes_read, "no weight file found")
    files = sorted((w for w in weights if w.format == chosen), key=lambda w: w.path)
    located: list[sampling.Located] = []
    for w in files:
        tensors = w.tensors
        if tensors is None:
            tensors, spent = _parse(release, w, limits)
            bytes_read += spent
        located += _named(w.path, tensors)
    tensors_list = tuple(sorted((t.name, t.info.shape, t.info.dtype) for t in located))
    signature = _digest("\n".join(f"{n}:{list(s)}" for n, s, _ in tensors_list))
    picked = sampling.select(located)
    samples, sample_bytes = _sample(release, picked, {w.path: w.size for w in files})
    note = ""
    if not located:
        note = "no tensor found in the weight files"
    elif not samples:
        note = f"signature only: values of {chosen} tensors cannot be sampled yet"
    return Fingerprint(
        model,
        chosen,
        signature,
        tensors_list,
        tuple(samples),
        tuple(w.path for w in files),
        bytes_read + sample_bytes,
        note,
    )


def _parse(release: Release, w: WeightFile, limits: Limits) -> tuple[tuple[TensorInfo, ...], int]:
    reader = reader_for(w.format)
    if reader is None:
        return (), 0
    try:
        with release.open(w.path) as raw:
            stream = CountedStream(raw)
            result = reader.read(w.path, w.size, stream, limits)  # type: ignore[arg-type]
    except FormatError as exc:
        raise FormatError(f"{w.path}: {exc}", offset=exc.offset, key=exc.key) from None
    except READ_ERRORS as exc:
        raise FormatError(f"{w.path}: cannot be read: {exc}") from None
    return result.tensors, stream.bytes_read


def _named(path: str, tensors: Sequence[TensorInfo]) -> list[sampling.Located]:
    seen: set[str] = set()
    out = []
    for t in tensors:
        name = names.normalise(t.name)
        if name not in seen:
            seen.add(name)
            out.append(sampling.Located(path, t, name))
    return out


def _sample(
    release: Release, picked: Sequence[sampling.Located], sizes: dict[str, int]
) -> tuple[list[Sample], int]:
    samples: list[Sample] = []
    spent = 0
    for path in sorted({t.file for t in picked}):
        with release.open(path) as stream:
            for t in (t for t in picked if t.file == path):
                width = decode.width(t.info.dtype)
                assert width is not None and t.info.data_offset is not None  # samplable
                spans = sampling.runs(t.name, t.info.shape)
                cost = sum(n for _, n in spans) * width
                end = t.info.data_offset + t.info.numel * width
                if spent + cost > MAX_SAMPLE_BYTES or end > sizes[path]:
                    continue
                chunks = []
                for start, n in spans:
                    stream.seek(t.info.data_offset + start * width)
                    raw = stream.read(n * width)
                    if len(raw) != n * width:
                        raise FormatError(f"{path}: file ends inside tensor {t.info.name!r}")
                    chunks.append(decode.decode(raw, t.info.dtype))
                spent += cost
                values = np.concatenate(chunks)
                samples.append(
                    Sample(t.name, t.info.shape, t.info.dtype, names.role(t.name), path, values)
                )
    order = {t.name: i for i, t in enumerate(picked)}
    samples.sort(key=lambda s: order[s.name])
    return samples, spent


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()

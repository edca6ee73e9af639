"""Fingerprints to and from compact bytes for the index: JSON, values as float16 z-scores
(correlation needs nothing else). Reading is bounded; damage is a clear error."""

from __future__ import annotations

import json
import struct
import zlib

import numpy as np

from ..errors import OpennessError
from .fingerprint import Fingerprint, Sample

MAGIC = b"OLF1"  # openness lineage fingerprint, layout 1
MAX_DECOMPRESSED = 64 * 1024 * 1024


def standardised(values: np.ndarray) -> np.ndarray:
    v = values.astype(np.float64)
    v = np.where(np.isfinite(v), v, 0.0)
    std = float(v.std())
    return ((v - v.mean()) / std if std > 0 else v * 0).astype(np.float16)


def sketch_bytes(fp: Fingerprint) -> bytes:
    return standardised(fp.sketch()).tobytes()


def to_bytes(fp: Fingerprint) -> bytes:
    """MAGIC, the zlib-compressed JSON description (4-byte length first), then every sample's
    float16 z-scores back to back (random-looking values gain nothing from compression)."""
    values = [standardised(s.values) for s in fp.samples]
    doc = {
        "format": fp.format,
        "signature": fp.signature,
        "files": list(fp.files),
        "bytes_read": fp.bytes_read,
        "note": fp.note,
        "tensors": [[n, list(s), d] for n, s, d in fp.tensors],
        "samples": [
            [s.name, list(s.shape), s.dtype, s.role, s.file, len(v)]
            for s, v in zip(fp.samples, values, strict=True)
        ],
    }
    meta = zlib.compress(json.dumps(doc, separators=(",", ":")).encode(), 6)
    return MAGIC + struct.pack("<I", len(meta)) + meta + b"".join(v.tobytes() for v in values)


def from_bytes(model: str, data: bytes) -> Fingerprint:
    try:
        if data[:4] != MAGIC or len(data) < 8:
            raise ValueError("not a lineage fingerprint")
        (n,) = struct.unpack("<I", data[4:8])
        inflater = zlib.decompressobj()
        raw = inflater.decompress(data[8 : 8 + n], MAX_DECOMPRESSED)
        if inflater.unconsumed_tail:
            raise ValueError("over the size limit")
        doc = json.loads(raw)
        values = np.frombuffer(data, dtype=np.float16, offset=8 + n)
        samples, at = [], 0
        for name, shape, dtype, role, file, count in doc["samples"]:
            if at + int(count) > len(values):
                raise ValueError("sample values are cut short")
            chunk = values[at : at + int(count)].astype(np.float64)
            samples.append(
                Sample(
                    str(name), tuple(int(d) for d in shape), str(dtype), str(role), str(file), chunk
                )
            )
            at += int(count)
        return Fingerprint(
            model,
            doc["format"],
            str(doc["signature"]),
            tuple((str(n), tuple(int(d) for d in s), str(t)) for n, s, t in doc["tensors"]),
            tuple(samples),
            tuple(str(f) for f in doc["files"]),
            int(doc["bytes_read"]),
            str(doc["note"]),
        )
    except (zlib.error, ValueError, KeyError, TypeError, struct.error) as exc:
        raise OpennessError(f"the stored fingerprint of {model} is damaged: {exc}") from None

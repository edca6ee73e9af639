"""Fingerprints to and from compact bytes for the index: JSON, values as float16 z-scores
(correlation needs nothing else), zlib-compressed. Reading is bounded and tolerant of damage."""

from __future__ import annotations

import base64
import json
import zlib

import numpy as np

from ..errors import OpennessError
from .fingerprint import Fingerprint, Sample

VERSION = 1
MAX_DECOMPRESSED = 64 * 1024 * 1024


def standardised(values: np.ndarray) -> np.ndarray:
    v = values.astype(np.float64)
    v = np.where(np.isfinite(v), v, 0.0)
    std = float(v.std())
    return ((v - v.mean()) / std if std > 0 else v * 0).astype(np.float16)


def sketch_bytes(fp: Fingerprint) -> bytes:
    return standardised(fp.sketch()).tobytes()


def to_bytes(fp: Fingerprint) -> bytes:
    doc = {
        "version": VERSION,
        "format": fp.format,
        "signature": fp.signature,
        "files": list(fp.files),
        "bytes_read": fp.bytes_read,
        "note": fp.note,
        "tensors": [[n, list(s), d] for n, s, d in fp.tensors],
        "samples": [
            {
                "name": s.name,
                "shape": list(s.shape),
                "dtype": s.dtype,
                "role": s.role,
                "file": s.file,
                "values": base64.b64encode(standardised(s.values).tobytes()).decode(),
            }
            for s in fp.samples
        ],
    }
    return zlib.compress(json.dumps(doc, separators=(",", ":")).encode(), 6)


def from_bytes(model: str, data: bytes) -> Fingerprint:
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(data, MAX_DECOMPRESSED)
        if inflater.unconsumed_tail:
            raise ValueError("over the size limit")
        doc = json.loads(raw)
        samples = tuple(
            Sample(
                str(s["name"]),
                tuple(int(d) for d in s["shape"]),
                str(s["dtype"]),
                str(s["role"]),
                str(s["file"]),
                np.frombuffer(base64.b64decode(s["values"]), dtype=np.float16).astype(np.float64),
            )
            for s in doc["samples"]
        )
        return Fingerprint(
            model,
            doc["format"],
            str(doc["signature"]),
            tuple((str(n), tuple(int(d) for d in s), str(t)) for n, s, t in doc["tensors"]),
            samples,
            tuple(str(f) for f in doc["files"]),
            int(doc["bytes_read"]),
            str(doc["note"]),
        )
    except (zlib.error, ValueError, KeyError, TypeError) as exc:
        raise OpennessError(f"the stored fingerprint of {model} is damaged: {exc}") from None

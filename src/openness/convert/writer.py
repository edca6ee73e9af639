"""A safetensors writer: 8-byte header length, JSON header padded to 8 bytes, then the data.

Tensors are written in plan order, back to back; each gets its own bytes, so tensors that shared
a storage in the checkpoint (tied weights, views) are separate copies (safetensors has no aliasing).
"""

from __future__ import annotations

import json
import struct
from typing import BinaryIO

from .plan import ConversionPlan, ConversionRefused
from .strided import tensor_bytes


def header(plan: ConversionPlan, metadata: dict[str, str]) -> bytes:
    entries: dict[str, object] = {"__metadata__": metadata} if metadata else {}
    offset = 0
    for t in plan.tensors:
        if t.name in entries or t.name == "__metadata__":
            raise ConversionRefused(f"two tensors would be named {t.name!r}")
        entries[t.name] = {
            "dtype": t.dtype,
            "shape": list(t.shape),
            "data_offsets": [offset, offset + t.nbytes],
        }
        offset += t.nbytes
    raw = json.dumps(entries, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw


def write_safetensors(plan: ConversionPlan, out: BinaryIO, metadata: dict[str, str]) -> int:
    """Write the plan; returns the number of bytes written."""
    head = header(plan, metadata)
    out.write(head)
    written = len(head)
    for t in plan.tensors:
        n = 0
        for chunk in tensor_bytes(t):
            out.write(chunk)
            n += len(chunk)
        if n != t.nbytes:
            raise ConversionRefused(f"tensor {t.name!r}: wrote {n:,} bytes, expected {t.nbytes:,}")
        written += n
    return written

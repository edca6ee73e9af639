"""safetensors: 8-byte little-endian header length, a JSON header, then raw tensor bytes."""

from __future__ import annotations

import json
import struct
from typing import Any, BinaryIO

from ..errors import FormatError
from ..limits import Limits
from ..model import Artifact, ReaderResult, TensorInfo
from . import detect
from .common import check_limit, count_parameters, fact, read_exact

_DTYPE_BYTES = {
    "BOOL": 1,
    "U8": 1,
    "I8": 1,
    "F8_E5M2": 1,
    "F8_E4M3": 1,
    "F8_E8M0": 1,
    "F4": 1,
    "I16": 2,
    "U16": 2,
    "F16": 2,
    "BF16": 2,
    "I32": 4,
    "U32": 4,
    "F32": 4,
    "I64": 8,
    "U64": 8,
    "F64": 8,
    "C64": 8,
}


class SafetensorsReader:
    formats = (detect.SAFETENSORS,)

    def read(self, path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult:
        stream.seek(0)
        (n,) = struct.unpack("<Q", read_exact(stream, 8, "header length", 0))
        check_limit(n, limits.max_header_bytes, "declared header size", 0)
        if n > size - 8:
            raise FormatError(
                f"header length {n:,} runs past the end of the file ({size:,} bytes)", offset=0
            )
        raw = read_exact(stream, n, "JSON header", 8)
        try:
            header = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FormatError(f"header is not valid JSON: {exc}", offset=8) from None
        if not isinstance(header, dict):
            raise FormatError(f"header is JSON {type(header).__name__}, not an object", offset=8)
        data_size = size - 8 - n
        metadata = header.pop("__metadata__", None)
        tensors = [self._tensor(name, spec, data_size, 8 + n) for name, spec in header.items()]
        check_limit(len(tensors), limits.max_tensors, "tensor count", 8)
        total, dtypes = count_parameters(tensors)
        evidence = [
            fact("weights.tensors", len(tensors), path, offset=8, note="safetensors header"),
            fact(
                "weights.parameters",
                total,
                path,
                offset=8,
                note="sum of tensor shapes in the safetensors header",
            ),
        ]
        if isinstance(metadata, dict):
            for key, value in sorted(metadata.items())[:50]:
                if isinstance(value, str):
                    evidence.append(
                        fact(
                            "safetensors.metadata",
                            f"{key}={value[:200]}",
                            path,
                            offset=8,
                            key=f"__metadata__.{key}",
                        )
                    )
        return ReaderResult(
            Artifact(path, detect.SAFETENSORS, total, len(tensors), dtypes),
            tuple(evidence),
            tensors=tuple(tensors),
        )

    @staticmethod
    def _tensor(name: str, spec: Any, data_size: int, data_start: int) -> TensorInfo:
        if not isinstance(spec, dict):
            raise FormatError(f"tensor {name!r} entry is not an object", key=name)
        dtype, shape, offsets = spec.get("dtype"), spec.get("shape"), spec.get("data_offsets")
        if (
            not isinstance(dtype, str)
            or not isinstance(shape, list)
            or not all(isinstance(d, int) and d >= 0 for d in shape)
        ):
            raise FormatError(f"tensor {name!r} has an invalid dtype or shape", key=name)
        if (
            not isinstance(offsets, list)
            or len(offsets) != 2
            or not all(isinstance(o, int) for o in offsets)
            or not 0 <= offsets[0] <= offsets[1] <= data_size
        ):
            raise FormatError(
                f"tensor {name!r} data offsets {offsets!r} fall outside the file", key=name
            )
        info = TensorInfo(name, dtype, tuple(shape), data_offset=data_start + offsets[0])
        width = _DTYPE_BYTES.get(dtype)
        if width is not None and offsets[1] - offsets[0] != info.numel * width and dtype != "F4":
            raise FormatError(
                f"tensor {name!r} spans {offsets[1] - offsets[0]:,} bytes but its shape and dtype "
                f"need {info.numel * width:,}",
                key=name,
            )
        return info

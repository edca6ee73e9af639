"""Raw little-endian tensor bytes -> float64 values, for the dtypes lineage can sample."""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

Values = npt.NDArray[np.float64]

_PLAIN = {
    "F64": "<f8",
    "F32": "<f4",
    "F16": "<f2",
    "I32": "<i4",
    "I16": "<i2",
    "I8": "i1",
    "U8": "u1",
}
_FP8 = {"F8_E4M3": (4, 7), "F8_E4M3FN": (4, 7), "F8_E5M2": (5, 15)}


def width(dtype: str) -> int | None:
    """Bytes per element when lineage can decode the dtype, else None."""
    if dtype in _PLAIN:
        return int(np.dtype(_PLAIN[dtype]).itemsize)
    if dtype == "BF16":
        return 2
    if dtype in _FP8:
        return 1
    return None


def decode(raw: bytes, dtype: str) -> Values:
    if dtype in _PLAIN:
        return np.frombuffer(raw, dtype=_PLAIN[dtype]).astype(np.float64)
    if dtype == "BF16":
        wide = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
        return wide.view(np.float32).astype(np.float64)
    if dtype in _FP8:
        return _fp8_table(*_FP8[dtype])[np.frombuffer(raw, dtype=np.uint8)]
    raise ValueError(f"lineage cannot decode dtype {dtype}")


@cache
def _fp8_table(exponent_bits: int, bias: int) -> Values:
    """All 256 values of an 8-bit float (sign, exponent, mantissa); NaN codes become NaN."""
    mantissa_bits = 7 - exponent_bits
    table = np.empty(256, dtype=np.float64)
    for code in range(256):
        sign = -1.0 if code & 0x80 else 1.0
        exp = (code >> mantissa_bits) & ((1 << exponent_bits) - 1)
        man = code & ((1 << mantissa_bits) - 1)
        if exp == 0:
            value = man / (1 << mantissa_bits) * 2.0 ** (1 - bias)
        else:
            value = (1 + man / (1 << mantissa_bits)) * 2.0 ** (exp - bias)
        table[code] = sign * value
    if exponent_bits == 4:  # e4m3fn: only S.1111.111 is NaN, no infinities
        table[0x7F] = table[0xFF] = np.nan
    else:  # e5m2 follows IEEE: the top exponent is inf/NaN
        top = np.arange(256)[((np.arange(256) >> 2) & 0x1F) == 0x1F]
        table[top] = np.nan
    return table

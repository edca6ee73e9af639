"""GGUF (llama.cpp): header, typed metadata key/values, tensor infos; tensor data is never read.

Layout (little-endian; versions 1-3): magic ``GGUF``, u32 version, tensor count and kv count
(u32 in v1, u64 from v2), the key/values, the tensor infos, then aligned tensor data. Strings are a
length (u32 in v1, u64 from v2) and UTF-8 bytes. Every count and length is checked against
`Limits` and against the bytes left in the file before anything is allocated; long arrays such as
a tokenizer vocabulary are walked and only their length is kept.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, replace
from typing import BinaryIO

from ..errors import FormatError, LimitExceeded
from ..limits import Limits
from ..model import Artifact, Evidence, Finding, Location, ReaderResult, TensorInfo
from ..rules import finding
from . import detect
from .common import KEEP_TEMPLATE, check_limit, count_parameters, fact

#: text values are kept up to this many bytes (the full length is always recorded)
KEEP_TEXT = 4096
#: arrays up to this length keep their (scalar or short text) items
KEEP_ITEMS = 16
MAX_ARRAY_DEPTH = 8
MAX_DIMS = 8  # ggml allows 4; leave room, refuse nonsense
DEFAULT_ALIGNMENT = 32
_CHUNK = 1 << 20

# metadata value types
_U8, _I8, _U16, _I16, _U32, _I32, _F32, _BOOL, _STRING, _ARRAY, _U64, _I64, _F64 = range(13)
_SCALARS: dict[int, str] = {
    _U8: "<B",
    _I8: "<b",
    _U16: "<H",
    _I16: "<h",
    _U32: "<I",
    _I32: "<i",
    _F32: "<f",
    _BOOL: "<?",
    _U64: "<Q",
    _I64: "<q",
    _F64: "<d",
}

#: ggml tensor types: id -> (name, elements per block, bytes per block)
GGML_TYPES: dict[int, tuple[str, int, int]] = {
    0: ("F32", 1, 4),
    1: ("F16", 1, 2),
    2: ("Q4_0", 32, 18),
    3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22),
    7: ("Q5_1", 32, 24),
    8: ("Q8_0", 32, 34),
    9: ("Q8_1", 32, 40),
    10: ("Q2_K", 256, 84),
    11: ("Q3_K", 256, 110),
    12: ("Q4_K", 256, 144),
    13: ("Q5_K", 256, 176),
    14: ("Q6_K", 256, 210),
    15: ("Q8_K", 256, 292),
    16: ("IQ2_XXS", 256, 66),
    17: ("IQ2_XS", 256, 74),
    18: ("IQ3_XXS", 256, 98),
    19: ("IQ1_S", 256, 50),
    20: ("IQ4_NL", 32, 18),
    21: ("IQ3_S", 256, 110),
    22: ("IQ2_S", 256, 82),
    23: ("IQ4_XS", 256, 136),
    24: ("I8", 1, 1),
    25: ("I16", 1, 2),
    26: ("I32", 1, 4),
    27: ("I64", 1, 8),
    28: ("F64", 1, 8),
    29: ("IQ1_M", 256, 56),
    30: ("BF16", 1, 2),
    34: ("TQ1_0", 256, 54),
    35: ("TQ2_0", 256, 66),
    39: ("MXFP4", 32, 17),
}

#: general.file_type (llama_ftype) -> name
FILE_TYPES: dict[int, str] = {
    0: "ALL_F32",
    1: "MOSTLY_F16",
    2: "MOSTLY_Q4_0",
    3: "MOSTLY_Q4_1",
    7: "MOSTLY_Q8_0",
    8: "MOSTLY_Q5_0",
    9: "MOSTLY_Q5_1",
    10: "MOSTLY_Q2_K",
    11: "MOSTLY_Q3_K_S",
    12: "MOSTLY_Q3_K_M",
    13: "MOSTLY_Q3_K_L",
    14: "MOSTLY_Q4_K_S",
    15: "MOSTLY_Q4_K_M",
    16: "MOSTLY_Q5_K_S",
    17: "MOSTLY_Q5_K_M",
    18: "MOSTLY_Q6_K",
    19: "MOSTLY_IQ2_XXS",
    20: "MOSTLY_IQ2_XS",
    21: "MOSTLY_Q2_K_S",
    22: "MOSTLY_IQ3_XS",
    23: "MOSTLY_IQ3_XXS",
    24: "MOSTLY_IQ1_S",
    25: "MOSTLY_IQ4_NL",
    26: "MOSTLY_IQ3_S",
    27: "MOSTLY_IQ3_M",
    28: "MOSTLY_IQ2_S",
    29: "MOSTLY_IQ2_M",
    30: "MOSTLY_IQ4_XS",
    31: "MOSTLY_IQ1_M",
    32: "MOSTLY_BF16",
    36: "MOSTLY_TQ1_0",
    37: "MOSTLY_TQ2_0",
    38: "MOSTLY_MXFP4_MOE",
    1024: "GUESSED",
}


@dataclass(frozen=True)
class Text:
    """A string value: its first KEEP_TEXT bytes, decoded, and its full length in bytes."""

    text: str
    length: int


@dataclass(frozen=True)
class Array:
    """An array value: item type, length, and the items when the array is short."""

    item_type: int
    length: int
    items: tuple[int | float | bool | Text, ...] = ()


Value = int | float | bool | Text | Array


@dataclass(frozen=True)
class Entry:
    value: Value
    offset: int


class _Cursor:
    """Sequential reads over the stream through a bounded buffer; knows how much file is left."""

    def __init__(self, stream: BinaryIO, size: int) -> None:
        self._stream = stream
        self.size = size
        self.pos = 0
        self._buf = b""
        self._buf_at = 0  # file offset of _buf[0]
        stream.seek(0)

    @property
    def remaining(self) -> int:
        return self.size - self.pos

    def need(self, n: int, what: str) -> None:
        if n < 0 or n > self.remaining:
            raise FormatError(
                f"{what} needs {n:,} bytes but only {max(self.remaining, 0):,} "
                f"are left in the file",
                offset=self.pos,
            )

    def take(self, n: int, what: str) -> bytes:
        self.need(n, what)
        start = self.pos - self._buf_at
        if start + n > len(self._buf):
            self._stream.seek(self.pos)
            data = self._stream.read(max(n, _CHUNK))
            if len(data) < n:
                raise FormatError(f"file ends inside the {what}", offset=self.pos)
            self._buf, self._buf_at, start = data, self.pos, 0
        self.pos += n
        return self._buf[start : start + n]

    def skip(self, n: int, what: str) -> None:
        self.need(n, what)
        self.pos += n

    def unpack(self, fmt: str, what: str) -> int | float | bool:
        value: int | float | bool = struct.unpack(fmt, self.take(struct.calcsize(fmt), what))[0]
        return value

    def uint(self, wide: bool, what: str) -> int:
        return int(self.unpack("<Q" if wide else "<I", what))


class GgufReader:
    formats: tuple[str, ...] = (detect.GGUF,)

    def read(self, path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult:
        try:
            return self._read(path, size, stream, limits)
        except (struct.error, ValueError, OverflowError, OSError) as exc:
            raise FormatError(f"cannot parse GGUF header: {exc}") from None

    @staticmethod
    def _read(path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult:
        cur = _Cursor(stream, size)
        version, n_tensors, n_kv = _header(cur, limits)
        wide = version >= 2
        meta: dict[str, Entry] = {}
        duplicates: list[tuple[str, int]] = []
        placed: list[_Placed] = []
        problem = ""
        tensors_at = 0
        try:
            for _ in range(n_kv):
                at = cur.pos
                key = _text(cur, wide, limits, "metadata key", name=True).text
                vtype = int(cur.unpack("<I", "metadata value type"))
                keep = KEEP_TEMPLATE if key.startswith("tokenizer.chat_template") else KEEP_TEXT
                entry = Entry(_value(cur, vtype, wide, limits, 0, keep), at)
                if key in meta:  # readers disagree on which one counts: keep (and check) both
                    duplicates.append((key, at))
                    key = f"{key}{DUPLICATE}{at}"
                meta[key] = entry
            tensors_at = cur.pos
            _tensor_infos(cur, n_tensors, wide, limits, placed)
        except LimitExceeded:
            raise
        except FormatError as exc:
            if not meta:
                raise
            where = f" at byte {exc.offset:,}" if exc.offset is not None else ""
            problem = f"GGUF header cut short{where}: {exc}"
        if not problem:
            problem = _check_data(placed, meta, cur.pos, size)
        result = _result(path, version, meta, placed, n_tensors, tensors_at, problem)
        if not duplicates:
            return result
        return replace(result, findings=(*result.findings, *_duplicate_findings(path, duplicates)))


#: a repeated metadata key is kept as `<key>@dup@<offset>`
DUPLICATE = "@dup@"


def _duplicate_findings(path: str, duplicates: list[tuple[str, int]]) -> list[Finding]:
    """gguf-py refuses a repeated key; other readers take the first or the last value, so the
    file means different things to different tools (a chat template checked is not the one run)."""
    return [
        finding(
            "OPN-FMT-001",
            f"metadata key {key!r} appears more than once: readers disagree on which value counts",
            Location(path, offset=at, key=key),
            key,
        )
        for key, at in duplicates[:20]
    ]


def _header(cur: _Cursor, limits: Limits) -> tuple[int, int, int]:
    if cur.take(4, "magic") != b"GGUF":
        raise FormatError("not a GGUF file (magic is not 'GGUF')", offset=0)
    raw = cur.take(4, "version")
    (version,) = struct.unpack("<I", raw)
    (big,) = struct.unpack(">I", raw)
    if version not in (1, 2, 3):
        if big in (1, 2, 3):
            raise FormatError(
                f"big-endian GGUF (version {big}) is not supported; only "
                "little-endian files can be read",
                offset=4,
            )
        raise FormatError(f"unsupported GGUF version {version}", offset=4)
    wide = version >= 2
    n_tensors = cur.uint(wide, "tensor count")
    n_kv = cur.uint(wide, "metadata count")
    check_limit(n_tensors, limits.max_gguf_tensors, "GGUF tensor count", 8)
    check_limit(n_kv, limits.max_gguf_kv, "GGUF metadata count", 16 if wide else 12)
    # smallest entries: key length + type + 1-byte value; name length + n_dims + type + offset
    cur.need(
        n_kv * ((8 if wide else 4) + 4 + 1) + n_tensors * ((8 if wide else 4) + 16),
        f"{n_kv:,} metadata entries and {n_tensors:,} tensor infos",
    )
    return version, n_tensors, n_kv


def _text(
    cur: _Cursor, wide: bool, limits: Limits, what: str, name: bool = False, keep: int = KEEP_TEXT
) -> Text:
    at = cur.pos
    n = cur.uint(wide, f"{what} length")
    cur.need(n, what)
    if name:  # keys and tensor names are identifiers: a huge one is an attack, not data
        check_limit(n, KEEP_TEXT, f"{what} length", at)
    elif n > limits.max_string_bytes:
        cur.skip(n, what)  # far longer than anything we keep: note its length only
        return Text("", n)
    raw = cur.take(n, what)
    return Text(raw[:keep].decode("utf-8", errors="replace"), n)


def _value(
    cur: _Cursor, vtype: int, wide: bool, limits: Limits, depth: int, keep: int = KEEP_TEXT
) -> Value:
    fmt = _SCALARS.get(vtype)
    if fmt is not None:
        return cur.unpack(fmt, "metadata value")
    if vtype == _STRING:
        return _text(cur, wide, limits, "string value", keep=keep)
    if vtype != _ARRAY:
        raise FormatError(f"unknown metadata value type {vtype}", offset=cur.pos - 4)
    if depth >= MAX_ARRAY_DEPTH:
        raise FormatError(f"arrays nested deeper than {MAX_ARRAY_DEPTH} levels", offset=cur.pos)
    item_type = int(cur.unpack("<I", "array item type"))
    at = cur.pos
    n = cur.uint(wide, "array length")
    check_limit(n, limits.max_gguf_array, "GGUF array length", at)
    ifmt = _SCALARS.get(item_type)
    if ifmt is not None:
        width = struct.calcsize(ifmt)
        cur.need(n * width, f"array of {n:,} items")
        if n > KEEP_ITEMS:
            cur.skip(n * width, "array")
            return Array(item_type, n)
        return Array(item_type, n, tuple(cur.unpack(ifmt, "array item") for _ in range(n)))
    if item_type not in (_STRING, _ARRAY):
        raise FormatError(f"unknown array item type {item_type}", offset=at - 4)
    cur.need(n * (8 if wide else 4), f"array of {n:,} items")  # each item has a length prefix
    items: list[int | float | bool | Text] = []
    for _ in range(n):
        item = _value(cur, item_type, wide, limits, depth + 1)
        if n <= KEEP_ITEMS and isinstance(item, Text):
            items.append(item)
    return Array(item_type, n, tuple(items))


@dataclass(frozen=True)
class _Placed:
    """A tensor info with where its data sits (relative to the data section) and its ggml type."""

    info: TensorInfo
    offset: int
    ggml_type: int


def _tensor_infos(cur: _Cursor, n: int, wide: bool, limits: Limits, placed: list[_Placed]) -> None:
    for _ in range(n):
        at = cur.pos
        name = _text(cur, wide, limits, "tensor name", name=True).text
        n_dims = int(cur.unpack("<I", "tensor dimension count"))
        if n_dims > MAX_DIMS:
            raise FormatError(f"tensor {name!r} declares {n_dims} dimensions", offset=at, key=name)
        dims = tuple(cur.uint(wide, "tensor dimension") for _ in range(n_dims))
        ggml_type = int(cur.unpack("<I", "tensor type"))
        offset = cur.uint(True, "tensor data offset")
        known = GGML_TYPES.get(ggml_type)
        dtype = known[0] if known else f"GGML_{ggml_type}"
        # ggml lists dims innermost first; report them the way numpy and torch do
        placed.append(_Placed(TensorInfo(name, dtype, tuple(reversed(dims))), offset, ggml_type))


def _check_data(placed: list[_Placed], meta: dict[str, Entry], infos_end: int, size: int) -> str:
    """Say why the tensor data section does not fit the file, or "" when it does."""
    entry = meta.get("general.alignment")
    align = entry.value if entry and isinstance(entry.value, int) and entry.value > 0 else 0
    align = align or DEFAULT_ALIGNMENT
    data_start = -(-infos_end // align) * align
    for p in placed:
        known = GGML_TYPES.get(p.ggml_type)
        if known is None:
            return f"tensor {p.info.name!r} has unknown ggml type {p.ggml_type}"
        _, block, width = known
        nbytes = -(-p.info.numel // block) * width
        if data_start + p.offset + nbytes > size:
            return (
                f"tensor {p.info.name!r} data ({nbytes:,} bytes at data offset "
                f"{p.offset:,}) runs past the end of the file; the file looks truncated"
            )
    return ""


def _str(meta: dict[str, Entry], key: str) -> str | None:
    entry = meta.get(key)
    return entry.value.text if entry and isinstance(entry.value, Text) else None


def _evidence(path: str, version: int, meta: dict[str, Entry]) -> list[Evidence]:
    ev = [fact("gguf.version", version, path, offset=4)]

    def add(name: str, key: str, value: int | str | None, note: str = "") -> None:
        if value is not None:
            ev.append(fact(name, value, path, offset=meta[key].offset, key=key, note=note))

    add("gguf.architecture", "general.architecture", _str(meta, "general.architecture"))
    add("gguf.name", "general.name", _str(meta, "general.name"))
    for key in ("general.license", "general.license.name", "general.license.link"):
        add(
            "gguf.license" if key == "general.license" else "gguf." + key[8:].replace(".", "_"),
            key,
            _str(meta, key),
        )
    ft = meta.get("general.file_type")
    if ft and isinstance(ft.value, int) and not isinstance(ft.value, bool):
        add(
            "gguf.file_type",
            "general.file_type",
            FILE_TYPES.get(ft.value, str(ft.value)),
            note=f"llama_ftype {ft.value}",
        )
    qv = meta.get("general.quantization_version")
    if qv and isinstance(qv.value, int) and not isinstance(qv.value, bool):
        add("gguf.quantization_version", "general.quantization_version", qv.value)
    for key in sorted(k for k in meta if k.startswith("tokenizer.chat_template")):
        value = meta[key].value
        if isinstance(value, Text):
            cut = " (kept the first part)" if value.length > KEEP_TEMPLATE else ""
            add(
                "gguf.chat_template",
                key,
                value.text,
                note=f"Jinja template, {value.length:,} bytes{cut}; read as text, never rendered",
            )
            add("gguf.chat_template_bytes", key, value.length)
    arch = _str(meta, "general.architecture")
    if arch:
        for name in ("embedding_length", "block_count", "context_length"):
            key = f"{arch}.{name}"
            entry = meta.get(key)
            if entry and isinstance(entry.value, int) and not isinstance(entry.value, bool):
                add(f"gguf.{name}", key, entry.value)
    tokens = meta.get("tokenizer.ggml.tokens")
    if tokens and isinstance(tokens.value, Array):
        add(
            "gguf.vocab_size",
            "tokenizer.ggml.tokens",
            tokens.value.length,
            note="length of tokenizer.ggml.tokens",
        )
    return ev


def _result(
    path: str,
    version: int,
    meta: dict[str, Entry],
    placed: list[_Placed],
    n_tensors: int,
    tensors_at: int,
    problem: str,
) -> ReaderResult:
    ev = _evidence(path, version, meta)
    tensors = tuple(p.info for p in placed)
    total, dtypes = count_parameters(tensors)
    whole = len(tensors) == n_tensors
    if whole:
        note = "sum of tensor dims in the GGUF tensor infos"
        ev.append(fact("weights.tensors", n_tensors, path, offset=tensors_at, note="GGUF header"))
        ev.append(fact("weights.parameters", total, path, offset=tensors_at, note=note))
    return ReaderResult(
        Artifact(
            path,
            detect.GGUF,
            total if whole else None,
            n_tensors if whole else None,
            dtypes,
            _str(meta, "general.architecture"),
            not problem,
            problem,
        ),
        tuple(ev),
        tensors=tensors,
    )

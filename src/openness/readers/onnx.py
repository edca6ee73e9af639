"""ONNX: a protobuf ModelProto, walked with our own wire-format parser; tensor bytes are skipped.

Only the fields below are decoded; every other field is skipped by its wire type. Lengths are
checked against the enclosing message before use, nesting (graphs inside node attributes) is
capped, and `raw_data` and the typed data fields are never read (only where `raw_data` starts is
noted, for lineage sampling). The file is mapped with mmap when
the stream has a real file descriptor, otherwise read through a small window. Protobuf has no end
marker: a file cut exactly between two top-level fields cannot be told from a whole one.
"""

from __future__ import annotations

import io
import mmap
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from ..errors import FormatError, LimitExceeded
from ..lazy_re import lazy
from ..limits import Limits
from ..model import Artifact, Evidence, Finding, Location, ReaderResult, TensorInfo
from ..rules import finding
from . import detect
from .common import check_limit, count_parameters, fact

MAX_DEPTH = 32  # message nesting; a real model nests graphs a few levels deep
MAX_DIMS = 64
KEEP_TEXT = 4096
MAX_OP_TYPES = 1000  # distinct op types kept; more are lumped together
MAX_KEPT = 200  # metadata entries, external locations and domains kept
_WINDOW = 1 << 16  # what a sequential scan (varint_count) asks for at a time
#: what a small random read (a tag, a name, dims) pulls in when the file is not mapped: tensor
#: headers lie between large raw_data payloads, so a big window would read the weights it skips
_SMALL_WINDOW = 1 << 12
_LOW_BYTES = bytes(range(0x80))  # a varint's last byte has no continuation bit

_VARINT, _I64, _LEN, _SGROUP, _EGROUP, _I32 = range(6)

#: TensorProto.DataType -> the dtype names used across openness
DATA_TYPES: dict[int, str] = {
    0: "UNDEFINED",
    1: "F32",
    2: "U8",
    3: "I8",
    4: "U16",
    5: "I16",
    6: "I32",
    7: "I64",
    8: "STRING",
    9: "BOOL",
    10: "F16",
    11: "F64",
    12: "U32",
    13: "U64",
    14: "C64",
    15: "C128",
    16: "BF16",
    17: "F8_E4M3FN",
    18: "F8_E4M3FNUZ",
    19: "F8_E5M2",
    20: "F8_E5M2FNUZ",
    21: "U4",
    22: "I4",
    23: "F4_E2M1",
    24: "F8_E8M0",
    25: "U2",
    26: "I2",
}
_STANDARD_DOMAINS = ("", "ai.onnx")
_DRIVE = lazy(r"^[A-Za-z]:")

ONX_001 = "OPN-ONX-001"


class _Bytes:
    """Random access to the file: an mmap when possible, else a bounded read window."""

    def __init__(self, stream: BinaryIO, size: int) -> None:
        self._stream = stream
        self.size = size
        self._map: mmap.mmap | None = None
        self._buf = b""
        self._at = 0
        try:
            fd = stream.fileno()
            if size > 0 and os.fstat(fd).st_size == size:
                self._map = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError, io.UnsupportedOperation, AttributeError):
            self._map = None

    def get(self, offset: int, n: int) -> bytes:
        n = max(0, min(n, self.size - offset))
        if self._map is not None:
            return self._map[offset : offset + n]
        if not (self._at <= offset and offset + n <= self._at + len(self._buf)):
            self._stream.seek(offset)
            self._buf, self._at = self._stream.read(max(n, _SMALL_WINDOW)), offset
        start = offset - self._at
        return self._buf[start : start + n]

    def close(self) -> None:
        if self._map is not None:
            self._map.close()


@dataclass(frozen=True)
class _Field:
    number: int
    wire: int
    value: int  # the varint for wire 0, else the payload's offset
    length: int  # payload length for wire 2
    at: int  # offset of the field's tag

    @property
    def end(self) -> int:
        return self.value + self.length


class _Wire:
    """Iterates protobuf fields of a message that spans [start, end) of the file."""

    def __init__(self, data: _Bytes) -> None:
        self.data = data

    def varint(self, pos: int, end: int) -> tuple[int, int]:
        raw = self.data.get(pos, min(10, end - pos))
        value = shift = 0
        for i, byte in enumerate(raw):
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value, pos + i + 1
            shift += 7
        raise FormatError("varint runs past the end of its message or is over 10 bytes", offset=pos)

    def fields(self, start: int, end: int) -> Iterator[_Field]:
        pos = start
        while pos < end:
            at = pos
            tag, pos = self.varint(pos, end)
            number, wire = tag >> 3, tag & 7
            if number == 0:
                raise FormatError("protobuf field number 0 is invalid", offset=at)
            if wire == _VARINT:
                value, pos = self.varint(pos, end)
                yield _Field(number, wire, value, 0, at)
                continue
            if wire == _LEN:
                length, pos = self.varint(pos, end)
            elif wire in (_I64, _I32):
                length = 8 if wire == _I64 else 4
            elif wire in (_SGROUP, _EGROUP):
                raise FormatError(
                    f"protobuf groups are not used by ONNX (field {number})", offset=at
                )
            else:
                raise FormatError(f"invalid protobuf wire type {wire} (field {number})", offset=at)
            if length > end - pos:
                raise FormatError(
                    f"field {number} declares {length:,} bytes but its message has "
                    f"{end - pos:,} left",
                    offset=at,
                )
            yield _Field(number, wire, pos, length, at)
            pos += length

    def text(self, f: _Field) -> str:
        if f.wire != _LEN:
            raise FormatError(f"field {f.number} should be a string", offset=f.value)
        return self.data.get(f.value, min(f.length, KEEP_TEXT)).decode("utf-8", errors="replace")

    def ints(self, f: _Field) -> Iterator[int]:
        """A repeated varint field, packed or not."""
        if f.wire == _VARINT:
            yield f.value
            return
        if f.wire != _LEN:
            raise FormatError(f"field {f.number} should hold varints", offset=f.value)
        pos = f.value
        while pos < f.end:
            value, pos = self.varint(pos, f.end)
            yield value


@dataclass
class _Model:
    """What has been read so far; a parse error keeps it for a partial result."""

    ir_version: int | None = None
    ir_at: int = 0
    producer: list[tuple[int, str, int]] = field(default_factory=list)
    model_version: tuple[int, int] | None = None
    opsets: list[tuple[str, int, int]] = field(default_factory=list)
    metadata: list[tuple[str, str, int]] = field(default_factory=list)
    graph_at: int | None = None
    nodes: int = 0
    ops: Counter[str] = field(default_factory=Counter)
    domains: dict[str, int] = field(default_factory=dict)
    tensors: list[TensorInfo] = field(default_factory=list)
    external: dict[str, tuple[int, str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    functions: int = 0


def _signed(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


class OnnxReader:
    formats: tuple[str, ...] = (detect.ONNX,)

    def read(self, path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult:
        data = _Bytes(stream, size)
        model = _Model()
        problem = ""
        try:
            _Parser(_Wire(data), model, path, limits).model(0, size)
        except LimitExceeded:
            raise
        except FormatError as exc:
            if model.ir_version is None and model.graph_at is None:
                raise
            where = f" at byte {exc.offset:,}" if exc.offset is not None else ""
            problem = f"ONNX model cut short{where}: {exc}"
        except (OSError, ValueError) as exc:
            raise FormatError(f"cannot read ONNX model: {exc}", offset=0) from None
        finally:
            data.close()
        if model.ir_version is None and model.graph_at is None:
            raise FormatError("no ir_version and no graph: not an ONNX model", offset=0)
        if not problem and model.graph_at is None:
            problem = "the model has no graph"
        if not problem and not model.opsets:  # exporters write them after the graph
            problem = "the model has no opset_import; the file may be cut short"
        return _result(path, model, problem)


class _Parser:
    def __init__(self, wire: _Wire, model: _Model, path: str, limits: Limits) -> None:
        self.w, self.m, self.path, self.limits = wire, model, path, limits

    def model(self, start: int, end: int) -> None:
        m, w = self.m, self.w
        for f in w.fields(start, end):
            if f.number == 1 and f.wire == _VARINT:
                m.ir_version, m.ir_at = f.value, f.at
            elif f.number in (2, 3) and f.wire == _LEN:
                m.producer.append((f.number, w.text(f), f.at))
            elif f.number == 5 and f.wire == _VARINT:
                m.model_version = (_signed(f.value), f.value)
            elif f.number == 7 and f.wire == _LEN:
                m.graph_at = f.value
                self.graph(f, 1)
            elif f.number == 8 and f.wire == _LEN:
                domain, version = "", 0
                for g in w.fields(f.value, f.end):
                    if g.number == 1:
                        domain = w.text(g)
                    elif g.number == 2 and g.wire == _VARINT:
                        version = _signed(g.value)
                m.opsets.append((domain, version, f.value))
            elif f.number == 14 and f.wire == _LEN and len(m.metadata) < MAX_KEPT:
                key, value = self.entry(f)
                m.metadata.append((key, value, f.value))
            elif f.number == 20 and f.wire == _LEN:
                m.functions += 1

    def entry(self, f: _Field) -> tuple[str, str]:
        """A StringStringEntryProto: key 1, value 2."""
        key = value = ""
        for g in self.w.fields(f.value, f.end):
            if g.number == 1:
                key = self.w.text(g)
            elif g.number == 2:
                value = self.w.text(g)
        return key, value

    def graph(self, f: _Field, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise FormatError(f"graphs nested deeper than {MAX_DEPTH} levels", offset=f.value)
        for g in self.w.fields(f.value, f.end):
            if g.wire != _LEN:
                continue
            if g.number == 1:
                self.node(g, depth + 1)
            elif g.number == 5:
                self.tensor(g, None)
            elif g.number == 15:
                self.sparse(g)

    def node(self, f: _Field, depth: int) -> None:
        m, w = self.m, self.w
        op, domain, name, output = "", "", "", ""
        attributes: list[_Field] = []
        for g in w.fields(f.value, f.end):
            if g.number == 4:
                op = w.text(g)
            elif g.number == 7:
                domain = w.text(g)
            elif g.number == 3:
                name = w.text(g)
            elif g.number == 2 and not output:
                output = w.text(g)
            elif g.number == 5 and g.wire == _LEN:
                attributes.append(g)
        standard = domain in _STANDARD_DOMAINS or domain.startswith("ai.onnx.")
        for g in attributes:  # op_type may follow the attributes: they are read after it
            if op == "Constant" and standard:
                self.constant(g, output or name or "Constant")
            self.attribute(g, depth + 1)
        m.nodes += 1
        if op in m.ops or len(m.ops) < MAX_OP_TYPES:
            m.ops[op] += 1
        else:
            m.ops["(other op types)"] += 1
        if not standard and len(m.domains) < MAX_KEPT:
            m.domains.setdefault(domain, f.value)

    def attribute(self, f: _Field, depth: int) -> None:
        """AttributeProto: subgraphs in g (6) and graphs (11) are walked for their nodes."""
        if depth > MAX_DEPTH:
            raise FormatError(f"attributes nested deeper than {MAX_DEPTH} levels", offset=f.value)
        for g in self.w.fields(f.value, f.end):
            if g.number in (6, 11) and g.wire == _LEN:
                self.graph(g, depth + 1)

    def constant(self, f: _Field, output: str) -> None:
        """A Constant node's value: t (5), sparse_tensor (22), f (2), floats (7), i (3), ints (8).

        Exporters fold weights into Constant nodes instead of initializers; they are parameters.
        value_string(s) are not."""
        w = self.w
        attr = ""
        value: _Field | None = None
        count = 0  # repeated floats/ints: packed (one LEN field) or one field per element
        for g in w.fields(f.value, f.end):
            if g.number == 1:
                attr = w.text(g)
            elif g.number in (2, 3) or (g.number in (5, 22) and g.wire == _LEN):
                value = g
            elif g.number == 7:
                value = g
                count += g.length // 4 if g.wire == _LEN else 1
            elif g.number == 8:
                value = g
                count += self.varint_count(g) if g.wire == _LEN else 1
        if value is None:
            return
        if attr == "value" and value.number == 5:
            self.tensor(value, None, output)
        elif attr == "sparse_value" and value.number == 22:
            self.sparse(value, output)
        elif attr in ("value_float", "value_int") and value.number in (2, 3):
            self.add(TensorInfo(output, "F32" if value.number == 2 else "I64", ()), value.at)
        elif attr in ("value_floats", "value_ints") and value.number in (7, 8):
            self.add(TensorInfo(output, "F32" if value.number == 7 else "I64", (count,)), value.at)

    def varint_count(self, f: _Field) -> int:
        """Varints in a packed field: the bytes without a continuation bit, read in slices."""
        n, pos = 0, f.value
        while pos < f.end:
            chunk = self.w.data.get(pos, min(_WINDOW, f.end - pos))
            if not chunk:
                break
            n += len(chunk) - len(chunk.translate(None, _LOW_BYTES))
            pos += len(chunk)
        return n

    def add(self, tensor: TensorInfo, offset: int) -> None:
        check_limit(len(self.m.tensors) + 1, self.limits.max_tensors, "tensor count", offset)
        self.m.tensors.append(tensor)

    def tensor(self, f: _Field, dims_override: tuple[int, ...] | None, fallback: str = "") -> None:
        """TensorProto: dims 1, data_type 2, name 8, external_data 13; data fields skipped.

        Tensors whose external data name the same bytes (location, offset, length) count once."""
        w = self.w
        dims: list[int] = []
        dtype, name = 0, ""
        locations: list[str] = []
        where: dict[str, str] = {}
        raw_at: int | None = None
        for g in w.fields(f.value, f.end):
            if g.number == 1:
                for d in w.ints(g):
                    dims.append(_signed(d))
                    if len(dims) > MAX_DIMS:
                        raise FormatError(f"tensor has over {MAX_DIMS} dims", offset=g.value)
            elif g.number == 2 and g.wire == _VARINT:
                dtype = g.value
            elif g.number == 8:
                name = w.text(g)
            elif g.number == 9 and g.wire == _LEN:
                raw_at = g.value
            elif g.number == 13 and g.wire == _LEN:
                key, value = self.entry(g)
                if key == "location":
                    locations.append(value)
                if key in ("location", "offset", "length"):
                    where.setdefault(key, value.strip())
        name = name or fallback
        shape = dims_override if dims_override is not None else tuple(dims)
        if any(d < 0 for d in shape):
            raise FormatError(
                f"initializer {name!r} has a negative dimension {shape}", offset=f.value, key=name
            )
        storage = None
        if "location" in where:
            storage = f"{where['location']}@{where.get('offset', '0')}+{where.get('length', '')}"
        info = TensorInfo(name, DATA_TYPES.get(dtype, f"ONNX_{dtype}"), shape, storage, raw_at)
        self.add(info, f.value)
        for loc in locations:
            self.external(loc, name, f.value)

    def sparse(self, f: _Field, fallback: str = "") -> None:
        """SparseTensorProto: values 1 (a TensorProto), dims 3 (the dense shape)."""
        values: _Field | None = None
        dims: list[int] = []
        for g in self.w.fields(f.value, f.end):
            if g.number == 1 and g.wire == _LEN:
                values = g
            elif g.number == 3:
                dims.extend(_signed(d) for d in self.w.ints(g))
                if len(dims) > MAX_DIMS:
                    raise FormatError(f"sparse tensor has over {MAX_DIMS} dims", offset=g.value)
        if values is not None:
            self.tensor(values, tuple(dims), fallback)

    def external(self, location: str, tensor: str, offset: int) -> None:
        m = self.m
        if location not in m.external and len(m.external) < MAX_KEPT:
            m.external[location] = (offset, tensor)
            if _leaves_release(location):
                m.findings.append(
                    finding(
                        ONX_001,
                        "external data path leaves the release",
                        Location(self.path, offset=offset, key=tensor),
                        trigger=location,
                    )
                )


def _leaves_release(location: str) -> bool:
    parts = re.split(r"[\\/]", location)
    return (
        location.startswith(("/", "\\", "~"))
        or bool(_DRIVE.match(location))
        or ".." in parts
        or "\x00" in location
    )


def _result(path: str, m: _Model, problem: str) -> ReaderResult:
    ev: list[Evidence] = []
    if m.ir_version is not None:
        ev.append(fact("onnx.ir_version", m.ir_version, path, offset=m.ir_at))
    producer = " ".join(t for _, t, _ in sorted(m.producer) if t)
    if producer:
        ev.append(
            fact(
                "onnx.producer",
                producer,
                path,
                offset=min(a for *_, a in m.producer),
                key="producer_name",
            )
        )
    if m.model_version is not None:
        ev.append(fact("onnx.model_version", m.model_version[0], path, key="model_version"))
    for domain, version, at in m.opsets:
        ev.append(
            fact(
                "onnx.opset",
                (domain or "ai.onnx", version),
                path,
                offset=at,
                key=f"opset_import.{domain or 'ai.onnx'}",
            )
        )
    for key, value, at in m.metadata[:50]:
        ev.append(
            fact(
                "onnx.metadata",
                f"{key}={value[:200]}",
                path,
                offset=at,
                key=f"metadata_props.{key}",
            )
        )
    for location, (at, tensor) in m.external.items():
        ev.append(
            fact(
                "onnx.external_data",
                location,
                path,
                offset=at,
                key=tensor,
                note="tensor data stored in another file",
            )
        )
    if m.functions:
        ev.append(
            fact("onnx.functions", m.functions, path, key="functions", note="model-local functions")
        )
    total, dtypes = count_parameters(m.tensors)
    if m.graph_at is not None:
        at = m.graph_at
        ev.append(
            fact(
                "onnx.custom_domains",
                tuple(sorted(m.domains)),
                path,
                offset=at,
                note="op domains other than the standard ai.onnx ones",
            )
        )
        ev.append(fact("onnx.nodes", m.nodes, path, offset=at))
        ops = tuple((op, n) for op, n in m.ops.most_common())
        ev.append(fact("onnx.ops", ops, path, offset=at, note="op type counts"))
        if not problem:
            ev.append(
                fact(
                    "weights.tensors",
                    len(m.tensors),
                    path,
                    offset=at,
                    note="initializers and Constant node values, subgraphs included",
                )
            )
            ev.append(
                fact(
                    "weights.parameters",
                    total,
                    path,
                    offset=at,
                    note="elements of initializers and Constant values, subgraphs included; "
                    "tensors naming the same external bytes count once",
                )
            )
    return ReaderResult(
        Artifact(
            path,
            detect.ONNX,
            None if problem else total,
            None if problem else len(m.tensors),
            dtypes,
            None,
            not problem,
            problem,
        ),
        tuple(ev),
        tuple(m.findings),
        tensors=tuple(m.tensors),
    )

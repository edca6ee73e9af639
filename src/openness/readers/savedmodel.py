"""TensorFlow SavedModel `saved_model.pb`, read as protobuf without TensorFlow.

Only the path to op names is walked: SavedModel.meta_graphs(2) -> MetaGraphDef.graph_def(2) ->
GraphDef.node(1) -> NodeDef.op(2), and GraphDef.library(2) -> FunctionDefLibrary.function(1) ->
FunctionDef.node_def(3) -> NodeDef.op(2) (function names from FunctionDef.signature(1).name(1)).
Ops that run Python or touch files or the network are findings. The save/restore ops every
SavedModel carries are expected inside the saver (`save/` scope, `*_traced_save*` and
`*_traced_restore*` functions) and reported only elsewhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from ..errors import FormatError
from ..limits import Limits
from ..model import Artifact, Finding, Location, ReaderResult
from ..rules import finding
from . import detect
from .common import check_limit, fact, read_exact

FORMAT = detect.SAVEDMODEL
PYTHON_OPS = frozenset({"PyFunc", "PyFuncStateless", "EagerPyFunc"})
FILE_OPS = frozenset(
    {
        "ReadFile",
        "WriteFile",
        "MatchingFiles",
        "MatchingFilesDataset",
        "ImmutableConst",
        "WholeFileReader",
        "WholeFileReaderV2",
        "TextLineReader",
        "TextLineReaderV2",
        "FixedLengthRecordReader",
        "FixedLengthRecordReaderV2",
        "TFRecordReader",
        "TFRecordReaderV2",
        "LMDBReader",
        "TextLineDataset",
        "TFRecordDataset",
        "FixedLengthRecordDataset",
        "DatasetToTFRecord",
        "ExperimentalDatasetToTFRecord",
        "SaveDataset",
        "SaveDatasetV2",
        "LoadDataset",
        "CreateSummaryFileWriter",
        "WriteScalarSummary",
        "WriteSummary",
        "WriteRawProtoSummary",
        "DebugIdentityV2",
        "DebugIdentityV3",
        "PrintV2",  # output_stream may name a file
        "RpcCall",
        "RpcClient",
        "RpcServer",
        "RpcServerStart",
        "RpcServerRegister",
        "DecodeProtoV2",  # descriptor_source may name a file
    }
)
SAVER_OPS = frozenset(
    {
        "Save",
        "SaveV2",
        "SaveSlices",
        "Restore",
        "RestoreV2",
        "RestoreSlice",
        "MergeV2Checkpoints",
        "ShardedFilename",
    }
)
_MAX_FINDINGS = 50
_MAX_DEPTH_NODES = 5_000_000


@dataclass
class _Node:
    op: str
    name: str
    offset: int
    function: str | None


@dataclass
class _Graph:
    ops: Counter[str] = field(default_factory=Counter)
    nodes: list[_Node] = field(default_factory=list)
    functions: int = 0


def _varint(buf: bytes | memoryview, i: int, end: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        if i >= end or shift > 63:
            raise FormatError("truncated or overlong protobuf varint", offset=i)
        b = buf[i]
        result |= (b & 0x7F) << shift
        i += 1
        if b < 0x80:
            return result, i
        shift += 7


def _fields(buf: bytes | memoryview, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """(field number, wire type, value start, value end|varint value) for one message."""
    i = start
    while i < end:
        key, i = _varint(buf, i, end)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i, end)
            yield number, wire, i, value
        elif wire == 1:
            i += 8
        elif wire == 2:
            n, i = _varint(buf, i, end)
            if i + n > end:
                raise FormatError(f"field {number} runs past its message", offset=i)
            yield number, wire, i, i + n
            i += n
        elif wire == 5:
            i += 4
        else:
            raise FormatError(f"unsupported protobuf wire type {wire}", offset=i)
    if i > end:
        raise FormatError("message runs past its end", offset=end)


def _text(buf: bytes | memoryview, start: int, end: int) -> str:
    return bytes(buf[start : min(end, start + 512)]).decode("utf-8", "replace")


def _node(buf: memoryview, start: int, end: int, function: str | None) -> _Node:
    op = name = ""
    for number, wire, a, b in _fields(buf, start, end):
        if wire == 2 and number == 1:
            name = _text(buf, a, b)
        elif wire == 2 and number == 2:
            op = _text(buf, a, b)
    return _Node(op, name, start, function)


def _graph_def(buf: memoryview, start: int, end: int, graph: _Graph) -> None:
    for number, wire, a, b in _fields(buf, start, end):
        if wire != 2:
            continue
        if number == 1:
            graph.nodes.append(_node(buf, a, b, None))
        elif number == 2:
            for fnum, fwire, fa, fb in _fields(buf, a, b):
                if fnum == 1 and fwire == 2:
                    graph.functions += 1
                    _function(buf, fa, fb, graph)
        if len(graph.nodes) > _MAX_DEPTH_NODES:
            raise FormatError("more graph nodes than the limit", offset=a)


def _function(buf: memoryview, start: int, end: int, graph: _Graph) -> None:
    name = "?"
    bodies: list[tuple[int, int]] = []
    for number, wire, a, b in _fields(buf, start, end):
        if wire != 2:
            continue
        if number == 1:  # OpDef signature: name is field 1
            for snum, swire, sa, sb in _fields(buf, a, b):
                if snum == 1 and swire == 2:
                    name = _text(buf, sa, sb)
        elif number == 3:
            bodies.append((a, b))
    graph.nodes += [_node(buf, a, b, name) for a, b in bodies]


def parse(data: bytes) -> _Graph:
    buf = memoryview(data)
    graph = _Graph()
    for number, wire, a, b in _fields(buf, 0, len(buf)):
        if number == 2 and wire == 2:  # MetaGraphDef
            for mnum, mwire, ma, mb in _fields(buf, a, b):
                if mnum == 2 and mwire == 2:
                    _graph_def(buf, ma, mb, graph)
    for n in graph.nodes:
        graph.ops[n.op] += 1
    return graph


def _in_saver(node: _Node) -> bool:
    if node.function is not None:
        return "traced_save" in node.function or "traced_restore" in node.function
    scope = node.name.split("/", 1)[0].lower()
    return scope.startswith(("save", "saver")) or scope.endswith("_save")


def _findings(path: str, graph: _Graph) -> list[Finding]:
    out: list[Finding] = []
    for node in graph.nodes:
        if node.op in PYTHON_OPS:
            rule, why = "OPN-TFS-001", "runs a Python function of the loading program"
        elif node.op in FILE_OPS:
            rule, why = "OPN-TFS-002", "reads or writes files or the network"
        elif node.op in SAVER_OPS and not _in_saver(node):
            rule, why = "OPN-TFS-002", "checkpoint save/restore outside the saver"
        else:
            continue
        where = f"function {node.function}: " if node.function else ""
        out.append(
            finding(
                rule,
                f"op {node.op} {why}",
                Location(path, offset=node.offset, key=f"{where}node {node.name}"),
                node.op,
            )
        )
        if len(out) >= _MAX_FINDINGS:
            break
    return out


class SavedModelReader:
    formats = (FORMAT,)

    def read(self, path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult:
        check_limit(size, limits.max_header_bytes, "saved_model.pb size", 0)
        stream.seek(0)
        data = read_exact(stream, size, "saved_model.pb", 0)
        graph = parse(data)
        ev = [
            fact("savedmodel.nodes", len(graph.nodes), path, note="graph and function nodes"),
            fact("savedmodel.functions", graph.functions, path),
            fact(
                "savedmodel.ops",
                tuple((op, n) for op, n in graph.ops.most_common(100)),
                path,
                note="op type counts",
            ),
        ]
        artifact = Artifact(path, FORMAT)
        return ReaderResult(artifact, tuple(ev), tuple(_findings(path, graph)))

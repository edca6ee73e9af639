"""NumPy `.npy` (one array) and `.npz` (a zip of `.npy` members); only headers are read.

A `.npy` file is ``\\x93NUMPY``, a major/minor version byte pair, a header length (u16 in 1.0,
u32 in 2.0 and 3.0) and a Python dict literal: ``{'descr': '<f4', 'fortran_order': False,
'shape': (3, 4), }``. The literal is parsed with `ast.literal_eval` after a length cap, which
evaluates literals only. Object arrays (`descr` 'O') store a pickle: that is a finding.
"""

from __future__ import annotations

import ast
import math
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from ..errors import FormatError
from ..lazy_re import lazy
from ..limits import Limits
from ..model import Artifact, Evidence, Finding, Location, ReaderResult, TensorInfo
from ..rules import finding
from . import detect
from .common import ZIP_ERRORS, check_limit, count_parameters, fact, open_zip
from .pickle.report import PickleReport
from .pickle.walker import PickleWalker

MAGIC = b"\x93NUMPY"
#: numpy itself refuses headers over 10,000 bytes unless told otherwise; we allow some room
MAX_NPY_HEADER = 256 * 1024
MAX_DIMS = 64
NPY_001 = "OPN-NPY-001"
_OBJECT_REASON = "object array: loading needs allow_pickle and runs a pickle"
_DESCR = lazy(r"^([<>|=]?)([a-zA-Z])(\d*)(\[\w+\])?$")
_CODES = {"f": "F", "i": "I", "u": "U", "c": "C"}
_NAMED = {
    "b": "BOOL",
    "O": "OBJECT",
    "U": "STR",
    "S": "BYTES",
    "a": "BYTES",
    "V": "VOID",
    "M": "DATETIME64",
    "m": "TIMEDELTA64",
    "?": "BOOL",
}


@dataclass(frozen=True)
class NpyHeader:
    version: str
    descr: Any  # a type string, or a list describing a structured dtype
    fortran_order: bool
    shape: tuple[int, ...]
    data_offset: int  # bytes before the array data

    @property
    def numel(self) -> int:
        return math.prod(self.shape)


def dtype_name(descr: Any) -> str:
    """'<f4' -> 'F32', '|u1' -> 'U8', '|O' -> 'OBJECT'; a structured dtype is 'STRUCT'."""
    if not isinstance(descr, str):
        return "STRUCT"
    m = _DESCR.match(descr)
    if not m:
        return descr
    code, digits = m.group(2), m.group(3)
    if code in _CODES and digits:
        return f"{_CODES[code]}{int(digits) * 8}"
    return _NAMED.get(code, descr)


def itemsize(descr: Any) -> int | None:
    """Bytes per element for a simple type string; None when unknown (objects, structs)."""
    m = _DESCR.match(descr) if isinstance(descr, str) else None
    if not m or m.group(2) == "O":
        return None
    code, digits = m.group(2), m.group(3)
    n = int(digits) if digits else (1 if code in "b?" else 0)
    return 4 * n if code == "U" else n


def has_object(descr: Any) -> bool:
    """True when the dtype holds Python objects anywhere (such arrays are stored as a pickle)."""
    if isinstance(descr, str):
        m = _DESCR.match(descr)
        # np.load calls numpy.dtype on the string: 'object', 'i4,O', '(2,)O' hold objects too
        return bool(m and m.group(2) == "O") or "O" in descr or "object" in descr
    if isinstance(descr, list):
        return any(isinstance(f, tuple) and len(f) >= 2 and has_object(f[1]) for f in descr)
    return False


def parse_header(read: Callable[[int], bytes], limit: int, available: int | None) -> NpyHeader:
    """Parse a .npy preamble and header from `read`; `available` is the file size when known."""
    pre = read(8)
    if len(pre) < 8 or not pre.startswith(MAGIC):
        raise FormatError("not a .npy array (bad magic)", offset=0)
    major, minor = pre[6], pre[7]
    if major == 1:
        raw, fmt = read(2), "<H"
    elif major in (2, 3):
        raw, fmt = read(4), "<I"
    else:
        raise FormatError(f"unsupported .npy format version {major}.{minor}", offset=6)
    if len(raw) != struct.calcsize(fmt):
        raise FormatError("file ends inside the .npy header length", offset=8)
    (hlen,) = struct.unpack(fmt, raw)
    start = 8 + len(raw)
    check_limit(hlen, min(limit, MAX_NPY_HEADER), ".npy header length", 8)
    if available is not None and start + hlen > available:
        raise FormatError(f".npy header length {hlen:,} runs past the end of the file", offset=8)
    text = read(hlen)
    if len(text) != hlen:
        raise FormatError("file ends inside the .npy header", offset=start)
    try:
        literal = ast.literal_eval(text.decode("utf-8" if major == 3 else "latin1"))
    except Exception as exc:  # literal_eval raises many types on hostile input; all mean "bad"
        raise FormatError(
            f".npy header is not a Python literal: {type(exc).__name__}", offset=start
        ) from None
    return _validate(literal, f"{major}.{minor}", start + hlen)


def _validate(header: Any, version: str, data_offset: int) -> NpyHeader:
    if not isinstance(header, dict):
        raise FormatError(f".npy header is a {type(header).__name__}, not a dict", offset=10)
    descr, fortran, shape = header.get("descr"), header.get("fortran_order"), header.get("shape")
    if not isinstance(descr, str | list):
        raise FormatError(".npy header has no valid 'descr'", offset=10, key="descr")
    if not isinstance(fortran, bool):
        raise FormatError(
            ".npy header has no valid 'fortran_order'", offset=10, key="fortran_order"
        )
    if (
        not isinstance(shape, tuple)
        or len(shape) > MAX_DIMS
        or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)
    ):
        raise FormatError(
            f".npy header shape {str(shape)[:80]} is not a tuple of sizes", offset=10, key="shape"
        )
    return NpyHeader(version, descr, fortran, shape, data_offset)


def _short_data(h: NpyHeader, data_bytes: int) -> str:
    width = itemsize(h.descr)
    if width is not None and h.numel * width > data_bytes:
        return (
            f"the header declares {h.numel * width:,} bytes of data but only "
            f"{max(data_bytes, 0):,} follow; the file looks truncated"
        )
    return ""


def _object_finding(path: str, h: NpyHeader, key: str | None) -> Finding:
    return finding(
        NPY_001,
        _OBJECT_REASON,
        Location(path, offset=10, key=key),
        trigger=f"descr {str(h.descr)[:120]}",
    )


def _weights(path: str, tensors: list[TensorInfo], note: str) -> list[Evidence]:
    total, _ = count_parameters(tensors)
    return [
        fact("weights.tensors", len(tensors), path, offset=0, note=note),
        fact(
            "weights.parameters",
            total,
            path,
            offset=0,
            note="product of the shapes in the .npy headers",
        ),
    ]


def _walk_objects(
    path: str, stream: BinaryIO, start: int, size: int, limits: Limits, key: str | None
) -> tuple[list[Finding], list[str]]:
    """An object array's data is a pickle (np.load unpickles it): walk it like any other, so
    what it imports and calls is reported, not only that it is there."""
    report = PickleReport(path, detect.PICKLE)
    walker = PickleWalker(stream, min(size, limits.max_pickle_bytes), limits, start=start)
    try:
        walker.walk_one()
    except FormatError as exc:
        report.add_walk(walker.result, key=key)
        if report.useful:
            report.fail(exc)
        else:
            report.notes.append(f"object array pickle not read: {exc}")
    else:
        report.add_walk(walker.result, key=key)
        if size > limits.max_pickle_bytes:
            report.notes.append("object array pickle walked up to the pickle size limit only")
    # OPN-NPY-001 already says that loading runs a pickle; OPN-PKL-000 would repeat it
    return [f for f in report.findings if f.rule_id != "OPN-PKL-000"], report.notes


class NpyReader:
    formats: tuple[str, ...] = (detect.NPY,)

    def read(self, path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult:
        try:
            stream.seek(0)
            h = parse_header(stream.read, limits.max_header_bytes, size)
        except (OSError, ValueError) as exc:
            raise FormatError(f"cannot read .npy header: {exc}", offset=0) from None
        tensor = TensorInfo(
            path.rsplit("/", 1)[-1].removesuffix(".npy"), dtype_name(h.descr), h.shape
        )
        findings = [_object_finding(path, h, None)] if has_object(h.descr) else []
        problem = "" if findings else _short_data(h, size - h.data_offset)
        if findings:
            walked, notes = _walk_objects(path, stream, h.data_offset, size, limits, None)
            findings += walked
            problem = "; ".join(notes)
        total, dtypes = count_parameters([tensor])
        ev = [
            fact("numpy.version", h.version, path, offset=6),
            fact("numpy.dtype", str(h.descr)[:200], path, offset=10, key="descr"),
            fact("numpy.shape", h.shape, path, offset=10, key="shape"),
            fact("numpy.fortran_order", h.fortran_order, path, offset=10, key="fortran_order"),
            *_weights(path, [tensor], ".npy header"),
        ]
        return ReaderResult(
            Artifact(path, detect.NPY, total, 1, dtypes, None, not problem, problem),
            tuple(ev),
            tuple(findings),
            tensors=(tensor,),
        )


_MEMBER_ERRORS: tuple[type[BaseException], ...] = (FormatError, *ZIP_ERRORS)


def _walk_member_objects(
    path: str, zf: zipfile.ZipFile, info: zipfile.ZipInfo, start: int, limits: Limits
) -> tuple[list[Finding], list[str]]:
    try:
        with zf.open(info) as member:
            stream = cast(BinaryIO, member)
            return _walk_objects(path, stream, start, info.file_size, limits, info.filename)
    except ZIP_ERRORS as exc:
        return [], [f"object array pickle not read: {exc}"]


class NpzReader:
    formats: tuple[str, ...] = (detect.NPZ,)

    def read(self, path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult:
        zf = open_zip(stream, ".npz")
        with zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            check_limit(len(infos), limits.max_archive_members, ".npz member count", 0)
            tensors: list[TensorInfo] = []
            findings: list[Finding] = []
            problems: list[str] = []
            for info in infos:
                if not info.filename.endswith(".npy"):
                    problems.append(f"{info.filename}: not a .npy member, not read")
                    continue
                try:
                    with zf.open(info) as member:
                        h = parse_header(member.read, limits.max_header_bytes, info.file_size)
                except _MEMBER_ERRORS as exc:
                    problems.append(f"{info.filename}: {exc}")
                    continue
                name = info.filename.removesuffix(".npy")
                tensors.append(TensorInfo(name, dtype_name(h.descr), h.shape))
                if has_object(h.descr):
                    findings.append(_object_finding(path, h, info.filename))
                    walked, notes = _walk_member_objects(path, zf, info, h.data_offset, limits)
                    findings += walked
                    problems += [f"{info.filename}: {n}" for n in notes]
                elif short := _short_data(h, info.file_size - h.data_offset):
                    problems.append(f"{info.filename}: {short}")
        total, dtypes = count_parameters(tensors)
        problem = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        ev = [fact("numpy.members", len(infos), path, offset=0, note="members of the .npz zip")]
        if not problems:
            ev += _weights(path, tensors, ".npy headers of the .npz members")
        return ReaderResult(
            Artifact(
                path,
                detect.NPZ,
                None if problems else total,
                None if problems else len(tensors),
                dtypes,
                None,
                not problems,
                problem,
            ),
            tuple(ev),
            tuple(findings),
            tensors=tuple(tensors),
        )

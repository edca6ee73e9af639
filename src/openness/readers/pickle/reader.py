"""Raw pickle files: plain pickles (several may be concatenated), joblib dumps, legacy torch.save.

- joblib writes each numpy array's bytes raw right after the pickled NumpyArrayWrapper; the
  wrapper's shape and dtype say how many to skip.
- legacy `torch.save` (`_use_new_zipfile_serialization=False`) writes a magic-number pickle, a
  protocol-version pickle, a sys-info pickle, the main pickle, a pickle of storage keys, then for
  each key an 8-byte element count and the raw storage bytes.
"""

from __future__ import annotations

import io
from dataclasses import replace
from typing import BinaryIO

from ...errors import FormatError
from ...lazy_re import lazy
from ...limits import Limits
from ...model import Finding, Location, ReaderResult
from .. import detect, torch_tensors
from .report import PickleReport
from .values import Call, PDict, PList, Value, int_tuple, is_global
from .walker import PickleWalker, Walk

TORCH_MAGIC = 0x1950A86A20F9469CFC6C
_WRAPPERS = ("joblib.numpy_pickle.NumpyArrayWrapper",)
_DTYPE_STR = lazy(r"^[<>|=]?([a-zA-Z])(\d+)")


class PickleReader:
    formats = (detect.PICKLE, detect.TORCH_LEGACY)

    def __init__(self, nested: bool = True) -> None:
        self.nested = nested  # read torch.save bytes a pickled storage holds (one level)

    def read(self, path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult:
        report = PickleReport(path, detect.PICKLE)
        walker = PickleWalker(stream, size, limits, after_build=_skip_joblib_array)
        failed: FormatError | None = None
        try:
            first = walker.walk_one()
            if isinstance(first.value, int) and first.value == TORCH_MAGIC:
                report.format = detect.TORCH_LEGACY
                self._legacy(walker, report)
            else:
                while walker.at_opcode():
                    walker.walk_one()
        except FormatError as exc:
            failed = exc
        nested = _storages_from_bytes(path, walker.result, limits) if self.nested else None
        if nested is not None:
            report.exempt = lambda module, name: f"{module}.{name}" == _FROM_BYTES
            report.findings.extend(nested)
        report.add_walk(walker.result)
        report.exempt = None
        if failed is not None:
            report.fail(failed)
        elif walker.pos < size:
            report.notes.append(
                f"{size - walker.pos:,} trailing bytes after the last pickle "
                f"(from byte {walker.pos}) were not read"
            )
        if report.format == detect.PICKLE:
            report.tensors.extend(torch_tensors.recover(walker.result)[0])
        return report.result("tensors rebuilt from persistent-id storages in the pickle")

    @staticmethod
    def _legacy(walker: PickleWalker, report: PickleReport) -> None:
        for _ in range(3):  # protocol version, sys info, main object
            walker.walk_one()
        keys = walker.walk_one().value
        report.with_weights = True
        tensors, storages = torch_tensors.recover(walker.result)
        report.tensors.extend(tensors)
        if not isinstance(keys, PList) or not all(isinstance(k, str) for k in keys.items):
            raise FormatError(
                "legacy torch file: storage-key pickle is not a list of strings",
                offset=walker.result.pickles[-1].start,
            )
        # every storage the pickle names has its bytes here, whichever rebuild uses it (a
        # quantized or sparse tensor, a module's buffers), so all persistent ids count
        by_key = {s.key: s for s in storages}
        for pid in walker.result.persistent_ids:
            found = torch_tensors.storage_of(pid)
            if found is not None:
                by_key.setdefault(found.key, found)
        for key in keys.items:
            assert isinstance(key, str)
            at = walker.pos
            numel = int.from_bytes(walker.read(8, f"storage {key} element count"), "little")
            storage = by_key.get(key)
            if storage is None:
                raise FormatError(f"legacy torch file: storage {key!r} has no tensor", offset=at)
            if storage.numel is not None and numel != storage.numel:
                raise FormatError(
                    f"legacy torch file: storage {key!r} holds {numel:,} elements, "
                    f"the pickle says {storage.numel:,}",
                    offset=at,
                )
            walker.skip(numel * storage.element_size, f"storage {key} bytes")


#: what pickle.dumps (not torch.save) writes for a tensor's storage: the bytes of a torch.save
_FROM_BYTES = "torch.storage._load_from_bytes"
_TORCH_SAVES = (detect.TORCH_LEGACY, detect.PYTORCH_ZIP)


def _storages_from_bytes(path: str, walk: Walk, limits: Limits) -> list[Finding] | None:
    """Findings of the torch.save archives that `_load_from_bytes(b)` calls would torch.load
    (a plain pickle or joblib dump of tensors), read by the torch readers; None when a call's
    argument is anything but such an archive, so the global stays an unknown import."""
    from ..pytorch import PytorchZipReader  # imported late: only pickled tensors need it

    calls = [c for c in walk.calls if is_global(c.func, _FROM_BYTES)]
    if not calls:
        return None
    found: list[Finding] = []
    for call in calls:
        data = call.args[0] if isinstance(call.args, tuple) and len(call.args) == 1 else None
        if not isinstance(data, bytes):
            return None
        zipped = data.startswith(b"PK\x03\x04")
        reader = PytorchZipReader() if zipped else PickleReader(nested=False)
        try:
            result = reader.read(path, len(data), io.BytesIO(data), limits)
        except FormatError:
            return None
        if not result.artifact.complete or result.artifact.format not in _TORCH_SAVES:
            return None
        where = f"storage bytes@{call.offset}"  # the call's offset; the bytes' own after it
        for f in result.findings:
            key = f"{where}!{f.location.key}" if f.location.key else where
            if f.location.offset is not None:
                key += f"@{f.location.offset}"
            found.append(replace(f, location=Location(path, key=key)))
    return [f for f in found if f.rule_id != "OPN-PKL-000"]


def _skip_joblib_array(obj: Call, walker: PickleWalker) -> None:
    """After a NumpyArrayWrapper is built, joblib writes the array: skip it without reading."""
    if not is_global(obj.func, *_WRAPPERS) or not isinstance(obj.state, PDict):
        return
    state = obj.state
    shape = int_tuple(state.get("shape"))
    itemsize = _itemsize(state.get("dtype"))
    if itemsize == 0:  # object arrays are written as a nested protocol-2 pickle
        walker.walk_one()
        return
    if shape is None or itemsize is None:
        raise FormatError(
            "joblib array of unknown shape or dtype: its raw bytes cannot be skipped",
            offset=walker.pos,
        )
    if state.get("numpy_array_alignment_bytes") is not None:  # joblib: any value but None
        pad = walker.read(1, "joblib alignment padding length")[0]
        walker.skip(pad, "joblib alignment padding")
    n = itemsize
    for d in shape:
        n *= d
    walker.skip(n, "joblib array bytes")


def _itemsize(dtype: Value) -> int | None:
    """Bytes per element of a pickled numpy.dtype call; 0 for object dtype; None if unknown."""
    if not isinstance(dtype, Call) or not is_global(dtype.func, "numpy.dtype"):
        return None
    args = dtype.args
    if not isinstance(args, tuple) or not args or not isinstance(args[0], str):
        return None
    if "O" in args[0] or "object" in args[0]:  # 'O8', '|O', 'object', 'i4,O', '(2,)O'
        return 0
    state = dtype.state  # (version, byteorder, subdescr, names, fields, elsize, alignment, flags)
    if isinstance(state, tuple) and len(state) >= 8 and isinstance(state[7], int) and state[7] & 1:
        return 0  # numpy trusts the pickled flags: "has objects" makes joblib read a pickle
    if isinstance(state, tuple) and len(state) >= 6 and isinstance(state[5], int) and state[5] > 0:
        return state[5]
    m = _DTYPE_STR.match(args[0])
    if m is None:
        return None
    kind, n = m.group(1), int(m.group(2))
    return n * 4 if kind == "U" else n

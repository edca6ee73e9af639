"""PickleReader and the opcode walker: benign pickles of every protocol, joblib, legacy torch.save,
malicious samples built from raw opcodes, hostile and oversized streams. Nothing is ever loaded."""

from __future__ import annotations

import contextlib
import io
import pickle
import random
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from openness.errors import FormatError, LimitExceeded
from openness.limits import Limits
from openness.model import Severity
from openness.readers.pickle.policy import Verdict, classify
from openness.readers.pickle.values import Call, Global, PDict, PersistentId, PList, PSet, Skipped
from openness.readers.pickle.walker import PickleWalker, walk
from tests.readers.pickle_helpers import binbytes8, by_rule, read_pickle_bytes, sbu, unsafe

OS_SYSTEM_P0 = b"cos\nsystem\n(S'touch MARKER'\ntR."
BENIGN: dict[str, Any] = {
    "ints": [1, -2, 2**70, True, None],
    "floats": (1.5, float("inf")),
    "text": "héllo",
    "blob": b"\x00\x01" * 10,
    "set": {1, 2},
    "frozen": frozenset({"a"}),
    "nested": {"k": [[]]},
    "complex": 1 + 2j,
    "bytearray": bytearray(b"xy"),
    "slice": slice(1, 5),
}


def _walk(data: bytes, limits: Limits | None = None) -> Any:
    return walk(io.BytesIO(data), len(data), limits or Limits())


# -- benign ---------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", [0, 1, 2, 3, 4, 5])
def test_benign_pickles_of_every_protocol_are_clean(tmp_path: Path, protocol: int) -> None:
    result = read_pickle_bytes(tmp_path, pickle.dumps(BENIGN, protocol=protocol))
    assert result.artifact.complete, result.artifact.note
    assert [f.rule_id for f in result.findings] == ["OPN-PKL-000"]
    assert result.findings[0].severity is Severity.LOW
    assert result.artifact.format == "pickle"


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_walker_models_values_and_memo_aliasing(protocol: int) -> None:
    shared: list[int] = [7]
    data = pickle.dumps({"a": shared, "b": shared, "t": (1, "x", b"y")}, protocol=protocol)
    top = _walk(data).pickles[0].value
    assert isinstance(top, PDict)
    assert top.get("a") is top.get("b")
    assert isinstance(top.get("a"), PList) and top.get("a").items == [7]
    assert top.get("t")[:2] == (1, "x")
    assert top.get("t")[2] == b"y" or isinstance(top.get("t")[2], Call)  # proto 2: _codecs.encode


def test_numpy_object_pickles_use_only_safe_globals(tmp_path: Path) -> None:
    obj = {
        "arr": np.arange(6, dtype=np.float32).reshape(2, 3),
        "scalar": np.float64(2.5),
        "ints": np.array([1, 2], dtype=np.int64),
    }
    for protocol in (2, 4, 5):
        result = read_pickle_bytes(tmp_path, pickle.dumps(obj, protocol=protocol))
        assert unsafe(result) == [], [f.trigger for f in unsafe(result)]
        assert result.artifact.complete


def test_several_concatenated_pickles_are_all_walked() -> None:
    data = b"".join(pickle.dumps(i, protocol=p) for i, p in [(1, 0), (2, 2), (3, 5)])
    assert [p.value for p in _walk(data).pickles] == [1, 2, 3]


def test_persistent_ids_are_recorded() -> None:
    data = b"Pkey-1\n." + b"\x80\x02(X\x01\x00\x00\x00aK\x05tQ."
    result = _walk(data)
    assert [type(p.value).__name__ for p in result.pickles] == ["PersistentId", "PersistentId"]
    assert [p.value for p in result.persistent_ids] == ["key-1", ("a", 5)]


# -- malicious samples, named after the trick they use --------------------------------------


def test_os_system_protocol0_is_critical_and_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = read_pickle_bytes(tmp_path, OS_SYSTEM_P0)
    [finding] = by_rule(result, "OPN-PKL-001")
    assert finding.severity is Severity.CRITICAL
    assert finding.trigger == "os.system"
    assert finding.location.offset == 0
    assert finding.docs == "docs/rules.md#opn-pkl-001"
    assert result.artifact.complete
    assert not (tmp_path / "MARKER").exists()


def test_stack_global_with_names_from_the_memo() -> None:
    data = (
        b"\x80\x04"
        + sbu("posix")
        + b"\x94"
        + sbu("system")
        + b"\x94"
        + b"00"
        + b"h\x00h\x01\x93"
        + sbu("id")
        + b"\x85R."
    )
    result = _walk(data)
    [g] = result.globals
    assert (g.module, g.name, g.opcode) == ("posix", "system", "STACK_GLOBAL")
    assert g.offset == data.index(b"\x93")
    assert isinstance(result.pickles[0].value, Call)
    assert classify(g.module, g.name) is Verdict.DANGEROUS


def test_stack_global_with_names_from_python2_string_opcodes(tmp_path: Path) -> None:
    data = b"\x80\x02U\x02ntU\x06system\x93U\x02idh\x85R."
    data = data.replace(b"h\x85", b"\x85")
    result = read_pickle_bytes(tmp_path, data)
    [finding] = by_rule(result, "OPN-PKL-001")
    assert finding.trigger == "nt.system"
    assert finding.location.offset == data.index(b"\x93")


def test_stack_global_with_a_computed_name_is_flagged(tmp_path: Path) -> None:
    # module name is the result of a call: unknown until load time
    data = (
        b"\x80\x04"
        + sbu("builtins")
        + sbu("str")
        + b"\x93"
        + sbu("os")
        + b"\x85R"
        + sbu("system")
        + b"\x93)R."
    )
    result = read_pickle_bytes(tmp_path, data)
    assert "<dynamic>.<dynamic>" in [f.trigger for f in by_rule(result, "OPN-PKL-001")]


def test_builtins_getattr_import_chain(tmp_path: Path) -> None:
    data = (
        b"cbuiltins\ngetattr\n(cbuiltins\n__import__\n(S'os'\ntRS'system'\ntR(S'touch MARKER'\ntR."
    )
    result = read_pickle_bytes(tmp_path, data)
    triggers = {f.trigger: f for f in by_rule(result, "OPN-PKL-001")}
    assert set(triggers) == {"builtins.getattr", "builtins.__import__"}
    assert triggers["builtins.__import__"].location.offset == data.index(b"cbuiltins\n__import__")


def test_python2_builtin_names_are_mapped(tmp_path: Path) -> None:
    result = read_pickle_bytes(tmp_path, b"c__builtin__\neval\n(S'1'\ntR.")
    assert [f.trigger for f in by_rule(result, "OPN-PKL-001")] == ["__builtin__.eval"]


def test_inst_and_obj_opcodes_import_globals(tmp_path: Path) -> None:
    data = b"(S'id'\nisubprocess\ncheck_output\n." + b"(cwebbrowser\nopen\nS'x'\no."
    result = read_pickle_bytes(tmp_path, data)
    assert {f.trigger for f in by_rule(result, "OPN-PKL-001")} == {
        "subprocess.check_output",
        "webbrowser.open",
    }


def test_extension_registry_reference_is_reported(tmp_path: Path) -> None:
    data = b"\x80\x02\x82\x07)R.\x80\x02\x83\x00\x01." + b"\x80\x02\x84\xff\xff\xff\x7f."
    result = read_pickle_bytes(tmp_path, data)
    findings = by_rule(result, "OPN-PKL-002")
    assert [f.trigger for f in findings] == [
        "copyreg.extension_registry[7]",
        "copyreg.extension_registry[256]",
        "copyreg.extension_registry[2147483647]",
    ]
    assert findings[0].location.offset == 2
    assert findings[0].severity is Severity.HIGH


def test_unknown_global_is_high(tmp_path: Path) -> None:
    result = read_pickle_bytes(tmp_path, b"cmypackage.models\nCustomModel\n)R.")
    [finding] = unsafe(result)
    assert (finding.rule_id, finding.severity) == ("OPN-PKL-002", Severity.HIGH)
    assert finding.trigger == "mypackage.models.CustomModel"


def test_unknown_class_only_instantiated_is_medium(tmp_path: Path) -> None:
    """NEWOBJ without arguments, then BUILD: how pickle restores any plain instance (a whole-model
    torch.save of the user's own class); nothing calls the class."""
    result = read_pickle_bytes(tmp_path, b"\x80\x02cmypackage.models\nCustomModel\n)\x81}b.")
    [finding] = unsafe(result)
    assert (finding.rule_id, finding.severity) == ("OPN-PKL-006", Severity.MEDIUM)
    assert finding.trigger == "mypackage.models.CustomModel"


@pytest.mark.parametrize(
    "body",
    [
        b"cm\nC\n)\x81cm\nC\n)R\x86",  # also called elsewhere (REDUCE)
        b"cm\nC\nK\x01\x85\x81",  # built with arguments: cls.__new__(cls, 1)
        b"cm\nC\n)\x81cm\nC\n\x86",  # also kept as a value
        b"cm\nC\nq\x00)\x81ccollections\nOrderedDict\nh\x00\x85R\x86",  # passed to a call
    ],
)
def test_unknown_class_used_any_other_way_stays_high(tmp_path: Path, body: bytes) -> None:
    result = read_pickle_bytes(tmp_path, b"\x80\x02" + body + b".")
    assert {(f.rule_id, f.trigger) for f in unsafe(result)} == {("OPN-PKL-002", "m.C")}


def test_payload_hidden_in_second_pickle_of_a_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = pickle.dumps({"weights": [1.0, 2.0]}, protocol=2)
    result = read_pickle_bytes(tmp_path, first + OS_SYSTEM_P0)
    [finding] = by_rule(result, "OPN-PKL-001")
    assert finding.location.offset == len(first)
    assert not (tmp_path / "MARKER").exists()


def test_findings_survive_a_truncated_stream(tmp_path: Path) -> None:
    result = read_pickle_bytes(tmp_path, OS_SYSTEM_P0[:-6])
    assert [f.trigger for f in by_rule(result, "OPN-PKL-001")] == ["os.system"]
    assert not result.artifact.complete
    assert "not read" in result.artifact.note


def test_trailing_garbage_marks_the_artifact_incomplete(tmp_path: Path) -> None:
    result = read_pickle_bytes(tmp_path, pickle.dumps([1, 2], protocol=2) + b"\xff\xfe junk")
    assert not result.artifact.complete
    assert "trailing bytes" in result.artifact.note


# -- hostile input --------------------------------------------------------------------------


def test_empty_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError):
        read_pickle_bytes(tmp_path, b"")


@pytest.mark.parametrize(
    "data",
    [
        b"\x80\x02B\xff\xff\xff\x7f" + b"x" * 10 + b".",  # BINBYTES beyond the file
        b"\x80\x04" + binbytes8(2**63) + b".",  # absurd BINBYTES8 length
        b"\x80\x04\x8d" + struct.pack("<Q", 10**15) + b".",  # BINUNICODE8
        b"\x80\x04\x95" + struct.pack("<Q", 10**12) + b"N.",  # FRAME beyond the file
        b"\x80\x02\x8b\xff\xff\xff\xff.",  # LONG4 negative length
        b"\x80\x09N.",  # unknown protocol
        b"\x80\x02h\x05.",  # memo key never stored
        b"\x80\x02R.",  # stack underflow
        b"\x80\x02N\x01.",  # not an opcode
        b"\x80\x02(Nd.",  # DICT with an odd item count
        b"I12345678901234567890123456789x\n.",  # not a number
        b"cos\n",  # truncated GLOBAL
        b"S'unterminated\n.",
    ],
)
def test_hostile_streams_raise_format_error_only(tmp_path: Path, data: bytes) -> None:
    try:
        result = read_pickle_bytes(tmp_path, data)
    except FormatError as exc:
        assert exc.offset is not None
    else:
        assert not result.artifact.complete


def test_every_truncation_of_a_real_pickle_is_handled(tmp_path: Path) -> None:
    data = pickle.dumps(BENIGN, protocol=4)
    for n in range(1, len(data)):
        try:
            result = read_pickle_bytes(tmp_path, data[:n])
        except FormatError:
            continue
        assert not result.artifact.complete


def test_random_corruption_never_escapes_as_another_exception(tmp_path: Path) -> None:
    rng = random.Random(1234)
    seeds = [pickle.dumps(BENIGN, protocol=p) for p in (0, 2, 5)] + [OS_SYSTEM_P0]
    for _ in range(400):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        with contextlib.suppress(FormatError):
            read_pickle_bytes(tmp_path, bytes(data), Limits(max_pickle_ops=10_000))


def test_endless_stream_of_ops_is_capped(tmp_path: Path) -> None:
    data = b"\x80\x02" + b"N" * 200_000
    with pytest.raises(LimitExceeded):
        read_pickle_bytes(tmp_path, data, Limits(max_pickle_ops=1000))
    payload = OS_SYSTEM_P0[:-1] + b"N" * 200_000
    result = read_pickle_bytes(tmp_path, payload, Limits(max_pickle_ops=1000))
    assert not result.artifact.complete and by_rule(result, "OPN-PKL-001")


class _CountingReader(io.RawIOBase):
    """A file wrapper that counts the bytes handed out."""

    def __init__(self, path: Path):
        self._f = path.open("rb")
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._f.seek(offset, whence)

    def tell(self) -> int:
        return self._f.tell()

    def readinto(self, buffer: Any) -> int:
        data = self._f.read(len(buffer))
        buffer[: len(data)] = data
        self.bytes_read += len(data)
        return len(data)

    def close(self) -> None:
        self._f.close()
        super().close()


def test_big_arguments_are_skipped_not_read(tmp_path: Path) -> None:
    big = 50 * 1024 * 1024
    path = tmp_path / "big.pkl"
    with path.open("wb") as f:
        f.write(b"\x80\x04" + sbu("head") + b"B" + struct.pack("<I", big))
        f.truncate(f.tell() + big)  # sparse: the bytes exist without being written
        f.seek(0, io.SEEK_END)
        f.write(b"\x86" + OS_SYSTEM_P0[:-1] + b"\x86.")
    size = path.stat().st_size
    counting = _CountingReader(path)
    try:
        walker = PickleWalker(counting, size, Limits(max_string_bytes=1024))  # type: ignore[arg-type]
        result = walker.walk_all()
    finally:
        counting.close()
    [skipped] = result.skipped
    assert (skipped.kind, skipped.length) == ("bytes", big)
    value = result.pickles[0].value
    assert isinstance(value, tuple) and isinstance(value[0], tuple)
    assert isinstance(value[0][1], Skipped)
    assert [g.dotted for g in result.globals] == ["os.system"]
    assert counting.bytes_read < 1024 * 1024


def test_long_protocol0_strings_are_skipped_too() -> None:
    data = b"S'" + b"a" * 5000 + b"'\nV" + b"b" * 5000 + b"\n\x86."
    result = _walk(data, Limits(max_string_bytes=100))
    value = result.pickles[0].value
    assert [type(v).__name__ for v in value] == ["Skipped", "Skipped"]


# -- legacy torch.save and joblib ------------------------------------------------------------


def test_legacy_torch_save_tensors_and_shared_storage(tmp_path: Path) -> None:
    base = torch.arange(12, dtype=torch.float32)
    state = {
        "w": base.view(3, 4),
        "row": base[4:8],
        "h": torch.ones(5, dtype=torch.float16),
        "b": torch.zeros(2, 3, dtype=torch.bfloat16),
        "n": torch.tensor([1, 2], dtype=torch.int64),
    }
    path = tmp_path / "legacy.bin"
    torch.save(state, path, _use_new_zipfile_serialization=False)
    result = read_pickle_bytes(tmp_path, path.read_bytes(), name="legacy2.bin")
    storages = {
        t.untyped_storage().data_ptr(): t.untyped_storage().nbytes() // t.element_size()
        for t in state.values()
    }
    assert result.artifact.format == "torch-legacy"
    assert result.artifact.complete, result.artifact.note
    assert result.artifact.parameters == sum(storages.values()) == 12 + 5 + 6 + 2
    assert {t.name: (t.dtype, t.shape) for t in result.tensors} == {
        "w": ("F32", (3, 4)),
        "row": ("F32", (4,)),
        "h": ("F16", (5,)),
        "b": ("BF16", (2, 3)),
        "n": ("I64", (2,)),
    }
    assert dict((d.dtype, d.parameters) for d in result.artifact.dtypes) == {
        "F32": 12,
        "F16": 5,
        "BF16": 6,
        "I64": 2,
    }
    assert unsafe(result) == []


def test_legacy_torch_save_with_truncated_storage_is_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "legacy.bin"
    torch.save({"w": torch.ones(100)}, path, _use_new_zipfile_serialization=False)
    result = read_pickle_bytes(tmp_path, path.read_bytes()[:-10], name="cut.bin")
    assert not result.artifact.complete
    assert result.artifact.parameters == 100


class NumpyArrayWrapper:
    """Stands in for joblib's class so the joblib layout can be tested without joblib."""

    def __init__(self, array: np.ndarray, alignment: int | None):
        self.subclass = np.ndarray
        self.shape = array.shape
        self.order = "C"
        self.dtype = array.dtype
        self.allow_mmap = True
        if alignment is not None:
            self.numpy_array_alignment_bytes = alignment


def _joblib_like_dump(arrays: list[np.ndarray], alignment: int | None) -> bytes:
    out = io.BytesIO()
    out.write(b"\x80\x05(")  # a list built by APPENDS, arrays spliced in as joblib does
    for arr in arrays:
        wrapper = NumpyArrayWrapper(arr, alignment)
        body = pickle.dumps(wrapper, protocol=2)[2:-1]  # drop PROTO and STOP
        own = f"c{NumpyArrayWrapper.__module__}\n".encode()
        body = body.replace(own, b"cjoblib.numpy_pickle\n")
        out.write(body)
        if alignment is not None:
            pad = alignment - ((out.tell() + 1) % alignment)
            out.write(bytes([pad]) + b"\xff" * pad)
        out.write(arr.tobytes())
    out.write(b"l.")
    return out.getvalue()


@pytest.mark.parametrize("alignment", [None, 16])
def test_joblib_layout_raw_array_bytes_are_skipped(tmp_path: Path, alignment: int | None) -> None:
    arrays = [
        np.arange(10, dtype=np.float64),
        np.ones((3, 3), dtype=np.int32),
        np.array(["ab", "c"], dtype="<U2"),
    ]
    data = _joblib_like_dump(arrays, alignment)
    assert b"joblib.numpy_pickle\nNumpyArrayWrapper" in data
    result = read_pickle_bytes(tmp_path, data)
    assert result.artifact.complete, result.artifact.note
    assert unsafe(result) == []


def test_joblib_dump_if_installed(tmp_path: Path) -> None:
    joblib = pytest.importorskip("joblib")
    path = tmp_path / "model.joblib"
    joblib.dump(
        {"coef": np.arange(100.0), "names": ["a", "b"], "obj": np.array([{"k": 1}], dtype=object)},
        path,
    )
    result = read_pickle_bytes(tmp_path, path.read_bytes(), name="copy.joblib")
    assert result.artifact.complete, result.artifact.note
    assert unsafe(result) == []


def test_walker_records_calls_and_sets() -> None:
    data = pickle.dumps({frozenset({1}), 2}, protocol=4)
    top = _walk(data).pickles[0].value
    assert isinstance(top, PSet) and not top.frozen and len(top.items) == 2
    old = _walk(pickle.dumps({1}, protocol=2))
    assert isinstance(old.pickles[0].value, Call)
    assert isinstance(old.calls[0].func, Global) and old.calls[0].func.dotted == "__builtin__.set"
    assert not isinstance(old.pickles[0].value, PersistentId)


@pytest.mark.parametrize(
    "helper",
    [
        b"ctorch._tensor\n_rebuild_from_type_v2\n",
        b"cnumpy.random._pickle\n__generator_ctor\n",
    ],
)
def test_computed_callable_handed_to_an_allowed_helper_is_critical(
    tmp_path: Path, helper: bytes
) -> None:
    """Allowed helpers call one of their arguments: a value computed at load time (here the
    result of an unknown function) in that place is a call on a computed callable."""
    computed = b"cm\nf\n)R"
    if b"generator" in helper:
        args = b"(Vtouch x\n" + computed + b"t"
    else:
        args = b"(" + computed + b"ctorch\nTensor\n(Vtouch x\ntNt"
    result = read_pickle_bytes(tmp_path, helper + args + b"R.")
    critical = [f for f in unsafe(result) if f.rule_id == "OPN-PKL-003"]
    assert [f.trigger for f in critical] == ["result of m.f(...)"]
    assert critical[0].severity is Severity.CRITICAL

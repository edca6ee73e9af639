"""The pickle policy's decisions, pinned one behaviour at a time (issue 16: mutation testing showed
tests that only ran the CLI left these loose). Inputs are built as walker values in code; nothing
is unpickled."""

from __future__ import annotations

import pytest

from openness.errors import FormatError
from openness.readers.pickle.policy import (
    Verdict,
    classify,
    format_finding,
    global_findings,
    incomplete_finding,
    indirect_call_findings,
    wrapper_findings,
)
from openness.readers.pickle.values import Call, ExtRef, Global, PDict, PList, Value
from openness.readers.pickle.walker import Walk

# -- classify --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("<dynamic>", "load"),  # module computed at load time, name ordinary
        ("torch", "<overlong>"),  # name too long to keep, module ordinary
        ("", "load"),
        ("torch", ""),
    ],
)
def test_computed_or_empty_module_or_name_alone_is_dangerous(module: str, name: str) -> None:
    assert classify(module, name) is Verdict.DANGEROUS


@pytest.mark.parametrize(
    ("module", "name", "expected"),
    [
        ("__builtin__", "reduce", Verdict.DANGEROUS),  # NAME_MAPPING: functools.reduce
        ("__builtin__", "eval", Verdict.DANGEROUS),  # IMPORT_MAPPING: builtins.eval
        ("__builtin__", "xrange", Verdict.SAFE),  # NAME_MAPPING: builtins.range
        ("__builtin__", "set", Verdict.SAFE),  # IMPORT_MAPPING: builtins.set
        ("copy_reg", "_reconstructor", Verdict.SAFE),  # IMPORT_MAPPING: copyreg
        ("cPickle", "loads", Verdict.DANGEROUS),  # IMPORT_MAPPING: pickle
        ("UserDict", "UserDict", Verdict.UNKNOWN),  # NAME_MAPPING: collections.UserDict
    ],
)
def test_python2_names_are_classified_by_what_python3_loads(
    module: str, name: str, expected: Verdict
) -> None:
    assert classify(module, name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("__x__", Verdict.DANGEROUS),  # the shortest dunder
        ("__reduce_ex__", Verdict.DANGEROUS),
        ("Model.__init__", Verdict.DANGEROUS),  # a dunder anywhere in a dotted name
        ("____", Verdict.UNKNOWN),  # underscores only: no dunder
        ("Model__", Verdict.UNKNOWN),
        ("__Model", Verdict.UNKNOWN),
    ],
)
def test_dunder_attributes_are_dangerous_other_underscores_are_not(
    name: str, expected: Verdict
) -> None:
    assert classify("mypackage.models", name) is expected


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("torch", "jit"),  # a dangerous sub-module reached as an attribute of its package
        ("numpy", "testing"),
        ("joblib", "externals"),
        ("torch", "jit.load"),  # protocol 4 dotted name through it
        ("os.path", "join"),  # a sub-module of a dangerous module
    ],
)
def test_dangerous_modules_are_matched_on_the_whole_dotted_path(module: str, name: str) -> None:
    assert classify(module, name) is Verdict.DANGEROUS


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("osx", "Thing"),  # a name that only starts like a dangerous module
        ("torch.jitter", "Thing"),
        ("mypackage.os_utils", "Thing"),
        ("torch", "device"),
    ],
)
def test_dangerous_modules_match_whole_components_only(module: str, name: str) -> None:
    assert classify(module, name) is not Verdict.DANGEROUS


# -- global_findings -------------------------------------------------------------------------


def test_each_distinct_global_is_reported_once_at_its_first_offset_with_a_count() -> None:
    imports = [
        ("os", "system", 3),
        ("mypackage", "Model", 5),
        ("os", "system", 9),
        ("torch._utils", "_rebuild_tensor_v2", 11),  # safe: no finding
        ("os", "system", 12),
    ]
    found = global_findings("m.pkl", imports, key="data.pkl")
    assert [(f.rule_id, f.trigger, f.location.offset) for f in found] == [
        ("OPN-PKL-001", "os.system", 3),
        ("OPN-PKL-002", "mypackage.Model", 5),
    ]
    assert found[0].reason == "imports a known-dangerous callable (3 occurrences)"
    assert found[1].reason == "imports a global outside the safe set"
    assert all(f.location.file == "m.pkl" and f.location.key == "data.pkl" for f in found)


def test_a_global_seen_twice_says_two_occurrences() -> None:
    found = global_findings("m.pkl", [("a.b", "C", 1), ("a.b", "C", 2)])
    assert [f.reason for f in found] == ["imports a global outside the safe set (2 occurrences)"]
    assert found[0].location.key is None


def test_safe_globals_raise_nothing() -> None:
    assert global_findings("m.pkl", [("collections", "OrderedDict", 0)]) == []


def test_format_finding_names_the_file_and_key() -> None:
    f = format_finding("model.bin", key="archive/data.pkl")
    assert f.rule_id == "OPN-PKL-000"
    assert f.reason == "pickle-based format runs code when loaded; prefer safetensors"
    assert (f.location.file, f.location.offset, f.location.key) == (
        "model.bin",
        0,
        "archive/data.pkl",
    )
    assert f.trigger == "pickle"


def test_incomplete_finding_points_where_the_walk_stopped() -> None:
    exc = FormatError("boom", offset=77, key="data.pkl")
    f = incomplete_finding("model.bin", "stack underflow", exc)
    assert f.rule_id == "OPN-PKL-004"
    assert f.reason == "pickle not fully read: stack underflow"
    assert (f.location.file, f.location.offset, f.location.key) == ("model.bin", 77, "data.pkl")
    assert f.trigger == "incomplete"


# -- indirect calls --------------------------------------------------------------------------


def _g(dotted: str, offset: int = 0) -> Global:
    module, _, name = dotted.rpartition(".")
    return Global(module, name, offset, "GLOBAL")


def _walk(*calls: Call) -> Walk:
    return Walk(calls=list(calls))


def test_indirect_calls_after_a_named_call_are_all_reported() -> None:
    named = Call(_g("collections.OrderedDict"), (), 1, "REDUCE")
    chained = Call(Call(_g("builtins.getattr"), (), 2, "REDUCE"), ("x",), 8, "REDUCE")
    ext = Call(ExtRef(7, 3), (), 9, "NEWOBJ")
    found = indirect_call_findings("m.pkl", _walk(named, chained, ext), key="k")
    assert [(f.rule_id, f.trigger, f.location.offset) for f in found] == [
        ("OPN-PKL-003", "result of builtins.getattr(...)", 8),
        ("OPN-PKL-003", "ExtRef", 9),
    ]
    assert found[0].reason == (
        "REDUCE calls a value computed at load time (result of builtins.getattr(...))"
    )
    assert found[1].reason == "NEWOBJ calls a value computed at load time (ExtRef)"
    assert all(f.location.file == "m.pkl" and f.location.key == "k" for f in found)


def test_indirect_call_offsets_are_relative_to_the_pickle_start() -> None:
    call = Call(PList(), (), 5, "REDUCE")
    assert indirect_call_findings("m.pkl", _walk(call))[0].location.offset == 5
    assert indirect_call_findings("m.pkl", _walk(call), base=100)[0].location.offset == 105


def test_indirect_calls_stop_at_twenty_findings() -> None:
    calls = [Call(PList(), (), i, "REDUCE") for i in range(25)]
    assert len(indirect_call_findings("m.pkl", _walk(*calls))) == 20
    assert len(indirect_call_findings("m.pkl", _walk(*calls[:19]))) == 19


# -- joblib array wrappers -------------------------------------------------------------------

_WRAPPER = "joblib.numpy_pickle.NumpyArrayWrapper"


def _dtype(name: Value = "f8", state: Value = None, func: str = "numpy.dtype") -> Call:
    call = Call(_g(func), (name, False, True) if name is not None else (), 30, "REDUCE")
    call.state = state
    return call


def _state(**fields: Value) -> PDict:
    values: dict[str, Value] = {
        "subclass": _g("numpy.ndarray"),
        "shape": (2, 3),
        "order": "C",
        "dtype": _dtype(),
        "allow_mmap": False,
        "numpy_array_alignment_bytes": 16,
    }
    values.update(fields)
    d = PDict()
    d.items = list(values.items())
    return d


def _wrapper(state: Value, kind: str = "NEWOBJ", args: Value = ()) -> Call:
    call = Call(_g(_WRAPPER), args, 20, kind)
    call.state = state
    return call


def _why(call: Call) -> list[str]:
    return [f.reason for f in wrapper_findings("m.joblib", _walk(call))]


def test_joblib_dump_wrappers_raise_nothing() -> None:
    assert _why(_wrapper(_state())) == []
    assert _why(_wrapper(_state(dtype=_dtype("<f8", (3, "<", None, None, None, -1, -1, 0))))) == []
    assert _why(_wrapper(_state(dtype=_dtype("|O", (3, "|", None, None, None, -1, -1, 63))))) == []
    assert _why(_wrapper(_state(dtype=_dtype("O8", (3, "|", None, None, None, -1, -1, 1))))) == []


def _dict_with(items: list[tuple[Value, Value]], dropped: int = 0) -> PDict:
    d = _state()
    d.items += items
    d.dropped = dropped
    return d


@pytest.mark.parametrize(
    ("call", "why"),
    [
        (_wrapper(_state(), kind="REDUCE"), "made by REDUCE with arguments, not NEWOBJ"),
        (_wrapper(_state(), args=(1,)), "made by NEWOBJ with arguments, not NEWOBJ"),
        (_wrapper(("not", "a", "dict")), "whose BUILD state is not a plain dict"),
        (_wrapper(_dict_with([], dropped=1)), "whose BUILD state is not a plain dict"),
        (_wrapper(_dict_with([("evil", 1)])), "with fields joblib does not write"),
        (_wrapper(_dict_with([(1, 2)])), "with fields joblib does not write"),
        (_wrapper(_state(shape=("a",))), "whose shape is not a tuple of ints"),
        (
            _wrapper(_state(numpy_array_alignment_bytes="16")),
            "whose alignment is not an int",
        ),
        (_wrapper(_state(dtype="f8")), "whose dtype is not a numpy.dtype call"),
        (
            _wrapper(_state(dtype=_dtype(func="builtins.eval"))),
            "whose dtype is not a numpy.dtype call",
        ),
        (_wrapper(_state(dtype=_dtype(None))), "whose dtype is not named by a type string"),
        (_wrapper(_state(dtype=_dtype(1))), "whose dtype is not named by a type string"),
        (_wrapper(_state(dtype=_dtype("f8; x"))), "whose dtype is spelled 'f8; x'"),
        (_wrapper(_state(dtype=_dtype("Z" * 60))), f"whose dtype is spelled {'Z' * 40!r}"),
        (
            _wrapper(_state(dtype=_dtype("f8", ("a",) * 8))),
            "whose dtype state has no int flags",
        ),
        (
            _wrapper(_state(dtype=_dtype("f8", (3, "<", None, None, None, -1, -1, 1)))),
            "whose 'f8' dtype's pickled flags claim Python objects",
        ),
        (
            _wrapper(_state(dtype=_dtype("<i4", (3, "<", None, None, None, -1, -1, 63)))),
            "whose '<i4' dtype's pickled flags claim Python objects",
        ),
    ],
)
def test_odd_joblib_wrappers_are_reported_with_the_reason(call: Call, why: str) -> None:
    assert _why(call) == [f"joblib array wrapper {why}"]


def test_dtype_state_too_short_to_hold_flags_is_not_an_error() -> None:
    assert _why(_wrapper(_state(dtype=_dtype("f8", (3, "<", None))))) == []


def test_dtype_args_that_are_not_a_tuple_are_reported() -> None:
    dtype = _dtype()
    dtype.args = PList()
    assert _why(_wrapper(_state(dtype=dtype))) == [
        "joblib array wrapper whose dtype is not named by a type string"
    ]


def test_every_odd_wrapper_is_reported_where_it_is() -> None:
    good = _wrapper(_state())
    odd = _wrapper(_state(shape=(-1,)), kind="NEWOBJ")
    odd.offset = 40
    other = Call(_g("collections.OrderedDict"), (), 1, "REDUCE")
    found = wrapper_findings("m.joblib", _walk(other, good, odd, odd), key="k", base=1000)
    assert [(f.rule_id, f.trigger, f.location.offset) for f in found] == [
        ("OPN-PKL-005", _WRAPPER, 1040),
        ("OPN-PKL-005", _WRAPPER, 1040),
    ]
    assert all(f.location.file == "m.joblib" and f.location.key == "k" for f in found)
    assert wrapper_findings("m.joblib", _walk(odd))[0].location.offset == 40

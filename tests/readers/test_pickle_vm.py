"""The pickle VM model, one opcode rule at a time, through both paths of the walker.

Each stream is walked twice: as written (short streams go through the checked handlers) and
followed by 600 bytes that are no opcode (the hot loop then handles the frequent opcodes inline);
both must report the same. Streams are written by hand from the spec (Lib/pickletools.py);
nothing is unpickled (issue 16: mutation testing of pickle_ops, pickle_handlers, pickle_cursor).
"""

from __future__ import annotations

import io
import pickle
import struct
from typing import Any

import pytest

from openness.errors import FormatError, LimitExceeded
from openness.limits import Limits
from openness.readers.pickle import cursor as pickle_cursor
from openness.readers.pickle.cursor import Cursor
from openness.readers.pickle.handlers import decode_string, parse_int, parse_long
from openness.readers.pickle.values import (
    MAX_KEPT_SCALARS,
    Call,
    ExtRef,
    Global,
    Opaque,
    PDict,
    PersistentId,
    PList,
    PSet,
    Skipped,
    Value,
)
from openness.readers.pickle.walker import PickleWalker, Walk
from openness.readers.pickle.walker import walk as walk_stream

LIMITS = Limits(max_string_bytes=64)
PAD = b"\xff" * 600  # no opcode: the walk stops there, with the hot loop buffered


def _walker(data: bytes, limits: Limits = LIMITS, **kw: Any) -> PickleWalker:
    return PickleWalker(io.BytesIO(data), len(data), limits, **kw)


def _summary(w: PickleWalker) -> tuple[Any, ...]:
    r = w.result
    return (
        [(g.module, g.name, g.offset, g.opcode) for g in r.globals],
        [(c.kind, c.offset) for c in r.calls],
        [(p.start, p.end, p.protocol) for p in r.pickles],
        [p.offset for p in r.persistent_ids],
        [(e.code, e.offset) for e in r.extensions],
        [(s.kind, s.length, s.offset) for s in r.skipped],
        r.ops,
    )


def deep(v: Value, seen: frozenset[int] = frozenset()) -> Any:
    """A value as plain data, every field the walker sets (cycles cut), so two walks compare."""
    if id(v) in seen:
        return ("cycle",)
    inner = seen | {id(v)}

    def d(x: Value) -> Any:
        return deep(x, inner)

    if isinstance(v, tuple):
        return tuple(d(x) for x in v)
    if isinstance(v, PList):
        return ("list", [d(x) for x in v.items], v.dropped)
    if isinstance(v, PDict):
        return ("dict", [(d(k), d(x)) for k, x in v.items], v.dropped)
    if isinstance(v, PSet):
        return ("set", v.frozen, [d(x) for x in v.items], v.dropped)
    if isinstance(v, Call):
        return (
            "call", d(v.func), d(v.args), v.offset, v.kind, d(v.kwargs), d(v.state),
            [(d(k), d(x)) for k, x in v.items], [d(x) for x in v.appended], v.dropped,
        )  # fmt: skip
    if isinstance(v, Global):
        return ("global", v.module, v.name, v.offset, v.opcode)
    if isinstance(v, PersistentId):
        return ("pid", d(v.value), v.offset)
    if isinstance(v, (ExtRef, Skipped, Opaque)):
        return repr(v)
    return (type(v).__name__, v)  # scalars: True and 1 differ


def walk(data: bytes, limits: Limits = LIMITS) -> Walk:
    """Walk `data` on both paths; they must agree, values included. Returns the hot loop's."""
    checked = _walker(data, limits)
    checked.walk_all()
    hot = _walker(data + PAD, limits)
    hot.walk_all()
    assert _summary(hot) == _summary(checked)
    assert [deep(p.value) for p in hot.result.pickles] == [
        deep(p.value) for p in checked.result.pickles
    ]
    assert checked.result.end == len(data)
    return hot.result


def value(data: bytes, limits: Limits = LIMITS) -> Value:
    return walk(data, limits).pickles[0].value


def fails(data: bytes, limits: Limits = LIMITS, *, pad: bool = True) -> FormatError:
    """The error of walking `data` (and, with `pad`, of walking it in the hot loop too)."""
    errors = []
    for blob in (data, data + PAD) if pad else (data,):
        with pytest.raises(FormatError) as exc:
            _walker(blob, limits).walk_all()
        errors.append((type(exc.value), str(exc.value), exc.value.offset))
    assert len(set(errors)) == 1, errors
    return exc.value


def sbu(text: str) -> bytes:
    raw = text.encode()
    return b"\x8c" + bytes([len(raw)]) + raw


# -- scalars ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        (b"K\xff", 255),  # BININT1 is unsigned
        (b"M\xff\xff", 65535),  # BININT2 is unsigned
        (b"J\xff\xff\xff\xff", -1),  # BININT is signed
        (b"J\x00\x00\x00\x80", -(2**31)),
        (b"G" + struct.pack(">d", 1.5), 1.5),  # BINFLOAT is big-endian
        (b"N", None),
        (b"\x88", True),
        (b"\x89", False),
        (b"I42\n", 42),
        (b"I-7\n", -7),
        (b"I01\n", True),  # protocol 0's True and False
        (b"I00\n", False),
        (b"I1\n", 1),
        (b"I010\n", 8),  # C strtol base 0: octal
        (b"I0x1f\n", 31),
        (b"L12L\n", 12),
        (b"L0x10L\n", 16),
        (b"L-5\n", -5),
        (b"F2.5\n", 2.5),
        (b"\x8a\x01\xff", -1),  # LONG1 is signed little-endian
        (b"\x8a\x02\x00\x01", 256),
        (b"\x8a\x00", 0),
        (b"\x8b\x02\x00\x00\x00\xff\x7f", 32767),  # LONG4
    ],
)
def test_numbers_read_like_cpython(ops: bytes, expected: Any) -> None:
    got = value(ops + b".")
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        (b"X\x03\x00\x00\x00h\xc3\xa9", "hé"),  # BINUNICODE
        (b"\x8d\x02" + bytes(7) + b"hi", "hi"),  # BINUNICODE8
        (sbu("é"), "é"),
        (b"U\x02hi", "hi"),  # SHORT_BINSTRING: ASCII loads as str
        (b"U\x02\xff\xfe", b"\xff\xfe"),  # ... anything else stays bytes
        (b"T\x02\x00\x00\x00hi", "hi"),  # BINSTRING
        (b"C\x02\x00\x01", b"\x00\x01"),  # SHORT_BINBYTES
        (b"B\x02\x00\x00\x00ab", b"ab"),  # BINBYTES
        (b"\x8e\x01" + bytes(7) + b"z", b"z"),  # BINBYTES8
        (b"\x96\x01" + bytes(7) + b"z", b"z"),  # BYTEARRAY8
        (b"S'a\\x41'\n", "aA"),  # STRING: quoted, escapes decoded
        (b'S"q"\n', "q"),
        (b"S''\n", ""),
        (b"Vcaf\\u00e9\n", "café"),  # UNICODE: raw-unicode-escape
    ],
)
def test_strings_and_bytes_decode_like_cpython(ops: bytes, expected: Any) -> None:
    got = value(ops + b".")
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    "ops",
    [b"Sabc\n", b"S'abc\n", b"S'abc\"\n", b"S'\n", b"S\n"],
)
def test_string_must_be_quoted_at_both_ends(ops: bytes) -> None:
    exc = fails(ops + b".")
    assert str(exc) == "STRING argument is not quoted"
    assert exc.offset == 0


@pytest.mark.parametrize("protocol", [2, 4])
def test_a_lone_surrogate_loads_like_cpython(protocol: int) -> None:
    """pickle.dumps writes lone surrogates with surrogatepass; pickle.loads reads them back."""
    data = pickle.dumps("a\ud800b", protocol=protocol)
    assert value(data) == pickle.loads(data) == "a\ud800b"
    big = b"\x8d\x05" + bytes(7) + "a\ud800b".encode("utf-8", "surrogatepass") + b"."
    assert value(big) == "a\ud800b"  # BINUNICODE8


@pytest.mark.parametrize(
    "data", [sbu("os"), b"X\x02\x00\x00\x00os", b"C\x02ab", b"U\x02ab", b"\x8a\x02\x01\x02"]
)
def test_a_blob_that_ends_exactly_at_the_end_of_the_stream_is_read(data: bytes) -> None:
    """The blob fits: the stream is cut after it, where the next opcode should be."""
    exc = fails(data, pad=False)
    assert str(exc) == "file ends inside the opcode (wanted 1 bytes, 0 left)"
    assert exc.offset == len(data)


def test_a_binunicode_cut_short_past_the_inline_window_is_refused() -> None:
    """515 bytes declared, 510 there: more than the hot loop may read inline, so the checked
    handler refuses it instead of the hot loop pushing what the buffer holds."""
    data = b"X" + struct.pack("<I", 515) + b"a" * 510
    exc = fails(data, Limits(max_string_bytes=4096), pad=False)
    assert str(exc) == "str length 515 runs past the end of the stream (510 bytes left)"
    assert exc.offset == 0


def test_binunicode_lengths_are_little_endian_in_the_hot_loop() -> None:
    """Read big-endian, this length would be 5 and the string pushed inline."""
    with pytest.raises(FormatError, match="str length 83,886,080 runs past the end") as exc:
        _walker(b"X\x00\x00\x00\x05abcde." + PAD).walk_all()
    assert exc.value.offset == 0


@pytest.mark.parametrize(
    "op", [b"M\x05\x01", b"J\xfe\xff\xff\xff", b"G" + struct.pack(">d", -2.25)]
)
@pytest.mark.parametrize("count", [1, 3])
def test_wide_scalars_alone_and_in_runs_read_like_cpython(op: bytes, count: int) -> None:
    """After another opcode (not at offset 0), one alone and a run of them, on both paths."""
    data = b"\x80\x04N(" + op * count + b"t."
    assert value(data) == pickle.loads(data)


def test_a_long_binunicode_is_read_past_the_inline_window() -> None:
    text = "é" * 300  # 600 bytes: more than the hot loop reads inline
    data = b"X" + struct.pack("<I", 600) + text.encode() + b"."
    assert value(data, Limits(max_string_bytes=4096)) == text


def test_binunicode_at_the_string_limit_is_kept_one_more_byte_is_skipped() -> None:
    data = b"X\x40\x00\x00\x00" + b"a" * 64 + b"."
    assert value(data) == "a" * 64
    data = b"X\x41\x00\x00\x00" + b"a" * 65 + b"."
    skipped = value(data)
    assert isinstance(skipped, Skipped)
    assert (skipped.kind, skipped.length, skipped.offset) == ("str", 65, 0)


@pytest.mark.parametrize(
    ("ops", "kind", "length"),
    [
        (b"\x8c\x41" + b"a" * 65, "str", 65),
        (b"\x8c\x41" + b"0" * 65, "str", 65),  # content bytes below the limit: still skipped
        (b"C\x41" + b"\x00" * 65, "bytes", 65),
        (b"U\x41" + b"a" * 65, "bytes", 65),  # SHORT_BINSTRING: raw bytes, skipped as bytes
        (b"C\x41" + b"a" * 65, "bytes", 65),
        (b"B\x41\x00\x00\x00" + b"a" * 65, "bytes", 65),
        (b"T\x41\x00\x00\x00" + b"a" * 65, "bytes", 65),
        (b"\x8a\x41" + b"\x01" * 65, "bytes", 65),  # LONG1 digits
        (b"S'" + b"a" * 70 + b"'\n", "str", 72),  # the line, quotes included
        (b"V" + b"a" * 70 + b"\n", "str", 70),
    ],
)
def test_strings_over_the_limit_are_skipped_not_read(ops: bytes, kind: str, length: int) -> None:
    w = walk(b"K\x01" + ops + b".")
    skipped = w.pickles[0].value
    assert isinstance(skipped, Skipped)
    assert (skipped.kind, skipped.length, skipped.offset) == (kind, length, 2)
    assert [(s.kind, s.length, s.offset) for s in w.skipped] == [(kind, length, 2)]


@pytest.mark.parametrize("opcode", [b"I", b"L", b"F"])
def test_a_number_line_over_the_line_limit_is_skipped_and_the_walk_goes_on(opcode: bytes) -> None:
    digits = b"0" * (64 * 1024 + 10) + b"1"
    w = walk(opcode + digits + b"\n0cos\nsystem\n.")
    assert [g.dotted for g in w.globals] == ["os.system"]
    assert [(s.kind, s.length) for s in w.skipped] == [("number", len(digits))]


def test_names_that_are_not_utf8_are_kept_escaped_not_an_error() -> None:
    """CPython decodes GLOBAL lines as UTF-8 and fails the import; the walker keeps the name
    with backslash escapes (what it reports), and reads on."""
    w = walk(b"c\xffos\nsys\xfe\n0Pk\xfd\n0cos\nsystem\n.")
    assert [g.dotted for g in w.globals] == ["\\xffos.sys\\xfe", "os.system"]
    assert [deep(p.value) for p in w.persistent_ids] == [("str", "k\\xfd")]


def test_a_get_line_over_the_line_limit_is_a_limit_error() -> None:
    exc = fails(b"N(g" + b"1" * (64 * 1024 + 1) + b"\n.")
    assert isinstance(exc, LimitExceeded)
    assert "GET argument is longer than 65,536 bytes" in str(exc)
    assert exc.offset == 2


# -- containers ------------------------------------------------------------------------------


def _items(v: Value) -> Any:
    if isinstance(v, PList | PSet):
        return [_items(x) for x in v.items]
    if isinstance(v, PDict):
        return [(_items(k), _items(x)) for k, x in v.items]
    if isinstance(v, tuple):
        return tuple(_items(x) for x in v)
    return v


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        (b")", ()),
        (b"K\x01\x85", (1,)),
        (b"K\x01K\x02\x86", (1, 2)),
        (b"K\x01K\x02K\x03\x87", (1, 2, 3)),
        (b"(K\x01K\x02K\x03K\x04t", (1, 2, 3, 4)),
        (b"(t", ()),
        (b"]K\x01a", [1]),
        (b"](K\x01K\x02e", [1, 2]),
        (b"(K\x01K\x02l", [1, 2]),
        (b"(l", []),
        (b"}K\x01K\x02s", [(1, 2)]),
        (b"}(K\x01K\x02K\x03K\x04u", [(1, 2), (3, 4)]),
        (b"(K\x01K\x02d", [(1, 2)]),
        (b"\x8f(K\x01K\x02\x90", [1, 2]),
        (b"(K\x01\x91", [1]),
        (b"K\x01K\x02\x86K\x03\x85\x86", ((1, 2), (3,))),
    ],
)
def test_containers_hold_what_was_pushed_in_order(ops: bytes, expected: Any) -> None:
    assert _items(value(ops + b".")) == expected


def test_frozenset_and_set_are_told_apart() -> None:
    assert value(b"(\x91.").frozen is True  # type: ignore[union-attr]
    assert value(b"\x8f.").frozen is False  # type: ignore[union-attr]


def test_items_set_or_appended_on_a_call_result_are_kept_on_the_call() -> None:
    data = b"\x8c\x01m\x8c\x01C\x93)R(K\x01K\x02eK\x03aK\x04K\x05s(K\x06K\x07u."
    call = value(data)
    assert isinstance(call, Call)
    assert call.appended == [1, 2, 3]
    assert call.items == [(4, 5), (6, 7)]


def test_appending_to_a_scalar_is_ignored() -> None:
    assert value(b"K\x01(K\x02e.") == 1
    assert value(b"K\x01K\x02a.") == 1
    assert value(b"K\x01K\x02K\x03s.") == 1


def test_the_memo_aliases_one_container() -> None:
    top = value(b"]q\x00h\x00\x86.")
    assert isinstance(top, tuple) and top[0] is top[1]
    top = value(b"]r\x00\x01\x00\x00j\x00\x01\x00\x00\x86.")
    assert isinstance(top, tuple) and top[0] is top[1]
    top = value(b"]\x94h\x00\x86.")
    assert isinstance(top, tuple) and top[0] is top[1]
    top = value(b"]p7\ng7\n\x86.")
    assert isinstance(top, tuple) and top[0] is top[1]
    top = value(b"K\x05\x94K\x06\x94h\x01.")  # MEMOIZE numbers by memo size
    assert top == 6


def test_dup_pushes_the_top_again() -> None:
    top = value(b"]2\x86.")
    assert isinstance(top, tuple) and top[0] is top[1]


def test_pop_drops_the_top_or_the_mark_above_it() -> None:
    assert value(b"K\x01K\x020.") == 1
    assert value(b"K\x01(0.") == 1  # nothing above the mark: POP drops the mark
    assert value(b"K\x01(K\x02K\x031.") == 1  # POP_MARK drops the mark and what is above it


def test_long_lists_keep_a_bounded_prefix_and_every_object() -> None:
    n = MAX_KEPT_SCALARS + 5
    data = b"](" + b"K\x01" * n + b"\x8c\x01m\x8c\x01C\x93e."
    lst = value(data, Limits(max_string_bytes=64))
    assert isinstance(lst, PList)
    assert len(lst.items) == MAX_KEPT_SCALARS + 1 and isinstance(lst.items[-1], Global)
    assert lst.dropped == 5
    many = b"]" + b"K\x01a" * n + b"."
    lst = value(many)
    assert isinstance(lst, PList)
    assert (len(lst.items), lst.dropped) == (MAX_KEPT_SCALARS, 5)


def test_scalars_dropped_past_the_kept_prefix_add_up_over_several_opcodes() -> None:
    """Each APPENDS/SETITEMS past MAX_KEPT_SCALARS adds what it dropped, on lists, dicts and
    on the result of a call alike."""
    n = MAX_KEPT_SCALARS
    call = b"\x8c\x01m\x8c\x01C\x93)R"
    appends = b"(" + b"K\x01" * (n + 3) + b"e(" + b"K\x01" * 4 + b"e."
    for head in (b"]", call):
        top = value(head + appends)
        assert isinstance(top, PList | Call)
        assert top.dropped == 3 + 4
    setitems = b"(" + b"K\x01K\x02" * (n + 2) + b"u(" + b"K\x01K\x02" * 5 + b"u."
    for head in (b"}", call):
        top = value(head + setitems)
        assert isinstance(top, PDict | Call)
        assert top.dropped == 2 + 5


# -- imports and calls -----------------------------------------------------------------------


def test_global_and_stack_global_record_module_name_offset_and_opcode() -> None:
    w = walk(b"\x80\x04cos\nsystem\n\x8c\x02io\x8c\x04open\x93\x86.")
    assert [(g.module, g.name, g.offset, g.opcode) for g in w.globals] == [
        ("os", "system", 2, "GLOBAL"),
        ("io", "open", 23, "STACK_GLOBAL"),
    ]


def test_stack_global_of_computed_names_is_dynamic() -> None:
    w = walk(b"\x8c\x02os)\x93.")
    assert [(g.module, g.name) for g in w.globals] == [("<dynamic>", "<dynamic>")]
    w = walk(b")\x8c\x02os\x93.")
    assert [(g.module, g.name) for g in w.globals] == [("<dynamic>", "<dynamic>")]


def test_a_global_line_over_the_line_limit_is_overlong_not_an_error() -> None:
    w = walk(b"cos\n" + b"a" * (64 * 1024 + 1) + b"\n.")
    assert [(g.module, g.name) for g in w.globals] == [("os", "<overlong>")]


@pytest.mark.parametrize(
    ("ops", "kind", "args", "kwargs"),
    [
        (b"\x8c\x01f\x8c\x01g\x93K\x01\x85R", "REDUCE", (1,), None),
        (b"\x8c\x01f\x8c\x01g\x93K\x01\x85\x81", "NEWOBJ", (1,), None),
        (b"\x8c\x01f\x8c\x01g\x93K\x01\x85}\x92", "NEWOBJ_EX", (1,), []),
        (b"(\x8c\x01f\x8c\x01g\x93K\x01K\x02o", "OBJ", (1, 2), None),
        (b"(K\x01K\x02if\ng\n", "INST", (1, 2), None),
    ],
)
def test_calls_record_callable_arguments_and_offset(
    ops: bytes, kind: str, args: tuple[int, ...], kwargs: Any
) -> None:
    w = walk(ops + b".")
    (call,) = w.calls
    assert w.pickles[0].value is call
    assert call.kind == kind and call.args == args
    assert call.offset == len(ops) - (1 if kind != "INST" else 5)
    assert isinstance(call.func, Global) and call.func.dotted == "f.g"
    assert (call.kwargs if kwargs is None else _items(call.kwargs)) == kwargs
    assert w.globals[0].opcode == ("INST" if kind == "INST" else "STACK_GLOBAL")


def test_obj_without_a_class_is_a_format_error() -> None:
    exc = fails(b"(o.")
    assert (str(exc), exc.offset) == ("OBJ without a class", 1)


def test_build_sets_the_state_of_a_call_and_calls_the_hook() -> None:
    seen: list[tuple[Call, PickleWalker]] = []
    data = b"\x8c\x01f\x8c\x01g\x93)\x81}K\x01K\x02sb."
    w = _walker(data, after_build=lambda c, wk: seen.append((c, wk)))
    w.walk_all()
    call = w.result.pickles[0].value
    assert isinstance(call, Call) and _items(call.state) == [(1, 2)]
    assert seen == [(call, w)]


def test_build_on_a_plain_value_changes_nothing() -> None:
    seen: list[Call] = []
    w = _walker(b"]K\x01b.", after_build=lambda c, wk: seen.append(c))
    w.walk_all()
    assert isinstance(w.result.pickles[0].value, PList) and seen == []


def test_persistent_ids_and_extensions_are_recorded_where_they_are() -> None:
    w = walk(b"(Pabc\nK\x07Q\x82\x05\x83\x00\x01\x84\xff\xff\xff\xff\x97\x98t.")
    pids = w.persistent_ids
    assert [(p.offset, p.value) for p in pids] == [(1, "abc"), (8, 7)]
    assert [(e.code, e.offset) for e in w.extensions] == [(5, 9), (256, 11), (-1, 14)]
    top = w.pickles[0].value
    assert isinstance(top, tuple)
    assert isinstance(top[0], PersistentId) and isinstance(top[2], ExtRef)
    assert isinstance(top[-1], Opaque) and top[-1].offset == 19


# -- protocol, frames, several pickles -------------------------------------------------------


def test_each_pickle_records_its_span_protocol_and_value() -> None:
    data = b"\x80\x02K\x01.\x80\x05\x95\x03" + bytes(7) + b"K\x02.N."
    w = walk(data)
    assert [(p.start, p.end, p.protocol, p.value) for p in w.pickles] == [
        (0, 5, 2, 1),
        (5, 20, 5, None) if False else (5, 19, 5, 2),
        (19, 21, None, None),
    ]
    assert w.end == len(data)


def test_each_pickle_starts_with_a_fresh_memo_and_stack() -> None:
    exc = fails(b"K\x01q\x00.h\x00.")
    assert (str(exc), exc.offset) == ("memo key 0 was never stored", 5)
    exc = fails(b"K\x01.0.")
    assert (str(exc), exc.offset) == ("no MARK on the stack", 3)


def test_protocols_above_five_are_refused() -> None:
    assert walk(b"\x80\x05N.").pickles[0].protocol == 5
    exc = fails(b"\x80\x06N.")
    assert (str(exc), exc.offset) == ("unsupported pickle protocol 6", 0)


def test_a_frame_may_not_run_past_the_end() -> None:
    assert walk(b"\x95\x02" + bytes(7) + b"N.").pickles[0].value is None
    exc = fails(b"\x95\x03" + bytes(7) + b"N.", pad=False)
    assert (str(exc), exc.offset) == ("FRAME length 3 runs past the end of the stream", 0)


def test_the_walk_stops_at_a_byte_that_is_no_opcode() -> None:
    w = _walker(b"N.\xffN.")
    w.walk_all()
    assert len(w.result.pickles) == 1 and w.result.end == 2


def test_walking_from_an_offset() -> None:
    data = b"garbageK\x07."
    w = PickleWalker(io.BytesIO(data), len(data), LIMITS, start=7)
    w.walk_all()
    assert [(p.start, p.end, p.value) for p in w.result.pickles] == [(7, 10, 7)]
    got = walk_stream(io.BytesIO(data), len(data), LIMITS, start=7)
    assert [(p.start, p.end, p.value) for p in got.pickles] == [(7, 10, 7)]


class _Failing(io.BytesIO):
    """A stream whose reads fail (a damaged zip member, a vanished file)."""

    def read(self, size: int | None = -1) -> bytes:
        raise OSError("device gone")


def test_a_stream_that_fails_to_read_is_a_format_error_where_it_failed() -> None:
    w = PickleWalker(_Failing(b"N.N."), 4, LIMITS, start=3)
    with pytest.raises(FormatError, match="cannot read the stream: device gone") as exc:
        w.at_opcode()
    assert exc.value.offset == 3
    w = PickleWalker(_Failing(b"N.N."), 4, LIMITS, start=2)
    assert w.result.end == 2  # nothing walked yet
    with pytest.raises(FormatError, match="cannot read the stream: device gone") as exc:
        w.walk_all()
    assert exc.value.offset == 2 and w.result.end == 2


class _FailingAfter(io.BytesIO):
    """A stream that serves its first `good` bytes, then fails."""

    def __init__(self, data: bytes, good: int) -> None:
        super().__init__(data)
        self.good = good

    def read(self, size: int | None = -1) -> bytes:
        if self.tell() >= self.good:
            raise OSError("device gone")
        want = self.good - self.tell() if size is None or size < 0 else size
        return super().read(min(want, self.good - self.tell()))


@pytest.mark.parametrize("opcode", [b"c", b"I", b"V", b"p"])
def test_a_stream_that_fails_inside_a_line_is_a_format_error_where_it_failed(
    opcode: bytes,
) -> None:
    """A line longer than the hot loop looks ahead goes to its handler, which reads on."""
    data = b"N" * 3 + opcode + b"1" * 2000 + b"\nx\n."
    w = PickleWalker(_FailingAfter(data, 1000), len(data), LIMITS)
    with pytest.raises(FormatError) as exc:
        w.walk_all()
    assert (str(exc.value), exc.value.offset) == ("cannot read the stream: device gone", 1000)


@pytest.mark.parametrize("opcode", [b"X", b"B"])
def test_a_stream_that_fails_inside_a_long_blob_is_a_format_error_where_the_read_began(
    opcode: bytes,
) -> None:
    """A blob longer than the hot loop looks ahead is read by its handler."""
    data = b"N" * 3 + opcode + struct.pack("<I", 2000) + b"a" * 2000 + b"."
    w = PickleWalker(_FailingAfter(data, 1000), len(data), Limits(max_string_bytes=4096))
    with pytest.raises(FormatError) as exc:
        w.walk_all()
    assert (str(exc.value), exc.value.offset) == ("cannot read the stream: device gone", 8)


# -- malformed streams: each raises FormatError at the opcode --------------------------------


@pytest.mark.parametrize(
    ("data", "message", "offset"),
    [
        (b"N\xff", "byte 0xff is not a pickle opcode", 1),
        (b"0", "no MARK on the stack", 0),  # nothing to pop: POP pops a mark
        (b"(0", "stack underflow", 2),  # POP dropped the mark: STOP finds nothing
        (b"N(\x94", "stack underflow", 2),
        (b"N(q\x00", "stack underflow", 2),
        (b"N(r\x00\x00\x00\x00", "stack underflow", 2),
        (b"N(p0\n", "stack underflow", 2),
        (b"N(\x85", "stack underflow", 2),
        (b"N(N\x86", "stack underflow", 3),
        (b"N(NN\x87", "stack underflow", 4),
        (b"N(a", "stack underflow", 2),
        (b"](Na", "stack underflow", 3),
        (b"}(NNs", "stack underflow", 4),
        (b"}(N2s", "stack underflow", 4),
        (b"(e", "stack underflow", 1),
        (b"]((e", "stack underflow", 3),  # the list is below the outer mark: out of reach
        (b"}((u", "stack underflow", 3),
        (b"e", "no MARK on the stack", 0),
        (b"u", "no MARK on the stack", 0),
        (b"t", "no MARK on the stack", 0),
        (b"1", "no MARK on the stack", 0),
        (b"}(Nu", "SETITEMS has an odd number of items", 3),
        (b"(Nd", "DICT has an odd number of items", 2),
        (b"h\x03", "memo key 3 was never stored", 0),
        (b"j\x03\x00\x00\x00", "memo key 3 was never stored", 0),
        (b"g3\n", "memo key 3 was never stored", 0),
        (b"N(R", "stack underflow", 2),
        (b"N(\x93", "stack underflow", 2),
        (b"(.", "stack underflow", 1),
        (b"N(2", "stack underflow", 2),
        (b"N(b", "stack underflow", 2),
        (b"N(\x98", "stack underflow", 2),
        (b"N(Q", "stack underflow", 2),
    ],
)
def test_malformed_streams_fail_at_the_opcode(data: bytes, message: str, offset: int) -> None:
    exc = fails(data + b".")
    assert (str(exc), exc.offset) == (message, offset)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"I12x\n.", "malformed INT argument"),
        (b"I12XX\nXX.", "malformed INT argument"),  # the line ends at the newline, not before
        (b"Fabc\n.", "malformed FLOAT argument"),
        (b"Lxyz\n.", "malformed LONG argument"),
        (b"px\n.", "malformed PUT argument"),
        (b"gx\n.", "malformed GET argument"),
    ],
)
def test_malformed_text_arguments_name_the_opcode(data: bytes, message: str) -> None:
    exc = fails(b"N" + data)
    assert str(exc).startswith(message) and exc.offset == 1


_PAST = "{} length 5 runs past the end of the stream (2 bytes left)"


@pytest.mark.parametrize(
    ("data", "message", "offset"),
    [
        (b"X\x05\x00\x00\x00ab", _PAST.format("str"), 1),
        (b"B\x05\x00\x00\x00ab", _PAST.format("bytes"), 1),
        (b"T\xff\xff\xff\xffab", "negative bytes length -1", 1),
        (b"J\x01\x00", "file ends inside the BININT argument (wanted 4 bytes, 2 left)", 2),
        (b"G\x00", "file ends inside the BINFLOAT argument (wanted 8 bytes, 1 left)", 2),
        (b"\x80", "file ends inside the PROTO argument (wanted 1 bytes, 0 left)", 2),
        (b"\x95\x01", "file ends inside the FRAME length (wanted 8 bytes, 1 left)", 2),
        (b"cos\nsys", "file ends inside the GLOBAL name (no newline)", 5),
        (b"I12", "file ends inside the INT argument (no newline)", 2),
        (b"", "file ends inside the opcode (wanted 1 bytes, 0 left)", 1),
    ],
)  # fmt: skip
def test_truncated_arguments_say_what_was_cut(data: bytes, message: str, offset: int) -> None:
    """Lengths that lie fail at the opcode; reads that run out fail where the read began."""
    exc = fails(b"N" + data, pad=False)
    assert (str(exc), exc.offset) == (message, offset)


def test_the_walk_keeps_what_it_learned_before_an_error() -> None:
    w = _walker(b"cos\nsystem\n\xff")
    with pytest.raises(FormatError):
        w.walk_all()
    assert [g.dotted for g in w.result.globals] == ["os.system"]
    assert w.result.end == 11


def test_a_malformed_argument_in_the_hot_loop_keeps_where_the_walk_stopped() -> None:
    w = _walker(b"cos\nsystem\nI12x\n." + PAD)
    with pytest.raises(FormatError, match="malformed INT argument"):
        w.walk_all()
    assert [g.dotted for g in w.result.globals] == ["os.system"]
    assert w.result.end == 11


# -- the opcode budget -----------------------------------------------------------------------


@pytest.mark.parametrize("pad", [False, True])
@pytest.mark.parametrize("ops", [b"N" * 9, b"K\x01" * 9, b"]" * 9, b")" * 9, b"\x88" * 9])
def test_the_opcode_budget_is_exact(ops: bytes, pad: bool) -> None:
    limits = Limits(max_pickle_ops=10, max_string_bytes=64)
    data = ops + b"." + (PAD if pad else b"")
    w = _walker(data, limits)
    w.walk_all()
    assert w.result.ops == 10
    one = ops[: len(ops) // 9]
    data = ops + one + b"." + (PAD if pad else b"")
    with pytest.raises(LimitExceeded, match="more than 10 pickle opcodes") as exc:
        _walker(data, limits).walk_all()
    assert exc.value.offset == len(ops) + len(one)  # the 11th opcode


def test_a_scalar_run_past_the_budget_is_refused_at_the_first_opcode_too_many() -> None:
    limits = Limits(max_pickle_ops=10, max_string_bytes=64)
    with pytest.raises(LimitExceeded) as exc:  # eleven in one run: the eleventh is refused
        _walker(b"K\x01" * 11 + b"." + PAD, limits).walk_all()
    assert exc.value.offset == 20


def test_a_scalar_run_stops_at_the_budget_where_the_extra_opcode_is() -> None:
    limits = Limits(max_pickle_ops=100, max_string_bytes=64)
    data = b"]" + b"G" + bytes(8) + b"M\x01\x00" * 200 + b"." + PAD
    with pytest.raises(LimitExceeded) as exc:
        _walker(data, limits).walk_all()
    assert exc.value.offset == 1 + 9 + 98 * 3  # the 101st opcode


def test_ops_are_counted_across_inline_and_checked_opcodes() -> None:
    data = b"\x80\x04]" + b"K\x01" * 50 + b"(" + b"N" * 20 + b"t" + sbu("x") + b"\x93" * 0 + b"."
    w = walk(data)
    assert w.ops == 1 + 1 + 50 + 1 + 20 + 1 + 1 + 1


# -- text opcodes in the hot loop ------------------------------------------------------------


def test_protocol0_text_opcodes_near_the_end_of_the_buffer_use_the_checked_path() -> None:
    body = b"(lp0\n" + b"I1\naF2.5\naL3L\na" * 60 + b"g0\n."
    top = value(body)
    assert isinstance(top, PList) and top.items[:3] == [1, 2.5, 3]
    assert len(top.items) == 180


# -- the cursor ------------------------------------------------------------------------------


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cursor reads 7 bytes at a time: every buffer edge is crossed."""
    monkeypatch.setattr(pickle_cursor, "_CHUNK", 7)


def test_cursor_reads_skips_and_reports_position() -> None:
    c = Cursor(io.BytesIO(b"0123456789"), 2, 8)
    assert (c.pos, c.remaining()) == (2, 6)
    assert c.peek() == ord("2") and c.pos == 2
    assert c.read(2, "x") == b"23"
    c.skip(1, "x")
    assert c.read(1, "x") == b"5" and c.pos == 6 and c.remaining() == 2
    assert c.buffered_to_end()
    c.skip(2, "x")
    assert c.remaining() == 0 and c.peek() is None


def test_cursor_refuses_reads_and_skips_past_its_end() -> None:
    c = Cursor(io.BytesIO(b"0123456789"), 0, 4)
    with pytest.raises(FormatError, match=r"ends inside the blob \(wanted 5 bytes, 4 left\)"):
        c.read(5, "blob")
    with pytest.raises(FormatError, match="blob of 5 bytes runs past the end of the file"):
        c.skip(5, "blob")
    with pytest.raises(FormatError, match="blob of -1 bytes"):
        c.skip(-1, "blob")
    c.skip(4, "blob")
    assert c.remaining() == 0


def test_cursor_notices_a_stream_shorter_than_declared() -> None:
    c = Cursor(io.BytesIO(b"0123"), 1, 10)
    with pytest.raises(FormatError, match="stream ends inside the blob") as exc:
        c.read(6, "blob")
    assert exc.value.offset == 1
    c = Cursor(io.BytesIO(b"0123"), 2, 10)
    with pytest.raises(FormatError, match="stream ends inside the line") as exc:
        c.readline(100, "line")
    assert exc.value.offset == 2


def test_cursor_skip_of_nothing_is_a_no_op_and_errors_say_where() -> None:
    c = Cursor(io.BytesIO(b"0123456789"), 3, 10)
    c.skip(0, "x")
    assert c.pos == 3 and c.read(1, "x") == b"3"
    with pytest.raises(FormatError) as exc:
        c.skip(7, "blob")
    assert exc.value.offset == 4


@pytest.mark.usefixtures("small_chunks")
def test_cursor_lines_across_chunks_and_empty_lines() -> None:
    c = Cursor(io.BytesIO(b"abcdefg\nxyzuvwrst\n\nq\n"), 0, 21)
    assert c.readline(100, "line") == b"abcdefg"  # the newline opens the next chunk
    assert c.readline(100, "line") == b"xyzuvwrst"  # the line spans two chunks
    assert c.readline(100, "line") == b""
    assert c.readline(100, "line") == b"q" and c.remaining() == 0
    assert Cursor(io.BytesIO(b"\nabc"), 0, 4).readline(10, "line") == b""


def test_a_stray_opcode_at_the_very_end_is_walked() -> None:
    with pytest.raises(FormatError):
        _walker(b"N.(").walk_all()  # one byte left, and it is an opcode: a second pickle


def test_a_stream_shorter_than_its_declared_size_ends_the_walk() -> None:
    w = PickleWalker(io.BytesIO(b"N."), 10, LIMITS)
    assert len(w.walk_all().pickles) == 1


@pytest.mark.usefixtures("small_chunks")
def test_cursor_skip_just_past_the_buffer_lands_on_the_right_byte() -> None:
    data = bytes(range(40))
    c = Cursor(io.BytesIO(data), 0, len(data))
    assert c.read(5, "x") == data[:5]  # 7 bytes buffered, 2 unread
    c.skip(3, "x")  # one byte past the buffer
    assert c.pos == 8 and c.read(3, "x") == data[8:11]


@pytest.mark.usefixtures("small_chunks")
def test_cursor_reads_across_chunks() -> None:
    data = bytes(range(256)) * 4
    c = Cursor(io.BytesIO(data), 0, len(data))
    got = b"".join(c.read(n, "x") for n in (1, 5, 13, 100, 300, 605))
    assert got == data
    c = Cursor(io.BytesIO(data), 0, len(data))
    c.skip(3, "x")
    c.fill(50)
    assert c.read(1, "x") == b"\x03"
    c.skip(500, "x")  # beyond the buffer: seeks
    assert c.pos == 504 and c.read(2, "x") == bytes([504 % 256, 505 % 256])


@pytest.mark.usefixtures("small_chunks")
def test_cursor_lines_are_consumed_with_their_newline() -> None:
    c = Cursor(io.BytesIO(b"ab\ncdefghijklm\nij\n"), 0, 18)
    assert c.readline(10, "line") == b"ab" and c.pos == 3
    assert c.readline(9, "line") is None and c.pos == 15  # too long: skipped, not kept
    assert c.readline(2, "line") == b"ij" and c.remaining() == 0
    with pytest.raises(FormatError, match=r"file ends inside the line \(no newline\)"):
        Cursor(io.BytesIO(b"abc"), 0, 3).readline(10, "line")


def test_a_walk_in_small_chunks_equals_one_in_a_big_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"\x80\x02]q\x00(" + b"K\x01" * 400 + sbu("x" * 50) * 20 + b"cos\nsystem\ne." + PAD
    big = _walker(data)
    big.walk_all()
    monkeypatch.setattr(pickle_cursor, "_CHUNK", 7)
    small = _walker(data)
    small.walk_all()
    assert _summary(small) == _summary(big)
    assert len(small.result.pickles[0].value.items) == 421  # type: ignore[union-attr]


# -- text arguments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("01", True), ("00", False), ("1", 1), ("0", 0), ("010", 8), ("-010", -8), (" 010", 8),
     ("+07", 7), ("0x10", 16), ("10", 10), ("001", 1), ("0" + "7" * 21, 2**63 - 1)],
)  # fmt: skip
def test_parse_int_reads_like_cpython(text: str, expected: int | bool) -> None:
    got = parse_int(text)
    assert got == expected and type(got) is type(expected)


def test_parse_int_octal_past_a_c_long_falls_back_to_python() -> None:
    with pytest.raises(ValueError):
        parse_int("01" + "0" * 21)  # 2**63: past a C long, and int(text, 0) refuses a leading 0


def test_parse_long_drops_one_trailing_l() -> None:
    assert parse_long("5L") == 5 and parse_long("0x10") == 16
    with pytest.raises(ValueError):
        parse_long("5LL")


def test_decode_string_is_ascii_or_bytes() -> None:
    assert decode_string(b"abc") == "abc"
    assert decode_string(b"\x80") == b"\x80"
    s = Skipped("bytes", 9, 0)
    assert decode_string(s) is s


def test_out_of_band_buffers_are_opaque_where_they_are() -> None:
    top = value(b"\x80\x05\x97\x98.")  # NEXT_BUFFER, READONLY_BUFFER (a no-op on the top)
    assert repr(top) == "Opaque(reason='out-of-band buffer', offset=2)"


@pytest.mark.parametrize(("opcode", "name"), [(b"I", "INT"), (b"L", "LONG"), (b"F", "FLOAT")])
def test_a_number_line_that_is_not_utf8_is_malformed(opcode: bytes, name: str) -> None:
    err = fails(opcode + b"1\xff\n.")
    assert f"malformed {name} argument" in str(err) and err.offset == 0

"""Bulk scalar runs in the walker's hot loop (issue 20): a run of one scalar opcode that fills a
MARK and ends at APPENDS onto a container that keeps no more scalars is counted, not pushed.

Every stream is walked twice, by the hot loop and by the checked handlers alone; both must agree
on every value (dropped counts included), offset, op count and error.
"""

from __future__ import annotations

import io
import pickle
import random
import struct
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openness.errors import FormatError
from openness.limits import Limits
from openness.readers.pickle import cursor as pickle_cursor
from openness.readers.pickle import values as pickle_values
from openness.readers.pickle import walker as pickle_walker
from openness.readers.pickle.cursor import Cursor
from openness.readers.pickle.values import MAX_KEPT_SCALARS, Call, PList
from tests.fuzz.profile import fuzz
from tests.readers.test_pickle_vm import deep

FULL = MAX_KEPT_SCALARS  # items that fill a container's kept prefix
PAD = b"\xff" * 600  # no opcode: the hot loop stays buffered up to the end of the pickle


def _walk(data: bytes, limits: Limits, start: int = 0) -> tuple[Any, ...]:
    w = pickle_walker.PickleWalker(io.BytesIO(data), len(data), limits, start=start)
    error = None
    try:
        w.walk_all()
    except FormatError as exc:
        error = (type(exc).__name__, str(exc), exc.offset)
    r = w.result
    return (
        error,
        [(g.module, g.name, g.offset, g.opcode) for g in r.globals],
        [(c.kind, c.offset) for c in r.calls],
        [(p.start, p.end, p.protocol, deep(p.value)) for p in r.pickles],
        # a budget error in a run leaves these at the run's start or end (as before issue 20)
        None if error and error[0] == "LimitExceeded" else (r.ops, r.end),
    )


def both(data: bytes, limits: Limits | None = None, start: int = 0) -> tuple[Any, ...]:
    """The hot loop's walk, asserted equal to the checked handlers' walk."""
    limits = limits or Limits(max_string_bytes=64)
    hot = _walk(data, limits, start)
    with mock.patch.object(pickle_walker, "_LOOKAHEAD", 1 << 62):
        checked = _walk(data, limits, start)
    assert hot == checked
    return hot


def batch(op: bytes, n: int) -> bytes:
    return b"(" + op * n + b"e"


def full_list(op: bytes = b"K\x07") -> bytes:
    """A list whose kept prefix is full: the next APPENDS of scalars only counts them."""
    return b"]" + batch(op, FULL)


SCALAR_OPS = [
    b"G" + struct.pack(">d", 0.25),  # BINFLOAT
    b"K\x07",  # BININT1
    b"M\x01\x02",  # BININT2
    b"J\xff\xff\xff\xff",  # BININT
    b"N",  # NONE
    b"\x88",  # NEWTRUE
    b"\x89",  # NEWFALSE
]


@pytest.mark.parametrize("op", SCALAR_OPS)
def test_a_counted_run_drops_what_pushing_it_would_drop(op: bytes) -> None:
    data = full_list() + batch(op, 700) + batch(op, 3) + b"." + PAD
    error, _, _, pickles, (ops, _) = both(data)
    assert error is None
    top = pickles[0][3]
    assert top[0] == "list" and len(top[1]) == FULL and top[2] == 703
    assert ops == 1 + (FULL + 2) + 702 + 5 + 1


def test_real_pickles_of_long_lists_walk_the_same_on_both_paths() -> None:
    rng = random.Random(20)
    pool: list[Any] = [0.5, 7, 300, 70_000, -1, None, True, False]
    for value in (
        [rng.random() for _ in range(40_000)],
        [rng.choice(pool) for _ in range(30_000)],
        [rng.randrange(256) for _ in range(25_000)] + [{"k": 1}, 3, (1, 2)] * 400,
    ):
        for protocol in (1, 2, 4, 5):  # 4 and 5 frame the stream: runs are cut by FRAME
            data = pickle.dumps(value, protocol=protocol) + PAD
            top = both(data, Limits())[3][0][3]
            assert len(top[1]) + top[2] == len(value)


def test_objects_marked_before_the_run_are_kept() -> None:
    obj = b"\x8c\x01m\x8c\x01C\x93"  # STACK_GLOBAL m.C
    data = full_list() + b"(" + obj + b"K\x01" + obj + b"K\x02" * 50 + b"e." + PAD
    top = both(data)[3][0][3]
    assert [x[0] for x in top[1][FULL:]] == ["global", "global"]
    assert top[2] == 51


def test_a_run_appended_to_a_call_result_is_counted_on_the_call() -> None:
    call = b"\x8c\x01m\x8c\x01C\x93)R"  # m.C()
    data = call + batch(b"K\x01", FULL) + batch(b"N", 40) + b"." + PAD
    top = both(data)[3][0][3]
    assert top[0] == "call" and len(top[8]) == FULL and top[9] == 40


def test_a_run_appended_to_a_scalar_or_a_tuple_is_ignored() -> None:
    assert both(b"K\x05" + batch(b"K\x01", 30) + b"." + PAD)[3][0][3] == ("int", 5)
    assert both(b")" + batch(b"N", 30) + b"." + PAD)[3][0][3] == ()


def test_a_list_with_room_left_keeps_the_run() -> None:
    data = b"]" + batch(b"K\x07", FULL - 10) + batch(b"K\x08", 30) + b"." + PAD
    top = both(data)[3][0][3]
    assert top[1][-10:] == [("int", 8)] * 10 and top[2] == 20


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (batch(b"K\x01", 30) + b"." + PAD, "stack underflow"),  # APPENDS with nothing below
        (b"](" + batch(b"K\x01", 30) + b"." + PAD, "stack underflow"),  # a MARK below, no list
        # a full list below the outer MARK: the run's MARK is empty, CPython's fence refuses it
        (full_list() + b"(" + batch(b"K\x01", 30) + b"." + PAD, "stack underflow"),
        (full_list() + b"K\x01" * 30 + b"e." + PAD, "no MARK on the stack"),
    ],
)
def test_a_run_that_cannot_be_appended_fails_as_on_the_checked_path(
    data: bytes, message: str
) -> None:
    error = both(data)[0]
    assert error is not None and error[1] == message


@pytest.mark.parametrize(
    ("spare", "refused_at"), [(-2, 49 * 2), (-1, 50 * 2), (0, 50 * 2 + 1), (1, None)]
)
def test_the_opcode_budget_counts_a_counted_run_and_its_appends(
    spare: int, refused_at: int | None
) -> None:
    """`spare` opcodes more than MARK, the run of 50 and APPENDS: the first one too many (the
    run's last, APPENDS or STOP) is refused where it is."""
    head = full_list()
    head_ops = 1 + FULL + 2
    data = head + batch(b"K\x01", 50) + b"." + PAD
    limits = Limits(max_pickle_ops=head_ops + 52 + spare, max_string_bytes=64)
    error, *_, counts = both(data, limits)
    if refused_at is None:
        assert error is None and counts[0] == head_ops + 53
    else:
        assert error is not None and error[0] == "LimitExceeded"
        assert error[2] == len(head) + 1 + refused_at


def test_a_counted_run_is_not_unpacked() -> None:
    data = full_list() + batch(b"G" + bytes(8), 5000) + b"." + PAD
    unpacked = []
    real = struct.unpack_from

    def spy(fmt: str, buf: bytes, i: int = 0) -> tuple[Any, ...]:
        values = real(fmt, buf, i)
        unpacked.append(len(values))
        return values

    with mock.patch.object(pickle_walker.struct, "unpack_from", spy):
        w = pickle_walker.walk(io.BytesIO(data), len(data), Limits())
    top = w.pickles[0].value
    assert isinstance(top, PList) and not isinstance(top, Call)
    assert top.dropped == 5000
    assert sum(unpacked) == 0


@pytest.mark.parametrize("chunk", [1, 2, 5, 8, 9, 10, 4096])
def test_runs_cut_by_the_read_buffer_at_any_byte_walk_the_same(chunk: int) -> None:
    value = [i / 7 for i in range(FULL + 3000)] + [None] * 3000 + list(range(200, 3200))
    data = pickle.dumps(value, protocol=2) + PAD
    expected = both(data, Limits())
    with mock.patch.object(pickle_cursor, "_CHUNK", chunk):
        assert both(data, Limits()) == expected


def frame(length: int) -> bytes:
    return b"\x95" + length.to_bytes(8, "little")


G = b"G" + struct.pack(">d", 0.5)


def test_a_run_cut_by_frames_is_counted_as_one() -> None:
    data = full_list() + b"(" + G * 40 + frame(100) + G * 30 + frame(9) + G + b"e." + PAD
    error, _, _, pickles, (ops, _) = both(data)
    assert error is None
    assert pickles[0][3][2] == 71  # dropped
    assert ops == 1 + (FULL + 2) + 1 + 71 + 2 + 1 + 1


@pytest.mark.parametrize(
    "middle",
    [
        frame(10**9),  # runs past the end of the stream: the checked FRAME says so
        frame(5) + b"K\x01" * 20,  # the run goes on with another opcode
        frame(5) + frame(5) + G * 20,  # two FRAMEs in a row
        frame(5) + b"N" + G * 20,
        b"N" + frame(5) + G * 20,
    ],
)
def test_runs_and_frames_that_cannot_be_joined_walk_the_same(middle: bytes) -> None:
    data = full_list() + b"(" + G * 40 + middle + G * 5 + b"e." + PAD
    error = both(data)[0]
    if middle == frame(10**9):
        assert error is not None and error[1].startswith("FRAME length 1,000,000,000 runs past")
        assert error[2] == len(full_list()) + 1 + 40 * 9
    else:
        assert error is None


@pytest.mark.parametrize("over", [1, 40, 41, 42, 71, 72, 73])
def test_the_budget_across_frames_refuses_the_same_opcode(over: int) -> None:
    """The `over`th opcode after MARK is the first one past the budget."""
    head = full_list() + b"("
    head_ops = 1 + FULL + 2 + 1
    data = head + G * 40 + frame(50) + G * 30 + b"e." + PAD
    limits = Limits(max_pickle_ops=head_ops + over - 1, max_string_bytes=64)
    error = both(data, limits)[0]
    assert error is not None and error[0] == "LimitExceeded"


def test_a_framed_run_is_not_unpacked() -> None:
    data = full_list() + b"(" + G * 3000 + frame(9000) + G * 2000 + b"e." + PAD
    unpacked = []
    real = struct.unpack_from

    def spy(fmt: str, buf: bytes, i: int = 0) -> tuple[Any, ...]:
        unpacked.append(fmt)
        return real(fmt, buf, i)

    with mock.patch.object(pickle_walker.struct, "unpack_from", spy):
        w = pickle_walker.walk(io.BytesIO(data), len(data), Limits())
    top = w.pickles[0].value
    assert isinstance(top, PList) and top.dropped == 5000
    assert unpacked == []


# -- the cursor and handler fast paths ---------------------------------------------------------


def test_a_buffered_read_is_checked_like_any_other() -> None:
    c = Cursor(io.BytesIO(b"0123456789"), 0, 6)
    c.fill(6)
    assert c.read(2, "x") == b"01" and c.pos == 2
    with pytest.raises(FormatError, match="stream ends inside the x"):
        c.read(-1, "x")  # a negative length never moves the cursor back
    assert c.read(4, "x") == b"2345"
    with pytest.raises(FormatError, match=r"file ends inside the x \(wanted 1 bytes, 0 left\)"):
        c.read(1, "x")  # past the declared end, though the stream has more


def test_near_the_end_the_buffer_is_kept_not_copied_per_opcode() -> None:
    c = Cursor(io.BytesIO(b"0123456789"), 0, 10)
    c.fill(10)
    buf = c.buf
    c.at(3)
    c.fill(600)  # the hot loop asks for its lookahead at every opcode of a stream's last bytes
    assert c.buf is buf and (c.base, c.i) == (0, 3)


def test_walkers_keep_their_own_handlers() -> None:
    one = b"J\x01\x00\x00\x00." + b"J\x02\x00\x00\x00."
    two = b"J\x03\x00\x00\x00."
    a = pickle_walker.PickleWalker(io.BytesIO(one), len(one), Limits())
    b = pickle_walker.PickleWalker(io.BytesIO(two), len(two), Limits())
    assert a.walk_one().value == 1
    assert b.walk_one().value == 3
    assert a.walk_one().value == 2
    assert (a.result.ops, b.result.ops) == (4, 2)


@pytest.mark.parametrize("head", [b"", b"\x80\x04"])
def test_an_inline_frame_length_is_little_endian_wherever_the_frame_is(head: bytes) -> None:
    """A FRAME whose length is 5 read big-endian runs far past the end read little-endian: the
    hot loop refuses it as the handler does, at the buffer's first byte and after PROTO."""
    data = head + b"\x95" + (5).to_bytes(8, "big") + b"N." + PAD
    error = both(data)[0]
    assert error is not None and error[2] == len(head)


def test_a_pickle_after_a_header_is_walked_up_to_the_declared_end_only() -> None:
    """The stream may hold more than the declared size: a walk from an offset inside it reads
    nothing past the end (the buffer is filled up to the end, not up to the end plus the
    offset), so a pickle cut by the end fails there."""
    head = b"\xff" * 10_000
    body = b"\x80\x02]" + batch(b"K\x01", 3000) + b"."
    size = len(head) + len(body) - 100
    w = pickle_walker.PickleWalker(io.BytesIO(head + body), size, Limits(), start=len(head))
    with pytest.raises(FormatError) as exc:
        w.walk_all()
    assert exc.value.offset is not None and exc.value.offset <= size
    assert w.result.ops <= 3 + (size - len(head) - 4) // 2 + 1


@pytest.mark.parametrize("beyond", [0, 1])
def test_a_frame_may_reach_the_end_of_the_stream_not_past_it(beyond: int) -> None:
    """Inside a run and between opcodes: a FRAME as long as what is left is valid, one byte
    more is not."""
    rest = G * 5 + b"e." + PAD
    data = full_list() + b"(" + G * 40 + frame(len(rest) + beyond) + rest
    assert (both(data)[0] is None) == (beyond == 0)
    rest = b"N." + PAD
    data = b"\x80\x04" + frame(len(rest) + beyond) + rest
    assert (both(data)[0] is None) == (beyond == 0)


@pytest.mark.parametrize("beyond", [0, 1])
def test_a_frame_inside_a_run_is_bounded_by_the_stream_not_the_buffer(beyond: int) -> None:
    """The same from an offset inside the file (a pickle after a header): the stream's end is
    counted from where the buffer starts, not from byte 0 of the buffer."""
    head = b"\xff" * 40
    rest = G * 5 + b"e." + PAD
    data = head + full_list() + b"(" + G * 40 + frame(len(rest) + beyond) + rest
    assert (both(data, start=len(head))[0] is None) == (beyond == 0)


# -- fuzzed: any mix of marks, runs, frames, objects and appends -------------------------------

CAP = 3  # the kept prefix, made small so a fuzzed list fills it at once

_ITEMS = st.one_of(
    st.tuples(st.sampled_from(SCALAR_OPS), st.integers(1, 40)).map(lambda t: t[0] * t[1]),
    st.integers(0, 200).map(frame),
    st.tuples(st.sampled_from(SCALAR_OPS), st.integers(1, 9), st.integers(0, 99)).map(
        lambda t: t[0] * t[1] + frame(t[2]) + t[0] * t[1]  # a run cut by a frame
    ),
    st.just(frame(10**6)),  # runs past the end of the stream
    st.just(b"\x8c\x01m\x8c\x01C\x93"),  # an object (a global)
    st.sampled_from([b"N", b"]", b")", b"(", b"0"]),  # a scalar, list, tuple, MARK, POP
)
_BATCHES = st.one_of(
    st.lists(_ITEMS, max_size=6).map(lambda xs: b"(" + b"".join(xs) + b"e"),  # APPENDS
    st.lists(_ITEMS, max_size=3).map(lambda xs: b"](" + b"".join(xs) + b"ea"),  # a nested list
)


@fuzz(150)
@given(st.lists(_BATCHES, max_size=12))
def test_fuzzed_batches_walk_the_same_on_both_paths(batches: list[bytes]) -> None:
    data = b"\x80\x04](" + b"K\x01" * CAP + b"e" + b"".join(batches) + b"." + PAD
    with (
        mock.patch.object(pickle_values, "MAX_KEPT_SCALARS", CAP),
        mock.patch.object(pickle_walker, "MAX_KEPT_SCALARS", CAP),
    ):
        both(data)

"""The pickle VM model under fuzzing.

- Round trip: for any nested value, walking `pickle.dumps(value)` models exactly `value`.
- Differential: the hot loop (inline opcodes, bulk scalar runs) and the checked handler path agree
  on every stream, valid or not: same globals, calls, pickles, op count and error.
- Buffer edges: any read-chunk size gives the same walk.
- Robustness: opcode soup and mutated real pickles raise FormatError or nothing else.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openness.errors import FormatError, LimitExceeded
from openness.limits import Limits
from openness.readers.pickle import cursor as pickle_cursor
from openness.readers.pickle import walker as pickle_ops
from openness.readers.pickle.values import (
    MAX_KEPT_SCALARS,
    Call,
    Global,
    PDict,
    PList,
    PSet,
    Value,
)
from tests.fuzz import seeds
from tests.fuzz.profile import fuzz
from tests.fuzz.strategies import mutated, opcode_pickles, python_values

LIMITS = Limits(max_pickle_ops=20_000, max_string_bytes=64)


def to_python(v: Value) -> Any:
    """What pickle.loads would return, for the values `python_values` draws."""
    if isinstance(v, PList):
        return [to_python(x) for x in v.items]
    if isinstance(v, tuple):
        return tuple(to_python(x) for x in v)
    if isinstance(v, PDict):
        return {to_python(k): to_python(x) for k, x in v.items}
    if isinstance(v, PSet):
        return (frozenset if v.frozen else set)(to_python(x) for x in v.items)
    if isinstance(v, Call) and isinstance(v.func, Global):
        args = to_python(v.args)
        name = v.func.name
        if v.func.dotted == "_codecs.encode":
            return args[0].encode(args[1])
        if name in ("bytes", "set", "frozenset"):
            made = {"bytes": bytes, "set": set, "frozenset": frozenset}[name](*args)
            if isinstance(made, set):
                made.update(to_python(x) for x in v.appended)
            return made
    return v


def summary(data: bytes, limits: Limits = LIMITS) -> tuple[Any, ...]:
    """Everything a walk reports, plain values only, including how it failed."""
    walker = pickle_ops.PickleWalker(io.BytesIO(data), len(data), limits)
    error: tuple[str, str, int | None] | None = None
    try:
        walker.walk_all()
    except FormatError as exc:
        error = (type(exc).__name__, str(exc), exc.offset)
    r = walker.result
    return (
        error,
        [(g.module, g.name, g.offset, g.opcode) for g in r.globals],
        [(c.kind, c.offset) for c in r.calls],
        [(p.start, p.end, p.protocol) for p in r.pickles],
        [p.offset for p in r.persistent_ids],
        [(e.code, e.offset) for e in r.extensions],
        [(s.kind, s.length, s.offset) for s in r.skipped],
        None if error and error[0] == "LimitExceeded" else r.ops,
    )


@contextmanager
def checked_only() -> Iterator[None]:
    """Every opcode through its checked handler: the reference the hot loop must match."""
    with mock.patch.object(pickle_ops, "_LOOKAHEAD", 1 << 62):
        yield


@fuzz(120)
@given(python_values(), st.integers(0, 5))
def test_walk_models_exactly_what_pickle_loads(value: Any, protocol: int) -> None:
    data = pickle.dumps(value, protocol=protocol)
    walked = pickle_ops.walk(io.BytesIO(data), len(data), Limits())
    assert to_python(walked.pickles[0].value) == pickle.loads(data)  # our own bytes: safe


@fuzz(200)
@given(st.one_of(opcode_pickles(), mutated(seeds.plain_pickle()), mutated(seeds.numpy_pickle())))
def test_hot_loop_matches_the_checked_handlers(data: bytes) -> None:
    fast = summary(data)
    with checked_only():
        reference = summary(data)
    assert fast == reference


@fuzz(60)
@given(st.integers(1, 600), st.sampled_from([0, 1, 2, 4, 5]))
def test_any_read_chunk_size_gives_the_same_walk(chunk: int, protocol: int) -> None:
    value = [1.5, 7, 300, 70000, 2**40, None, True, False, "sé", b"b", (1, 2)] * 60
    data = pickle.dumps({"v": value, "k": list(range(500))}, protocol=protocol)
    expected = summary(data, Limits())
    with mock.patch.object(pickle_cursor, "_CHUNK", chunk):
        assert summary(data, Limits()) == expected


def test_long_scalar_runs_across_buffers_keep_a_bounded_prefix() -> None:
    value: list[Any] = []
    for i in range(120_000):
        value.append([i * 0.5, i, i % 256, i * 70_000, None, True, "s"][i % 7])
    for protocol in range(6):
        data = pickle.dumps(value, protocol=protocol)
        walked = pickle_ops.walk(io.BytesIO(data), len(data), Limits())
        top = walked.pickles[0].value
        assert isinstance(top, PList)
        assert top.items == value[:MAX_KEPT_SCALARS]
        assert len(top.items) + top.dropped == len(value)


def test_objects_past_the_scalar_cap_are_kept() -> None:
    value: list[Any] = list(range(MAX_KEPT_SCALARS + 5)) + [set(), 3, frozenset({1})]
    data = pickle.dumps(value, protocol=2)
    top = pickle_ops.walk(io.BytesIO(data), len(data), Limits()).pickles[0].value
    assert isinstance(top, PList)
    assert [type(v).__name__ for v in top.items[MAX_KEPT_SCALARS:]] == ["Call", "Call"]
    assert top.dropped == 6


@fuzz(200)
@given(
    st.one_of(
        opcode_pickles(),
        mutated(seeds.plain_pickle()),
        mutated(seeds.torch_legacy()),
        st.binary(max_size=300),
    )
)
def test_walker_raises_only_format_errors(data: bytes) -> None:
    try:
        pickle_ops.walk(io.BytesIO(data), len(data), LIMITS)
    except LimitExceeded as exc:
        assert exc.offset is not None
    except FormatError:
        pass


@pytest.mark.parametrize(
    "data",
    [
        b"\x00",  # found by the long campaign: the op count differed on a non-opcode byte
        b"\x80\x02}q\x00X\x01\x00\x00\x00a(K\x01K\x02\x00",
        b"\x80\x04K\x01K\x02K\x03" * 40 + b"\xff",
        b"(" + b"G" + bytes(8) + b"\x86.",
    ],
)
def test_hot_loop_regressions(data: bytes) -> None:
    fast = summary(data)
    with checked_only():
        assert summary(data) == fast

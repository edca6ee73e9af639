"""The modelled unpickler's memory is bounded: values on the stack (marks included) and memo
entries, checked at each chunk the walker reads. Before, only the opcode count bounded them:
10M EMPTY_LISTs held 1.2 GB."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from openness.errors import LimitExceeded
from openness.limits import Limits
from openness.readers.pickle import cursor as pickle_cursor
from openness.readers.pickle.walker import walk
from tests.readers.pickle_helpers import by_rule, read_pickle_bytes

SMALL = Limits(max_pickle_stack=100, max_pickle_memo=100)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pickle_cursor, "_CHUNK", 16)


def _walk(data: bytes, limits: Limits = SMALL) -> int:
    return walk(io.BytesIO(data), len(data), limits).ops


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b"N" * 1000, "values on the pickle stack"),
        (b"(" * 1000, "values on the pickle stack"),
        (b"(N" * 500, "values on the pickle stack"),  # stack and marks count together
        (b"]\x940" * 500, "memo entries"),
        (b"]q\x000" + b"]r\x01\x00\x00\x000" * 10 + b"]\x940" * 400, "memo entries"),
    ],
)
def test_over_the_limit_is_refused(body: bytes, what: str) -> None:
    with pytest.raises(LimitExceeded, match=what):
        _walk(b"\x80\x04" + body + b".")


def test_the_refusal_says_where() -> None:
    """Within a read's worth of opcodes past the limit (the walker reads 513 bytes ahead)."""
    data = b"\x80\x04" + b"N" * 5000 + b"."
    with pytest.raises(LimitExceeded) as err:
        _walk(data)
    assert err.value.offset is not None and 100 < err.value.offset < 100 + 2 * 513


@pytest.mark.parametrize("body", [b"(" + b"N" * 90 + b"l", b"]\x940" * 90 + b"N"])
def test_under_the_limit_walks(body: bytes) -> None:
    assert _walk(b"\x80\x04" + body + b".") > 90


def test_stack_and_memo_are_per_pickle() -> None:
    one = b"\x80\x04" + b"]\x940" * 60 + b"N."
    assert _walk(one * 3) == 3 * (1 + 180 + 2)  # PROTO, the triples, NONE and STOP


def test_default_limits_allow_a_real_batched_pickle() -> None:
    import pickle

    data = pickle.dumps([{"k": i} for i in range(20_000)], protocol=4)
    assert _walk(data, Limits()) > 20_000


def test_reader_reports_the_limit_incomplete(tmp_path: Path) -> None:
    payload = b"\x80\x04cos\nsystem\n" + b"N" * 1000 + b"."
    result = read_pickle_bytes(tmp_path, payload, SMALL)
    assert not result.artifact.complete
    assert "values on the pickle stack" in result.artifact.note
    assert by_rule(result, "OPN-PKL-001") and by_rule(result, "OPN-PKL-004")


def test_the_limits_are_inclusive_and_the_refusal_names_the_chunk() -> None:
    """Exactly max_pickle_stack values (marks included) and max_pickle_memo entries are allowed;
    one more is refused at the offset of the chunk being read."""
    from openness.readers.pickle.walker import PickleWalker

    w = PickleWalker(io.BytesIO(b"N."), 2, SMALL)
    state = w._f  # the per-pickle frame the walker checks at each chunk
    state.stack[:], state.marks[:] = [None] * 99, [0]
    state.memo.update({k: None for k in range(100)})
    w._check_state(7)
    state.stack.append(None)
    with pytest.raises(LimitExceeded, match="more than 100 values on the pickle stack") as err:
        w._check_state(7)
    assert err.value.offset == 7
    state.stack.pop()
    state.memo[100] = None
    with pytest.raises(LimitExceeded, match="more than 100 memo entries") as err:
        w._check_state(9)
    assert err.value.offset == 9

"""The pieces without a server: target parsing, the range stream, the retry policy."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from openness.errors import TargetError
from openness.sources.hub import is_hub_target, parse_target
from openness.sources.hub_client import RetryPolicy
from openness.sources.hub_stream import (
    FIRST_READAHEAD,
    DownloadCapReached,
    RangeStream,
    SegmentStore,
)


def test_targets() -> None:
    assert parse_target("hf:org/name@v1.0").revision == "v1.0"
    assert parse_target("org/name").repo_id == "org/name"
    assert is_hub_target("hf:org/name") and is_hub_target("org/name")
    assert not is_hub_target("./org/name") and not is_hub_target("model.safetensors")
    for bad in ("hf:org", "hf:../etc/passwd", "hf:org/name@", "hf:a/b/c"):
        with pytest.raises(TargetError):
            parse_target(bad)


class Remote:
    def __init__(self, data: bytes):
        self.data = data
        self.calls: list[tuple[int, int]] = []

    def __call__(self, start: int, end: int) -> bytes:
        self.calls.append((start, end))
        return self.data[start:end]


def test_stream_reads_like_a_file_with_few_requests() -> None:
    data = bytes(range(256)) * 4096  # 1 MiB
    remote = Remote(data)
    stream = RangeStream("f", len(data), remote, budget=len(data))
    assert stream.read(8) == data[:8]
    assert remote.calls == [(0, FIRST_READAHEAD)]
    stream.seek(100_000)
    assert stream.read(50_000) == data[100_000:150_000]
    stream.seek(-10, io.SEEK_END)
    assert stream.read() == data[-10:]
    assert stream.read(5) == b""
    stream.seek(0)
    assert stream.read(16) == data[:16] and len(remote.calls) == 3  # the head is not fetched again


def test_stream_stops_at_its_budget() -> None:
    data = bytes(200_000)
    stream = RangeStream("f", len(data), Remote(data), budget=10_000, cap_hint="raise it")
    stream.read(9_000)
    with pytest.raises(DownloadCapReached, match="download cap of 10,000 bytes.*raise it"):
        stream.read(5_000)


def test_segments_are_kept_for_the_next_run(tmp_path: Path) -> None:
    data = b"x" * 10_000
    first = Remote(data)
    store = SegmentStore(tmp_path / "seg")
    RangeStream("f", len(data), first, budget=len(data), store=store).read(100)
    again = Remote(data)
    stream = RangeStream(
        "f", len(data), again, budget=len(data), store=SegmentStore(tmp_path / "seg")
    )
    assert stream.read(100) == data[:100] and again.calls == []
    (tmp_path / "seg" / "0-4096").write_bytes(b"short")  # a damaged cache entry is ignored
    assert RangeStream("f", len(data), again, budget=len(data), store=store).read(3) == b"xxx"


def test_retry_after_is_honoured_and_backoff_has_jitter() -> None:
    waits: list[float] = []
    policy = RetryPolicy(base_wait=1.0, max_wait=60.0, sleep=waits.append, jitter=lambda: 0.5)
    assert policy.delay(0, retry_after=7) == 7.5
    assert policy.delay(0, retry_after=600) == 60.5  # capped
    assert [policy.delay(n, None) for n in range(3)] == [0.75, 1.5, 3.0]
    low = RetryPolicy(jitter=lambda: 0.0).delay(3, None)
    high = RetryPolicy(jitter=lambda: 0.999).delay(3, None)
    assert low == 4.0 and 7.9 < high < 8.0

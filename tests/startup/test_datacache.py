"""The tool's JSON cache of derived data: written once, read back only for the same source."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from openness import datacache
from openness.datafiles import load_yaml


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPENNESS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("OPENNESS_DATA_CACHE", raising=False)
    return tmp_path / "cache" / "data"


def counting(calls: list[bytes]) -> Callable[[bytes], Any]:
    def build(source: bytes) -> dict[str, Any]:
        calls.append(source)
        return {"length": len(source), "items": [1, "two", None]}

    return build


def test_built_once_then_read_back(cache: Path) -> None:
    calls: list[bytes] = []
    first = datacache.derived("t", b"abc", counting(calls))
    again = datacache.derived("t", b"abc", counting(calls))
    assert first == again == {"length": 3, "items": [1, "two", None]}
    assert calls == [b"abc"]
    assert len(list(cache.iterdir())) == 1


def test_other_source_bytes_get_their_own_entry(cache: Path) -> None:
    calls: list[bytes] = []
    datacache.derived("t", b"abc", counting(calls))
    assert datacache.derived("t", b"abcd", counting(calls))["length"] == 4
    assert calls == [b"abc", b"abcd"]


def test_a_tampered_or_damaged_entry_is_rebuilt(cache: Path) -> None:
    calls: list[bytes] = []
    datacache.derived("t", b"abc", counting(calls))
    (entry,) = cache.iterdir()
    data = json.loads(entry.read_text())
    entry.write_text(json.dumps({**data, "source_blake2b": "0" * 64, "data": "planted"}))
    assert datacache.derived("t", b"abc", counting(calls))["length"] == 3
    entry.write_bytes(b"\x80\x04not json")
    assert datacache.derived("t", b"abc", counting(calls))["length"] == 3
    assert len(calls) == 3


def test_values_json_would_change_are_not_cached(cache: Path) -> None:
    value = datacache.derived("t", b"x", lambda _: {"pair": (1, 2), 3: "int key"})
    assert value == {"pair": (1, 2), 3: "int key"}
    assert not cache.exists() or not any(cache.iterdir())


def test_off_and_unwritable_fall_back_to_building(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENNESS_DATA_CACHE", "off")
    assert datacache.cache_dir() is None
    assert datacache.derived("t", b"abc", lambda s: len(s)) == 3
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.delenv("OPENNESS_DATA_CACHE")
    monkeypatch.setenv("OPENNESS_CACHE_DIR", str(blocker / "sub"))
    assert datacache.derived("t", b"abc", lambda s: len(s)) == 3


def test_yaml_data_reads_the_same_from_the_cache(cache: Path) -> None:
    text = "a: 1\nb: [x, {c: null}]\n"
    assert load_yaml(text) == load_yaml(text) == {"a": 1, "b": ["x", {"c": None}]}
    assert len(list(cache.iterdir())) == 1

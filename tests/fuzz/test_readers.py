"""Every reader on mutated valid files and on random bytes: a ReaderResult or a FormatError,
never another exception, never a hang (the hypothesis deadline bounds each example).

Each file is read twice: by the reader its content is detected as now, and by the reader of the
format it was made in (a mutation often changes what the content looks like)."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openness.errors import FormatError
from openness.limits import Limits
from openness.model import ReaderResult
from openness.readers import detect
from openness.readers.registry import reader_for
from tests.fuzz import seeds
from tests.fuzz.profile import fuzz
from tests.fuzz.strategies import mutated

LIMITS = Limits(max_pickle_ops=200_000, max_gguf_array=100_000, max_tensors=100_000)

WEIGHTS: dict[str, Callable[[], bytes]] = {
    name: build
    for name, build in seeds.FILES.items()
    if not name.endswith((".json", ".md")) and name != "LICENSE"
}


def read_as(fmt: str, name: str, data: bytes) -> ReaderResult | None:
    """Read `data` with the reader of `fmt`; only FormatError may escape (and is swallowed)."""
    reader = reader_for(fmt)
    if reader is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        with path.open("rb") as f:
            try:
                result = reader.read(name, len(data), f, LIMITS)
            except FormatError:
                return None
    assert isinstance(result, ReaderResult)
    return result


def detected(name: str, data: bytes) -> str:
    return detect.detect_format(name, len(data), io.BytesIO(data))


@pytest.mark.parametrize("name", sorted(WEIGHTS))
def test_seed_files_are_read_by_their_reader(name: str) -> None:
    data = WEIGHTS[name]()
    fmt = detected(name, data)
    assert reader_for(fmt) is not None, fmt
    result = read_as(fmt, name, data)
    assert result is not None and result.artifact is not None


@fuzz(200)
@given(st.sampled_from(sorted(WEIGHTS)), st.data())
def test_mutated_files_give_a_result_or_a_format_error(name: str, draw: st.DataObject) -> None:
    seed = WEIGHTS[name]()
    data = draw.draw(mutated(seed), label="data")
    native = detected(name, seed)
    read_as(native, name, data)
    now = detected(name, data)
    if now != native:
        read_as(now, name, data)


@fuzz(60)
@given(st.sampled_from(sorted(detect.WEIGHT_FORMATS | {detect.NPZ})), st.binary(max_size=2048))
def test_random_bytes_give_a_result_or_a_format_error(fmt: str, data: bytes) -> None:
    read_as(fmt, "random.bin", data)

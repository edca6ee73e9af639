"""Crashes the fuzz campaign found outside this area's files, fixed by their owners since:
documents/frontmatter.py (d6deedc) and sources/archive.py (cbe31c9). Kept as regression tests."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import openness
from openness.documents.card import read_card

NUL_FRONT_MATTER = b"---\n\x00\n---\n# Card\n"


def test_nul_in_front_matter_is_a_finding_not_a_crash() -> None:
    result = read_card("README.md", NUL_FRONT_MATTER)
    assert result.findings


def test_assess_survives_a_nul_in_front_matter() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "README.md").write_bytes(NUL_FRONT_MATTER)
        assert openness.assess(tmp, hash_files=False).findings


def _zip_with_compression_method(method: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("release/config.json", '{"model_type": "bert"}')
    data = bytearray(out.getvalue())
    cd = data.index(b"PK\x01\x02")
    data[cd + 10 : cd + 12] = method.to_bytes(2, "little")
    return bytes(data)


def test_unsupported_zip_compression_method_is_a_finding_not_a_crash() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "release.zip"
        target.write_bytes(_zip_with_compression_method(99))
        result = openness.assess(str(target), hash_files=False)
        assert not result.complete

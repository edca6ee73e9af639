"""Helpers for the pickle-family reader tests (pytest puts this directory on sys.path)."""

from __future__ import annotations

import struct
from pathlib import Path

from openness.limits import Limits
from openness.model import Finding, ReaderResult
from openness.readers.pickle.reader import PickleReader
from openness.readers.pytorch import PytorchZipReader


def read_file(path: Path, reader: object, limits: Limits | None = None) -> ReaderResult:
    with path.open("rb") as f:
        return reader.read(str(path), path.stat().st_size, f, limits or Limits())  # type: ignore[attr-defined,no-any-return]


def read_pickle_bytes(
    tmp_path: Path, data: bytes, limits: Limits | None = None, name: str = "sample.pkl"
) -> ReaderResult:
    path = tmp_path / name
    path.write_bytes(data)
    return read_file(path, PickleReader(), limits)


def read_torch_zip(path: Path, limits: Limits | None = None) -> ReaderResult:
    return read_file(path, PytorchZipReader(), limits)


def by_rule(result: ReaderResult, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule_id == rule]


def unsafe(result: ReaderResult) -> list[Finding]:
    return [f for f in result.findings if f.rule_id != "OPN-PKL-000"]


def sbu(text: str) -> bytes:
    """SHORT_BINUNICODE."""
    raw = text.encode()
    return b"\x8c" + bytes([len(raw)]) + raw


def binbytes8(n: int) -> bytes:
    return b"\x8e" + struct.pack("<Q", n)

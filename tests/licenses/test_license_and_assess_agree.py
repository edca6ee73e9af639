"""`openness license FILE` and `openness assess` read a file the same way: on every license,
notice and card file of the real releases in ../shared/corpus/realworld-dev, and on a notice."""

from __future__ import annotations

from pathlib import Path

import pytest

import openness
from tests.helpers import run_cli

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "realworld-dev"
_NAMES = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "MODEL_LICENSE")


def _assessed(docs: Path) -> dict[str, set[tuple[str, str]]]:
    a = openness.assess(str(docs), hash_files=False, frameworks="none", health=False)
    found: dict[str, set[tuple[str, str]]] = {}
    for lic in a.licenses:
        found.setdefault(lic.source.file, set()).add((lic.id, str(lic.status)))
    return found


def _single(path: Path) -> set[tuple[str, str]]:
    from openness.cli.license import _licenses  # the command's own reading of one file

    return {(lic.id, str(lic.status)) for lic in _licenses(str(path))[1]}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/realworld-dev is absent")
def test_license_and_assess_agree_on_every_corpus_file() -> None:
    checked = 0
    for docs in sorted(CORPUS.glob("*/docs")):
        assessed = _assessed(docs)
        for path in sorted(docs.rglob("*")):
            if path.is_file() and path.name.upper().startswith(_NAMES):
                rel = str(path.relative_to(docs))
                assert _single(path) == assessed.get(rel, set()), rel
                checked += 1
    assert checked >= 20


def test_a_notice_file_is_not_read_as_a_license_by_either(tmp_path: Path) -> None:
    notice = tmp_path / "NOTICE"
    notice.write_text(
        "This product bundles a tokenizer under the following terms:\n\n"
        "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
    )
    assert _single(notice) == set() == _assessed(tmp_path).get("NOTICE", set())
    done = run_cli("license", str(notice))
    assert done.returncode == 0 and "is a notice file" in done.stdout

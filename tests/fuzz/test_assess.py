"""The whole `openness.assess` on generated releases: folders and archives of valid, mutated and
random files. It returns an Assessment (problems inside a release are findings, unreadable files
make it incomplete); only an archive that cannot be opened at all may raise, and only TargetError.
"""

from __future__ import annotations

import io
import tarfile
import tempfile
import zipfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import openness
from openness.errors import TargetError
from openness.model import Assessment
from tests.fuzz import seeds
from tests.fuzz.known import tolerate_known_bugs
from tests.fuzz.profile import fuzz
from tests.fuzz.strategies import mutated

_NAMES = sorted(seeds.FILES)


@st.composite
def releases(draw: st.DrawFn) -> dict[str, bytes]:
    """file name -> content: seeds as they are, mutated, or random bytes under a seed's name."""
    files: dict[str, bytes] = {}
    for name in draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=6, unique=True)):
        seed = seeds.FILES[name]()
        how = draw(st.sampled_from(["as is", "mutated", "random"]))
        if how == "as is":
            files[name] = seed
        elif how == "mutated":
            files[name] = draw(mutated(seed))
        else:
            files[name] = draw(st.binary(max_size=256))
        if draw(st.integers(0, 4)) == 0:
            files["sub/" + name] = files[name]
    return files


def _archive(kind: str, files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    if kind == "zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                zf.writestr("release/" + name, data)
    else:
        with tarfile.open(fileobj=out, mode="w:gz" if kind == "tar.gz" else "w") as tf:
            for name, data in files.items():
                info = tarfile.TarInfo("release/" + name)
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _assess(target: Path, hash_files: bool) -> Assessment:
    with tolerate_known_bugs():
        result = openness.assess(str(target), hash_files=hash_files)
    assert isinstance(result, Assessment)
    if not result.complete:
        assert result.incomplete  # incomplete always says why
    return result


@fuzz(25)
@given(releases(), st.booleans())
def test_assess_on_generated_folders(files: dict[str, bytes], hash_files: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "release"
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        result = _assess(root, hash_files)
        assert {f.path for f in result.files} >= set(files)


@fuzz(25)
@given(releases(), st.sampled_from(["zip", "tar", "tar.gz"]), st.booleans(), st.data())
def test_assess_on_generated_archives(
    files: dict[str, bytes], kind: str, damage: bool, data: st.DataObject
) -> None:
    blob = _archive(kind, files)
    if damage:
        blob = data.draw(mutated(blob, max_mutations=3))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / f"release.{kind}"
        target.write_bytes(blob)
        try:
            _assess(target, hash_files=True)
        except TargetError:
            assert damage  # only an archive we broke may be unopenable

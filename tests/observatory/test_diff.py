"""`openness diff`: license, files and hashes, ratings, findings; JSON files, releases, store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from openness.observatory.batch import BatchItem, run_batch
from openness.observatory.diff import diff
from openness.observatory.diff_render import render
from openness.observatory.store import open_store
from openness.pipeline import assess
from openness.serialize import to_data
from tests.helpers import run_cli
from tests.observatory.conftest import make_release


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    a = make_release(tmp_path / "v1", license_id="apache-2.0")
    b = make_release(tmp_path / "v2", license_id="cc-by-nc-4.0", pickle_file=True)
    return a, b


def test_diff_names_license_file_rating_and_finding_changes(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    before, after = to_data(assess(str(a))), to_data(assess(str(b)))
    after["x_future"] = {"mof_class": 2}
    d = diff(before, after)
    license_changes = {c.what: (c.before, c.after) for c in d.license}
    assert license_changes["category"] == ("open-source", "noncommercial")
    assert license_changes["family"] == ("apache", "cc-by-nc")
    assert license_changes["commercial use"] == ("yes", "no")
    assert {c.what: c.after for c in d.ratings}["open_license"] == "closed"
    assert [(f.path, f.change) for f in d.files] == [
        ("README.md", "changed"),
        ("extra.pkl", "added"),
    ]
    assert ("added", "OPN-PKL-000") in {(f.change, f.rule_id) for f in d.findings}
    assert [c.what for c in d.other] == ["frameworks", "x_future"]  # frameworks: new field
    if "licenses" in after:  # license detection writes every license found: compared by id
        assert any(c.what.startswith("license ") for c in d.license)
    assert diff(before, before).empty
    markdown = render(d, "markdown")
    assert "| category | open-source | noncommercial |" in markdown
    assert json.loads(render(d, "json"))["files"][1]["path"] == "extra.pkl"


def test_cli_diff_on_json_files_and_on_releases(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    for name, folder in (("a.json", a), ("b.json", b)):
        out = run_cli("assess", str(folder), "--format", "json", "-o", str(tmp_path / name))
        assert out.returncode in (0, 1), out.stderr
    files = run_cli("diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"))
    assert files.returncode == 0, files.stderr
    assert "+ extra.pkl" in files.stdout and "open_license: open -> closed" in files.stdout
    folders = run_cli("diff", str(a), str(b), "--format", "json", "--exit-code")
    assert folders.returncode == 1
    assert json.loads(folders.stdout)["empty"] is False
    same = run_cli("diff", str(tmp_path / "a.json"), str(tmp_path / "a.json"), "--exit-code")
    assert same.returncode == 0 and "no changes" in same.stdout


def test_cli_diff_between_two_stored_revisions(tmp_path: Path) -> None:
    db = str(tmp_path / "obs.db")
    folder = make_release(tmp_path / "m", license_id="mit")
    item = [BatchItem(str(folder), "acme/m")]
    run_batch(open_store(db), item, workers=1)
    (folder / "README.md").write_text("---\nlicense: gpl-3.0\n---\n# m\n", encoding="utf-8")
    run_batch(open_store(db), item, workers=1)
    listing = run_cli("observe", "list", "acme/m", "--db", db)
    revisions = [line.split()[0].split("@")[1] for line in listing.stdout.splitlines()]
    assert len(revisions) == 2
    newer, older = revisions
    out = run_cli("diff", f"acme/m@{older}", f"acme/m@{newer}", "--db", db)
    assert out.returncode == 0, out.stderr
    assert "family: mit -> gpl" in out.stdout and "~ README.md" in out.stdout
    missing = run_cli("diff", "acme/m@ffff", f"acme/m@{newer}", "--db", db)
    assert missing.returncode == 2 and "no stored assessment" in missing.stderr
    # without --db: the default store of the working folder, as --help says; none there is an
    # error, and reading creates no store
    here = tmp_path / "here"
    here.mkdir()
    none = run_cli("diff", f"acme/m@{older}", f"acme/m@{newer}", cwd=here)
    assert none.returncode == 2 and "none at openness-observatory.db" in none.stderr
    assert list(here.iterdir()) == []
    for suffix in ("", "-wal"):  # the store and its write-ahead log
        if Path(db + suffix).exists():
            shutil.copy(db + suffix, here / f"openness-observatory.db{suffix}")
    default = run_cli("diff", f"acme/m@{older}", f"acme/m@{newer}", cwd=here)
    assert default.returncode == 0 and "family: mit -> gpl" in default.stdout, default.stderr


def test_diff_rejects_what_is_not_an_assessment(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "something/else"}', encoding="utf-8")
    out = run_cli("diff", str(bad), str(bad))
    assert out.returncode == 2 and "not an openness.assessment/1 document" in out.stderr
    out = run_cli("diff", "nothing-here", str(bad))
    assert out.returncode == 2 and "MODEL@REVISION" in out.stderr


def test_cli_diff_reads_framework_changes_and_names_both_sides(tmp_path: Path) -> None:
    """Issue 17: framework changes were cut-off JSON blobs, and two assessments of one folder
    were both labelled with the folder's path."""
    folder = make_release(tmp_path / "release", license_id="apache-2.0")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    run_cli("assess", str(folder), "--format", "json", "-o", str(a))
    make_release(folder, license_id="cc-by-nc-4.0")
    run_cli("assess", str(folder), "--format", "json", "-o", str(b))
    done = run_cli("diff", str(a), str(b))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"--- {a} ({folder})" and lines[1] == f"+++ {b} ({folder})"
    assert not [x for x in lines if "{" in x or x.endswith("...")], done.stdout
    frameworks = done.stdout.split("\nframeworks:\n", 1)[1]
    assert "  OSI Open Source AI Definition 1.0\n" in frameworks
    assert "    Freedom to use for any purpose without asking permission: pass -> fail" in (
        frameworks
    )
    assert "terms.commercial_use: allowed -> prohibited" in done.stdout
    markdown = run_cli("diff", str(a), str(b), "--format", "markdown").stdout
    assert "| framework | what | before | after |" in markdown
    assert "| OSI Open Source AI Definition 1.0 | verdict | " not in markdown  # fail -> fail
    assert json.loads(run_cli("diff", str(a), str(b), "--format", "json").stdout)["frameworks"]

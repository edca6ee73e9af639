"""OSV matching on a small database in the official schema, written by the test: advisories that
do and do not match the manifests, introduced/fixed/last_affected events, listed (yanked)
versions, withdrawn records, PyPI and npm version orders, folder and zip forms."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from openness.health import analyse, semver
from openness.health.cvss import base_score
from openness.health.osv_db import Event, Range
from openness.health.osv_match import describe, in_range
from openness.model import Severity


def advisory(
    osv_id: str,
    ecosystem: str,
    name: str,
    events: list[dict[str, str]],
    *,
    versions: tuple[str, ...] = (),
    severity: list[dict[str, str]] | None = None,
    label: str | None = None,
    withdrawn: str | None = None,
    range_type: str = "ECOSYSTEM",
) -> dict[str, object]:
    record: dict[str, object] = {
        "schema_version": "1.6.0",
        "id": osv_id,
        "modified": "2026-01-01T00:00:00Z",
        "published": "2025-01-01T00:00:00Z",
        "aliases": [f"CVE-2025-{abs(hash(osv_id)) % 10000:04d}"],
        "summary": f"test advisory {osv_id}",
        "affected": [
            {
                "package": {"ecosystem": ecosystem, "name": name},
                "ranges": [{"type": range_type, "events": events}],
                "versions": list(versions),
            }
        ],
    }
    if severity:
        record["severity"] = severity
    if label:
        record["database_specific"] = {"severity": label}
    if withdrawn:
        record["withdrawn"] = withdrawn
    return record


CRITICAL_VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"  # 9.8
MEDIUM_VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"  # 6.1

ADVISORIES = [
    # requests==2.19.0 is inside [2.0, 2.20.0): matches, fixed 2.20.0, critical by CVSS
    advisory(
        "GHSA-aaaa-0001",
        "PyPI",
        "requests",
        [{"introduced": "2.0"}, {"fixed": "2.20.0"}],
        severity=[{"type": "CVSS_V3", "score": CRITICAL_VECTOR}],
    ),
    # introduced later than the pin: no match
    advisory("GHSA-aaaa-0002", "PyPI", "requests", [{"introduced": "2.25"}, {"fixed": "2.26"}]),
    # last_affected 1.3.2 covers the pyyaml lock entry 1.3.2 (name spelt differently: PyYAML)
    advisory(
        "PYSEC-0003",
        "PyPI",
        "PyYAML",
        [{"introduced": "0"}, {"last_affected": "1.3.2"}],
        label="MODERATE",
    ),
    # a yanked release listed in `versions`, past every range: still matches
    advisory(
        "GHSA-aaaa-0004",
        "PyPI",
        "flask",
        [{"introduced": "0"}, {"fixed": "0.12.3"}],
        versions=("0.12.3.post1",),
        label="LOW",
    ),
    # withdrawn: never reported although the range covers the pin
    advisory(
        "GHSA-aaaa-0005",
        "PyPI",
        "requests",
        [{"introduced": "0"}],
        withdrawn="2026-02-01T00:00:00Z",
    ),
    # npm: semver order, 4.17.20 < 4.17.21 (fixed); pre-release of the fix is still affected
    advisory(
        "GHSA-npm0-0006",
        "npm",
        "lodash",
        [{"introduced": "0"}, {"fixed": "4.17.21"}],
        severity=[{"type": "CVSS_V3", "score": MEDIUM_VECTOR}],
        range_type="SEMVER",
    ),
    # npm package fixed before the locked version: no match
    advisory("GHSA-npm0-0007", "npm", "left-pad", [{"introduced": "0"}, {"fixed": "1.0.0"}]),
    # same name in another ecosystem: no match
    advisory("GHSA-xeco-0008", "npm", "requests", [{"introduced": "0"}]),
    # no severity at all: reported as unknown, treated as high
    advisory("GHSA-aaaa-0009", "PyPI", "urllib3", [{"introduced": "1.0"}, {"fixed": "1.26.5"}]),
]


def write_repo(root: Path) -> None:
    root.mkdir()
    (root / "requirements.txt").write_text(
        "# pinned runtime\nrequests==2.19.0\nflask==0.12.3.post1 --hash=sha256:00\n"
        "urllib3 == 1.26.4\nclick>=8\n"
    )
    (root / "uv.lock").write_text(
        'version = 1\n\n[[package]]\nname = "demo"\nversion = "0.1.0"\n'
        'source = { editable = "." }\n\n[[package]]\nname = "pyyaml"\nversion = "1.3.2"\n'
        'source = { registry = "https://pypi.org/simple" }\n'
    )
    web = root / "web"
    web.mkdir()
    (web / "package.json").write_text(
        json.dumps({"dependencies": {"lodash": "^4.17.0", "left-pad": "1.3.0"}}, indent=2)
    )
    (web / "package-lock.json").write_text(
        json.dumps(
            {
                "lockfileVersion": 3,
                "packages": {
                    "": {"name": "web"},
                    "node_modules/lodash": {"version": "4.17.20"},
                    "node_modules/left-pad": {"version": "1.3.0"},
                },
            },
            indent=2,
        )
    )


@pytest.fixture
def osv_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "osv"
    folder.mkdir()
    for record in ADVISORIES:
        (folder / f"{record['id']}.json").write_text(json.dumps(record))
    return folder


def _by_advisory(report: object) -> dict[str, object]:
    return {v.advisory: v for v in report.vulnerabilities}  # type: ignore[attr-defined]


def test_advisories_that_match_and_that_do_not(tmp_path: Path, osv_folder: Path) -> None:
    write_repo(tmp_path / "repo")
    report = analyse(tmp_path / "repo", osv_db=osv_folder)
    found = _by_advisory(report)
    assert set(found) == {
        "GHSA-aaaa-0001",
        "PYSEC-0003",
        "GHSA-aaaa-0004",
        "GHSA-npm0-0006",
        "GHSA-aaaa-0009",
    }
    requests = found["GHSA-aaaa-0001"]
    assert requests.affected == ">=2.0, <2.20.0" and requests.fixed == ("2.20.0",)
    assert requests.severity_score == 9.8 and requests.severity is Severity.CRITICAL
    assert (requests.dependency.file, requests.dependency.line) == ("requirements.txt", 2)
    yaml_hit = found["PYSEC-0003"]
    assert yaml_hit.affected == "<=1.3.2" and yaml_hit.fixed == ()
    assert yaml_hit.severity_label == "MEDIUM" and yaml_hit.dependency.file == "uv.lock"
    assert "listed version 0.12.3.post1" in found["GHSA-aaaa-0004"].affected
    lodash = found["GHSA-npm0-0006"]
    assert lodash.dependency.file == "web/package-lock.json" and lodash.severity_score == 6.1
    assert found["GHSA-aaaa-0009"].severity_label == "UNKNOWN"
    assert found["GHSA-aaaa-0009"].severity is Severity.HIGH


def test_findings_carry_id_range_fix_and_severity(tmp_path: Path, osv_folder: Path) -> None:
    write_repo(tmp_path / "repo")
    report = analyse(tmp_path / "repo", osv_db=osv_folder)
    hits = [f for f in report.findings if f.rule_id == "OPN-HLT-001"]
    assert len(hits) == 5
    first = hits[0]  # sorted by severity: the critical one
    assert first.trigger == "GHSA-aaaa-0001" and first.severity is Severity.CRITICAL
    assert "fixed in: 2.20.0" in first.reason and ">=2.0, <2.20.0" in first.reason
    assert str(first.location) == "requirements.txt:2#requests"
    checks = {c.name: c.score for c in report.checks}
    assert checks["Vulnerabilities"] == 3  # five known vulnerabilities


def test_zip_database_gives_the_same_answer(tmp_path: Path, osv_folder: Path) -> None:
    write_repo(tmp_path / "repo")
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(osv_folder.iterdir()):
            z.write(path, path.name)
    from_zip = analyse(tmp_path / "repo", osv_db=archive)
    from_folder = analyse(tmp_path / "repo", osv_db=osv_folder)
    assert from_zip.vulnerabilities == from_folder.vulnerabilities
    records = {e.fact: e.value for e in from_zip.evidence}["health.osv.records"]
    assert records == len(ADVISORIES)


def test_clean_database_scores_ten_and_no_database_is_unknown(tmp_path: Path) -> None:
    write_repo(tmp_path / "repo")
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "x.json").write_text(json.dumps(ADVISORIES[1]))
    scores = {c.name: c.score for c in analyse(tmp_path / "repo", osv_db=clean).checks}
    assert scores["Vulnerabilities"] is None  # click>=8 and lodash ^4.17 were not checked
    exact = tmp_path / "exact"
    exact.mkdir()
    (exact / "requirements.txt").write_text("requests==2.32.0\n")
    assert {c.name: c.score for c in analyse(exact, osv_db=clean).checks}["Vulnerabilities"] == 10
    assert {c.name: c.score for c in analyse(tmp_path / "repo").checks}["Vulnerabilities"] is None


def test_malformed_records_make_the_reading_incomplete(tmp_path: Path, osv_folder: Path) -> None:
    write_repo(tmp_path / "repo")
    (osv_folder / "broken.json").write_text(
        '{"id": "X", "affected": [{"package": {"name": "requests"'
    )
    report = analyse(tmp_path / "repo", osv_db=osv_folder)
    assert not report.complete and any("OSV records" in r for r in report.incomplete)
    assert "GHSA-aaaa-0001" in _by_advisory(report)


@pytest.mark.parametrize(
    ("version", "events", "expected"),
    [
        ("1.5", [("introduced", "1.0"), ("fixed", "2.0")], True),
        ("2.0", [("introduced", "1.0"), ("fixed", "2.0")], False),
        ("0.9", [("introduced", "1.0"), ("fixed", "2.0")], False),
        ("2.0", [("introduced", "0"), ("last_affected", "2.0")], True),
        ("2.0.1", [("introduced", "0"), ("last_affected", "2.0")], False),
        ("3.5", [("introduced", "1.0"), ("fixed", "2.0"), ("introduced", "3.0")], True),
        ("2.5", [("introduced", "1.0"), ("fixed", "2.0"), ("introduced", "3.0")], False),
        ("1.10", [("introduced", "1.9"), ("fixed", "1.11")], True),  # not string order
        ("2.0rc1", [("introduced", "1.0"), ("fixed", "2.0")], True),  # PEP 440 pre-release
        ("1.5", [("introduced", "1.0"), ("limit", "1.5")], False),
    ],
)
def test_pypi_range_semantics(version: str, events: list[tuple[str, str]], expected: bool) -> None:
    r = Range("ECOSYSTEM", tuple(Event(k, v) for k, v in events))
    assert in_range("PyPI", version, r) is expected


def test_unorderable_versions_are_undetermined_not_clean() -> None:
    r = Range("ECOSYSTEM", (Event("introduced", "0"), Event("fixed", "not a version")))
    assert in_range("PyPI", "1.0", r) is None
    assert in_range("npm", "latest", Range("SEMVER", (Event("introduced", "0"),))) is None


def test_semver_order() -> None:
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.2.0",
        "1.10.0",
        "2.0.0",
    ]
    for low, high in zip(ordered, ordered[1:], strict=False):
        assert semver.compare(low, high) == -1 and semver.compare(high, low) == 1
    assert semver.compare("1.0.0+build.5", "1.0.0") == 0
    assert semver.compare("v1.2.3", "=1.2.3") == 0
    assert semver.parse("1.2") is None and semver.parse("01.2.3") is None
    assert not semver.is_exact("^1.2.3") and semver.is_exact("1.2.3")


def test_cvss_scores_and_description() -> None:
    assert base_score(CRITICAL_VECTOR) == 9.8
    assert base_score(MEDIUM_VECTOR) == 6.1
    assert base_score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N") == 5.5
    assert base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N") == 0.0
    assert base_score("CVSS:4.0/AV:N") is None and base_score("garbage") is None
    events = (Event("introduced", "1.0"), Event("fixed", "1.5"), Event("introduced", "2.0"))
    assert describe(Range("ECOSYSTEM", events)) == ">=1.0, <1.5 || >=2.0"

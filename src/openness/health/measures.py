"""Turn what was read (history, tags, files, dependencies, matches) into evidence with provenance.

Git measures are located at `.git` with the commit id or tag they rest on as the key; file
measures at the file (and line); dependency measures at the manifest line.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..model import Evidence, JSONValue, Location
from .governance import Contact, FoundFile
from .history import DAY, HistoryStats, TagStats
from .manifests import ManifestScan
from .osv_match import MatchResult


def _fact(
    name: str,
    value: JSONValue,
    file: str,
    *,
    line: int | None = None,
    key: str | None = None,
    note: str = "",
) -> Evidence:
    return Evidence(f"health.{name}", value, Location(file, line=line, key=key), note=note)


def _date(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d")


def _days(now: float, when: float) -> int:
    return max(0, int((now - when) // DAY))


def history_evidence(stats: HistoryStats, git: str) -> list[Evidence]:
    if not stats.commits:
        return [_fact("commits.total", 0, git, key="HEAD", note="no commits")]
    head = stats.head
    out = [
        _fact("git.head", head, git, key="HEAD"),
        _fact("commits.total", stats.commits, git, key=head),
        _fact("commits.last_90d", stats.commits_90, git, key=head),
        _fact("commits.last_365d", stats.commits_365, git, key=head),
        _fact("commits.per_week", round(stats.commits_365 / 52, 2), git, key=head),
        _fact("commits.signed", stats.signed, git, key=head),
        _fact("commits.signed_share", round(stats.signed / stats.commits, 3), git, key=head),
        _fact("contributors.total", len(stats.authors), git, key=head),
        _fact("contributors.last_90d", len(stats.authors_90), git, key=head),
        _fact("contributors.last_365d", len(stats.by_author_365), git, key=head),
        _fact("domains.last_365d", len(stats.by_domain_365), git, key=head),
        _fact("git.shallow", stats.shallow, git, key=head),
        _fact(
            "affiliations.organisations_365d",
            len(stats.organisations_365),
            git,
            key=head,
            note="organisational e-mail domains of the last year's authors",
        ),
        _fact(
            "affiliations.personal_365d",
            len(stats.personal_365),
            git,
            key=head,
            note="authors of the last year with personal addresses (noreply, free-mail)",
        ),
        _fact(
            "affiliations.most_365d",
            len(stats.organisations_365) + len(stats.personal_365),
            git,
            key=head,
            note="at most this many organisations: each personal address could be another",
        ),
    ]
    if stats.last_time is not None:
        out.append(
            _fact(
                "last_commit.days_ago",
                _days(stats.now, stats.last_time),
                git,
                key=stats.last_commit,
                note=f"last commit {_date(stats.last_time)}",
            )
        )
    if stats.first_time is not None:
        out.append(
            _fact(
                "first_commit.days_ago",
                _days(stats.now, stats.first_time),
                git,
                key=stats.first_commit,
                note=f"first commit {_date(stats.first_time)}",
            )
        )
    if stats.commits_365:
        out.append(_fact("bus_factor", stats.bus_factor, git, key=head, note="last 365 days"))
        ranked = stats.by_domain_365.most_common()
        top, top_count = ranked[0]
        out.append(_fact("domains.top", top, git, key=head))
        out.append(
            _fact("domains.top_share", round(top_count / stats.commits_365, 3), git, key=head)
        )
        out += [
            _fact("domain_share", round(n / stats.commits_365, 3), git, key=domain)
            for domain, n in ranked
        ]
        groups = stats.by_affiliation_365.most_common()
        group, group_count = groups[0]
        personal = group in stats.personal_365
        out.append(
            _fact(
                "affiliations.top",
                group,
                git,
                key=head,
                note="a person (personal address)" if personal else "an organisation",
            )
        )
        out.append(
            _fact(
                "affiliations.top_share", round(group_count / stats.commits_365, 3), git, key=head
            )
        )
        if personal:
            out.append(_fact("affiliations.top_personal", True, git, key=head))
    return out


def tag_evidence(tags: TagStats, git: str) -> list[Evidence]:
    total = len(tags.tags)
    out = [_fact("tags.total", total, git, key="refs/tags")]
    if not total:
        return out
    out += [
        _fact("tags.last_365d", tags.last_year, git, key="refs/tags"),
        _fact("tags.signed", tags.signed, git, key="refs/tags"),
        _fact("tags.signed_share", round(tags.signed / total, 3), git, key="refs/tags"),
    ]
    latest = tags.latest
    if latest is not None:
        out.append(
            _fact(
                "release.days_ago",
                _days(tags.now, latest.when),
                git,
                key=f"refs/tags/{latest.name}",
                note=f"{latest.name} at {latest.commit[:12]}, {_date(latest.when)}",
            )
        )
    interval = tags.median_interval_days
    if interval is not None:
        out.append(_fact("release.interval_days", interval, git, key="refs/tags", note="median"))
    return out


def file_evidence(
    found: list[FoundFile], contacts: dict[str, list[Contact]], license_ids: dict[str, str]
) -> list[Evidence]:
    out = [_fact(f"file.{f.kind}", f.path, f.path) for f in found]
    for path, items in contacts.items():
        out += [
            _fact("security_policy.contact", c.value, path, line=c.line, note=c.kind) for c in items
        ]
    out += [_fact("license.spdx", spdx, path) for path, spdx in license_ids.items()]
    return out


def dependency_evidence(scan: ManifestScan) -> list[Evidence]:
    manifests = [m for m in scan.manifests if not m.kind.lock]
    locks = [m for m in scan.manifests if m.kind.lock]
    declared = [d for m in manifests for d in m.dependencies]
    pinned = sum(1 for d in declared if d.version is not None)
    unlocked = unpinned_unlocked(scan)
    out = [_fact("dependencies.manifest", m.path, m.path) for m in manifests]
    out += [_fact("dependencies.lock_file", m.path, m.path) for m in locks]
    out += [
        _fact("dependencies.lock_files", len(locks), ""),
        _fact("dependencies.declared", len(declared), ""),
        _fact("dependencies.pinned", pinned, ""),
        _fact("dependencies.locked", sum(len(m.dependencies) for m in locks), ""),
        _fact("dependencies.unpinned_unlocked", sum(len(v) for v in unlocked.values()), ""),
    ]
    if declared:
        loose = sum(len(v) for v in unlocked.values())
        out.append(_fact("dependencies.pinned_share", round(pinned / len(declared), 3), ""))
        out.append(
            _fact(
                "dependencies.pinned_or_locked_share",
                round(1 - loose / len(declared), 3),
                "",
                note="declared dependencies pinned, or with a lock file beside their manifest",
            )
        )
    return out


def unpinned_unlocked(scan: ManifestScan) -> dict[str, list[str]]:
    """Per manifest, the dependencies with neither an exact pin nor a lock file beside them."""
    locked_folders = {
        (m.kind.ecosystem, m.path.rpartition("/")[0]) for m in scan.manifests if m.kind.lock
    }
    out: dict[str, list[str]] = {}
    for m in scan.manifests:
        if m.kind.lock or (m.kind.ecosystem, m.path.rpartition("/")[0]) in locked_folders:
            continue
        loose = [d.name for d in m.dependencies if d.version is None]
        if loose:
            out[m.path] = loose
    return out


def osv_evidence(result: MatchResult, db_path: str, records: int) -> list[Evidence]:
    out = [
        _fact("osv.records", records, db_path),
        _fact("osv.checked_dependencies", result.checked, db_path),
        _fact("osv.unchecked_dependencies", result.unchecked, db_path),
        _fact("vulnerabilities", len(result.vulnerable), db_path),
    ]
    for v in result.vulnerable:
        dep = v.dependency
        out.append(
            _fact(
                "vulnerability",
                v.advisory,
                dep.file,
                line=dep.line,
                key=dep.name,
                note=f"{dep.name} {dep.version}: {v.affected}; fixed in "
                f"{', '.join(v.fixed) or 'no fixed version'}; {v.severity_label}",
            )
        )
    return out

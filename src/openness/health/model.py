"""Frozen values of the health reading: dependencies, vulnerability matches, check scores."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Evidence, Finding, Severity

HEALTH_SCHEMA_ID = "openness.health/1"


@dataclass(frozen=True)
class HealthLimits:
    max_commits: int = 5_000_000
    max_tags: int = 200_000
    git_timeout_seconds: float = 300.0
    max_walk_entries: int = 200_000  # files and folders looked at when finding manifests
    max_walk_depth: int = 8
    max_text_bytes: int = 512 * 1024  # governance files read as text
    max_manifest_bytes: int = 64 * 1024 * 1024  # lock files can be large
    max_advisory_bytes: int = 16 * 1024 * 1024  # one OSV record
    max_advisory_files: int = 2_000_000
    max_osv_total_bytes: int = 16 * 1024 * 1024 * 1024  # declared, summed over a zip


DEFAULT_HEALTH_LIMITS = HealthLimits()


@dataclass(frozen=True)
class Dependency:
    """One dependency as a manifest or lock file names it."""

    ecosystem: str  # OSV ecosystem name: "PyPI" or "npm"
    name: str
    spec: str  # the requirement as written, e.g. ">=1.2" or "==1.2.3"
    version: str | None  # the exact version when pinned or locked, else None
    file: str
    line: int | None
    locked: bool = False  # read from a lock file


@dataclass(frozen=True)
class VulnerableDependency:
    """A dependency at a version an OSV advisory says is affected."""

    advisory: str
    aliases: tuple[str, ...]
    summary: str
    dependency: Dependency
    affected: str  # the ranges in words, e.g. ">=1.0, <1.4.2"
    fixed: tuple[str, ...]
    severity_label: str  # CRITICAL | HIGH | MEDIUM | LOW | UNKNOWN
    severity_score: float | None  # CVSS v3 base score when a vector is given
    severity_vector: str | None
    severity: Severity  # what the finding carries


@dataclass(frozen=True)
class CheckScore:
    """One check in the style of OpenSSF Scorecard: 0..10, or None when it could not be judged."""

    name: str
    framework: str  # "OpenSSF Scorecard" | "CHAOSS"
    score: int | None
    rationale: str
    evidence: tuple[Evidence, ...] = ()

    @property
    def level(self) -> str:
        if self.score is None:
            return "unknown"
        return "good" if self.score >= 8 else "fair" if self.score >= 4 else "poor"


@dataclass(frozen=True)
class Aggregate:
    """The checks together: the mean of the scored ones. A `?` check is left out, neither 0 nor
    10; with no scored check there is no aggregate (None)."""

    score: float | None  # 0..10, one decimal
    scored: int
    unknown: tuple[str, ...]  # names of the checks not scored

    @classmethod
    def of(cls, checks: tuple[CheckScore, ...]) -> Aggregate:
        scores = [c.score for c in checks if c.score is not None]
        mean = round(sum(scores) / len(scores), 1) if scores else None
        return cls(mean, len(scores), tuple(c.name for c in checks if c.score is None))

    def describe(self) -> str:
        head = (
            "no check could be scored"
            if self.score is None
            else f"{self.score}/10, the mean of {self.scored} scored checks"
        )
        if not self.unknown:
            return head
        return f"{head}; not scored (?), left out: {', '.join(self.unknown)}"


@dataclass(frozen=True)
class HealthReport:
    schema: str
    tool_version: str
    target: str
    path: str
    evidence: tuple[Evidence, ...]
    findings: tuple[Finding, ...]
    checks: tuple[CheckScore, ...]
    dependencies: tuple[Dependency, ...]
    vulnerabilities: tuple[VulnerableDependency, ...]
    complete: bool
    incomplete: tuple[str, ...] = ()

    @property
    def aggregate(self) -> Aggregate:
        return Aggregate.of(self.checks)

    def max_severity(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)

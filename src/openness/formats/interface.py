"""A format is a pure function Assessment -> str; the CLI owns all file I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Assessment


@dataclass(frozen=True)
class RenderOptions:
    width: int = 80
    color: bool = False
    #: CycloneDX specification version for `cyclonedx` ("1.6" or "1.7")
    spec_version: str = "1.6"
    #: ISO 8601 UTC creation time stamped into SBOM exports; None leaves it out (reproducible)
    created: str | None = None
    #: base URL where the rule pages (docs/rules/OPN-*.md) are published; SARIF `helpUri`s point
    #: there. None (default): no helpUri, the page itself is embedded as the rule's help
    docs_url: str | None = None
    #: the terminal report shows every framework's component table (otherwise one line each)
    details: bool = False
    #: SARIF: absolute folder that result URIs are made relative to (the git repository holding
    #: the release, or the working directory); None or a release outside it: release-relative
    source_root: str | None = None
    #: SARIF: the absolute working directory the command ran in, recorded in `invocations`
    working_directory: str | None = None


DEFAULT_OPTIONS = RenderOptions()
Formatter = Callable[[Assessment, RenderOptions], str]

"""Turn walked pickles into a ReaderResult: tensors, globals as evidence, the analyzers' findings.

Shared by the pickle-bearing readers. A walk that stopped on a FormatError still reports what it
found, with the artifact marked incomplete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ...errors import FormatError
from ...model import Artifact, DtypeCount, Evidence, Finding, ReaderResult, TensorInfo
from ..common import count_parameters, fact
from . import analyzers
from . import policy as pickle_policy
from .analyzers import WalkContext
from .walker import Walk


@dataclass
class PickleReport:
    """Accumulates one file's walks (one per pickle member for zips)."""

    path: str
    format: str
    evidence: list[Evidence] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    tensors: list[TensorInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    useful: bool = False  # something was read: raise FormatError only when this stays False
    with_weights: bool = False
    #: globals another check owns (TorchScript's own, inside a TorchScript archive): recorded as
    #: evidence, left out of the pickle policy's findings
    exempt: Callable[[str, str], bool] | None = None

    def __post_init__(self) -> None:
        self.findings.append(pickle_policy.format_finding(self.path))

    def add_walk(self, walk: Walk, *, key: str | None = None, base: int = 0) -> None:
        """Record a (possibly partial) walk; `base` shifts offsets when the walk is of a member."""
        if walk.pickles or walk.globals or walk.extensions:
            self.useful = True
        imports = [(g.module, g.name, base + g.offset) for g in walk.globals]
        imports += [
            ("copyreg", f"extension_registry[{e.code}]", base + e.offset) for e in walk.extensions
        ]
        exempt = self.exempt
        checked = tuple(i for i in imports if exempt is None or not exempt(i[0], i[1]))
        analysis = analyzers.analyze(WalkContext(self.path, walk, key, base, checked))
        self.findings.extend(analysis.findings)
        where = f"{key}: " if key else ""
        self.notes.extend(where + failure for failure in analysis.failures)
        seen: dict[str, int] = {}
        for module, name, offset in imports:
            seen.setdefault(f"{module}.{name}", offset)
        for dotted, offset in seen.items():
            self.evidence.append(
                fact(
                    "pickle.global",
                    dotted,
                    self.path,
                    offset=offset,
                    key=key,
                    note="imported when the pickle is loaded",
                )
            )
        if walk.persistent_ids:
            self.evidence.append(
                fact(
                    "pickle.persistent_ids",
                    len(walk.persistent_ids),
                    self.path,
                    offset=base + walk.persistent_ids[0].offset,
                    key=key,
                )
            )

    def fail(self, exc: FormatError, where: str = "") -> None:
        """Note a stop; re-raise when nothing at all could be read."""
        if not self.useful:
            raise exc
        at = f" at byte {exc.offset}" if exc.offset is not None else ""
        self.notes.append(f"{where}{exc}{at}; the rest was not read")
        self.findings.append(pickle_policy.incomplete_finding(self.path, f"{where}{exc}", exc))

    def result(self, weights_note: str, key: str | None = None) -> ReaderResult:
        total: int | None = None
        count: int | None = None
        dtypes: tuple[DtypeCount, ...] = ()
        if self.tensors or self.with_weights:
            # a view sharing a storage with a bigger tensor is counted through the bigger one
            total, dtypes = count_parameters(sorted(self.tensors, key=lambda t: -t.numel))
            count = len(self.tensors)
            self.evidence.insert(
                0, fact("weights.parameters", total, self.path, key=key, note=weights_note)
            )
            self.evidence.insert(
                0, fact("weights.tensors", count, self.path, key=key, note=weights_note)
            )
        artifact = Artifact(
            self.path,
            self.format,
            total,
            count,
            dtypes,
            complete=not self.notes,
            note="; ".join(self.notes),
        )
        return ReaderResult(
            artifact, tuple(self.evidence), tuple(self.findings), tuple(self.tensors)
        )

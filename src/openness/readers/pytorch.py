"""PyTorch zip checkpoints (`torch.save` since 1.6): `<prefix>/data.pkl` plus `<prefix>/data/<key>`.

Members are read the way PyTorch reads them (see zip_members): through their local headers, with
no CRC or flag check, including members only a local header names. Disagreements between the
headers are findings. The pickle is walked, never loaded; tensors come from `_rebuild_tensor*`
calls over persistent-id storages. Every pickle member is walked for imports (TorchScript archives
load several). A TorchScript archive (`constants.pkl` beside `data.pkl`, torch.load's own test) is
checked the way torch.jit.load reads it: see torchscript.py.
"""

from __future__ import annotations

import zipfile
import zlib
from typing import BinaryIO

from ..errors import FormatError
from ..limits import Limits
from ..model import Location, ReaderResult, Severity
from ..rules import finding
from . import detect, torch_tensors, torchscript
from .common import fact
from .pickle.report import PickleReport
from .pickle.walker import PickleWalker, Walk
from .zip_members import Entry, crc_matches, entries, open_entry

_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
    zlib.error,
)
_CRC_CHECK_BYTES = 64 * 1024 * 1024  # pickles are checked; big storages are not re-read


def _is_pickle_member(name: str) -> bool:
    return name.endswith(".pkl") or name.rsplit("/", 1)[-1] == "data.pkl"


class PytorchZipReader:
    formats = (detect.PYTORCH_ZIP,)

    def read(self, path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult:
        stream.seek(0)
        try:
            zf = zipfile.ZipFile(stream)
        except _ZIP_ERRORS as exc:
            raise FormatError(f"not a readable zip archive: {exc}", offset=0) from None
        with zf:
            members, issues = entries(zf, stream, size, limits.max_archive_members)
        pickles = [e for e in members if _is_pickle_member(e.name)]
        if not any(e.name.rsplit("/", 1)[-1] == "data.pkl" for e in pickles):
            raise FormatError("zip archive has no data.pkl member", offset=0)
        report = PickleReport(path, detect.PYTORCH_ZIP)
        for issue in issues:
            rule = "OPN-ARC-007" if issue.hidden else "OPN-ARC-006"
            report.findings.append(
                finding(rule, issue.reason, Location(path, key=issue.member), issue.member)
            )
        scripts = _torchscript_archives(path, stream, size, members, pickles, limits)
        for entry in pickles:
            script = scripts.get(_prefix(entry.name))
            report.exempt = torchscript.exempt_global if script is not None else None
            walk = self._walk_member(
                stream, size, entry, members, report, limits, _storage_dir(entry.name, script)
            )
            if script is not None and walk is not None:
                script.check_walk(walk, entry.name)
        report.exempt = None
        for script in scripts.values():
            report.findings.extend(script.findings())
            report.notes.extend(script.notes)
            if script.namespaces:
                report.evidence.append(
                    fact(
                        "torchscript.op_namespaces",
                        tuple(sorted(script.namespaces)),
                        path,
                        key=script.first_code,
                        note="operator namespaces the TorchScript code calls (ops.<ns>)",
                    )
                )
        _torchscript_code(path, members, report, set(scripts))
        report.with_weights = True
        return report.result(
            "tensors rebuilt from persistent-id storages in data.pkl",
            key=next(e.name for e in pickles if e.name.endswith("data.pkl")),
        )

    @staticmethod
    def _walk_member(
        archive: BinaryIO,
        archive_size: int,
        entry: Entry,
        members: list[Entry],
        report: PickleReport,
        limits: Limits,
        storage_dir: str | None,
    ) -> Walk | None:
        """Walk one pickle member; with `storage_dir`, rebuild its tensors over that folder."""
        member = entry.name
        size = min(entry.size, limits.max_pickle_bytes)
        try:
            if crc_matches(archive, entry, archive_size, _CRC_CHECK_BYTES) is False:
                report.findings.append(
                    finding(
                        "OPN-ARC-006",
                        "CRC-32 does not match the data: zipfile refuses it, PyTorch loads it",
                        Location(report.path, key=member),
                        member,
                    )
                )
            stream = open_entry(archive, entry, archive_size)
        except (FormatError, *_ZIP_ERRORS) as exc:
            error = exc if isinstance(exc, FormatError) else FormatError(str(exc))
            report.fail(FormatError(f"cannot open member {member}: {error}"), f"{member}: ")
            return None
        walker = PickleWalker(stream, size, limits)
        try:
            walker.walk_all()
        except FormatError as exc:
            report.add_walk(walker.result, key=member)
            report.fail(exc, f"{member}: ")
        else:
            report.add_walk(walker.result, key=member)
            if entry.size > size:
                report.notes.append(
                    f"{member} is {entry.size:,} bytes, beyond the limit of "
                    f"{limits.max_pickle_bytes:,}; only the start was walked"
                )
            elif walker.pos < size:
                report.notes.append(
                    f"{member}: {size - walker.pos:,} trailing bytes after "
                    f"the last pickle were not read"
                )
        if storage_dir is None:
            return walker.result
        stored = {e.name: e.data_offset for e in members if e.method == zipfile.ZIP_STORED}
        tensors, storages = torch_tensors.recover(walker.result, storage_dir, stored.get)
        report.tensors.extend(tensors)
        sizes = {e.name: e.size for e in members}
        for s in storages:
            have = sizes.get(f"{storage_dir}{s.key}")
            if have is None:
                report.notes.append(f"storage {storage_dir}{s.key} is missing from the archive")
            elif s.numel is not None and have < s.numel * s.element_size:
                report.notes.append(
                    f"storage {storage_dir}{s.key} holds {have:,} bytes, less "
                    f"than its {s.numel:,} elements need"
                )
        return walker.result


def _storage_dir(member: str, script: torchscript.TorchScriptArchive | None) -> str | None:
    """data.pkl's tensors live in `data/`; a TorchScript archive's constants.pkl (a frozen
    model's weights, a traced model's tensor constants) in `constants/`."""
    base = member.rsplit("/", 1)[-1]
    if base == "data.pkl":
        return _prefix(member) + "data/"
    if base == "constants.pkl" and script is not None:
        return _prefix(member) + "constants/"
    return None


def _prefix(member: str) -> str:
    return member.rsplit("/", 1)[0] + "/" if "/" in member else ""


def _torchscript_archives(
    path: str,
    stream: BinaryIO,
    size: int,
    members: list[Entry],
    pickles: list[Entry],
    limits: Limits,
) -> dict[str, torchscript.TorchScriptArchive]:
    """Each `<prefix>` whose data.pkl has a constants.pkl beside it, with its code/ read."""
    names = [e.name for e in members]
    out: dict[str, torchscript.TorchScriptArchive] = {}
    for entry in pickles:
        prefix = _prefix(entry.name)
        if (
            entry.name.endswith("data.pkl")
            and prefix not in out
            and torchscript.is_torchscript_prefix(names, prefix)
        ):
            script = torchscript.TorchScriptArchive(path, prefix)
            script.read_code(stream, size, members, limits)
            out[prefix] = script
    return out


def _torchscript_code(
    path: str, members: list[Entry], report: PickleReport, checked: set[str]
) -> None:
    """`code/` sources: counted; outside a TorchScript archive they are flagged unchecked."""
    code = [e for e in members if "/code/" in f"/{e.name}" and e.name.endswith(".py")]
    unchecked = [e for e in code if not any(e.name.startswith(p + "code/") for p in checked)]
    if unchecked:
        report.findings.append(
            finding(
                "OPN-TSC-001",
                f"{len(unchecked)} source file(s) under code/ in an archive without "
                "constants.pkl: torch.load unpickles it with Python, the code was not checked",
                Location(path, offset=unchecked[0].header_offset, key=unchecked[0].name),
                unchecked[0].name,
                severity=Severity.MEDIUM,
            )
        )
    if code:
        report.evidence.append(
            fact("torchscript.code_files", len(code), path, key=code[0].name, note="source files")
        )

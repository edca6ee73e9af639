"""PyTorch zip checkpoints (`torch.save` since 1.6): `<prefix>/data.pkl` plus `<prefix>/data/<key>`.

Members are read the way PyTorch reads them (see zip_members): through their local headers, with
no CRC or flag check, including members only a local header names. Disagreements between the
headers are findings. The pickle is walked, never loaded; tensors come from `_rebuild_tensor*`
calls over persistent-id storages. Every pickle member is walked for imports (TorchScript archives
load several), and TorchScript source under `code/` is reported.
"""

from __future__ import annotations

import zipfile
import zlib
from typing import BinaryIO

from ..errors import FormatError
from ..limits import Limits
from ..model import Location, ReaderResult
from ..rules import finding
from . import detect, torch_tensors
from .common import fact
from .pickle_ops import PickleWalker
from .pickle_report import PickleReport
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
_MAX_CODE_FINDINGS = 20


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
        sizes = {e.name: e.size for e in members}
        for entry in pickles:
            self._walk_member(stream, size, entry, sizes, report, limits)
        _torchscript_code(path, members, report)
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
        sizes: dict[str, int],
        report: PickleReport,
        limits: Limits,
    ) -> None:
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
            return
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
        if member.rsplit("/", 1)[-1] != "data.pkl":
            return
        prefix = member[: -len("data.pkl")]
        tensors, storages = torch_tensors.recover(walker.result, prefix + "data/")
        report.tensors.extend(tensors)
        for s in storages:
            have = sizes.get(f"{prefix}data/{s.key}")
            if have is None:
                report.notes.append(f"storage {prefix}data/{s.key} is missing from the archive")
            elif s.numel is not None and have < s.numel * s.element_size:
                report.notes.append(
                    f"storage {prefix}data/{s.key} holds {have:,} bytes, less "
                    f"than its {s.numel:,} elements need"
                )


def _torchscript_code(path: str, members: list[Entry], report: PickleReport) -> None:
    """TorchScript archives keep compiled-on-load source under `<prefix>/code/`."""
    code = [e for e in members if "/code/" in f"/{e.name}" and e.name.endswith(".py")]
    for entry in code[:_MAX_CODE_FINDINGS]:
        report.findings.append(
            finding(
                "OPN-TSC-001",
                "TorchScript source compiled and run by torch.jit.load",
                Location(path, offset=entry.header_offset, key=entry.name),
                entry.name,
            )
        )
    if code:
        report.evidence.append(
            fact("torchscript.code_files", len(code), path, key=code[0].name, note="source files")
        )

"""PyTorch zip checkpoints (`torch.save` since 1.6): `<prefix>/data.pkl` plus `<prefix>/data/<key>`.

The pickle is walked, never loaded; tensors come from `_rebuild_tensor*` calls over persistent-id
storages. Every `.pkl` member is walked for imports, since TorchScript archives load several.
"""

from __future__ import annotations

import zipfile
import zlib
from typing import BinaryIO

from ..errors import FormatError
from ..limits import Limits
from ..model import ReaderResult
from . import detect, torch_tensors
from .pickle_ops import PickleWalker
from .pickle_report import PickleReport

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


class PytorchZipReader:
    formats = (detect.PYTORCH_ZIP,)

    def read(self, path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult:
        stream.seek(0)
        try:
            zf = zipfile.ZipFile(stream)
            infos = zf.infolist()
        except _ZIP_ERRORS as exc:
            raise FormatError(f"not a readable zip archive: {exc}", offset=0) from None
        with zf:
            pickles = [i for i in infos if i.filename.endswith(".pkl") and not i.is_dir()]
            if not any(i.filename.rsplit("/", 1)[-1] == "data.pkl" for i in pickles):
                raise FormatError("zip archive has no data.pkl member", offset=0)
            report = PickleReport(path, detect.PYTORCH_ZIP)
            names = {i.filename: i.file_size for i in infos}
            for info in pickles[: limits.max_archive_members]:
                self._walk_member(zf, info, names, report, limits)
        report.with_weights = True
        return report.result(
            "tensors rebuilt from persistent-id storages in data.pkl",
            key=next(i.filename for i in pickles if i.filename.endswith("data.pkl")),
        )

    @staticmethod
    def _walk_member(
        zf: zipfile.ZipFile,
        info: zipfile.ZipInfo,
        sizes: dict[str, int],
        report: PickleReport,
        limits: Limits,
    ) -> None:
        member = info.filename
        size = min(info.file_size, limits.max_pickle_bytes)
        try:
            stream = zf.open(info)
        except _ZIP_ERRORS as exc:
            report.fail(FormatError(f"cannot open member {member}: {exc}"), f"{member}: ")
            return
        with stream:
            walker = PickleWalker(stream, size, limits)  # type: ignore[arg-type]
            try:
                walker.walk_all()
            except FormatError as exc:
                report.add_walk(walker.result, key=member)
                report.fail(exc, f"{member}: ")
            else:
                report.add_walk(walker.result, key=member)
                if info.file_size > size:
                    report.notes.append(
                        f"{member} is {info.file_size:,} bytes, beyond the limit of "
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

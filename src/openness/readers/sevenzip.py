"""7z archives through py7zr (the `archives` extra): listed, then decompressed once, never by name.

py7zr decompresses a solid block from its start, so members are not opened one at a time:
the members a caller admits are decompressed in one pass into one anonymous temporary file (each
cut at a cap, the whole pass at a budget py7zr enforces itself) and read back as windows of it.
py7zr writes nothing to disk here: it gets a writer factory and a fresh empty folder to check
names against. Whatever py7zr raises on a hostile archive becomes a reason, never a traceback.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, cast

from ..errors import FormatError, OpennessError
from ..record import Record, record
from .zip_members import Window

if TYPE_CHECKING:
    import py7zr

INSTALL_HINT = "reading 7z archives needs py7zr: pip install 'openness[archives]'"


class SevenZipUnavailable(OpennessError):
    """py7zr is not installed."""


class EncryptedArchive(FormatError):
    """The archive's header is encrypted: not even the member names can be read."""


@record
class SevenZipEntry(Record):
    name: str
    size: int
    compressed: int | None  # None inside a solid block: sizes are only known per block
    kind: str  # "file", "dir" or "link"
    encrypted: bool


@dataclass
class Extracted:
    """What one decompression pass gave: windows of the spill file, and what went wrong."""

    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (offset, size)
    over_cap: set[str] = field(default_factory=set)
    bad_crc: set[str] = field(default_factory=set)
    stopped: str = ""  # why the pass ended early; members not in spans were not decompressed


def _py7zr() -> Any:
    try:
        import py7zr
    except ImportError:
        raise SevenZipUnavailable(INSTALL_HINT) from None
    return py7zr


def _sanitized(name: str) -> str:
    """The key py7zr derives from an admitted (traversal-free) name."""
    return "/".join(p for p in name.split("/") if p not in ("", "."))


class SevenZipArchive:
    """One 7z archive on a seekable stream; `extract` once, then `open` members."""

    def __init__(self, stream: BinaryIO) -> None:
        lib = _py7zr()
        stream.seek(0)
        try:
            self._archive: py7zr.SevenZipFile = lib.SevenZipFile(stream, mode="r")
        except lib.PasswordRequired:
            raise EncryptedArchive("7z header is encrypted; no member can be listed") from None
        except Exception as exc:  # py7zr parses hostile bytes: anything it raises is "corrupt"
            raise FormatError(f"not a readable 7z archive: {_why(exc)}", offset=0) from None
        self.entries = tuple(self._entries(lib))
        self._spill: IO[bytes] | None = None

    def _entries(self, lib: Any) -> list[SevenZipEntry]:
        from py7zr.compressor import SupportedMethods

        out = []
        for f in self._archive.files:
            kind = "dir" if f.is_directory else "link" if f.is_symlink or f.is_junction else "file"
            folder = f.folder
            encrypted = folder is not None and bool(SupportedMethods.needs_password(folder.coders))
            out.append(SevenZipEntry(f.filename, f.uncompressed, f.compressed, kind, encrypted))
        return out

    def extract(
        self, members: Collection[SevenZipEntry], budget: int, member_cap: int
    ) -> Extracted:
        """Decompress these file members (none encrypted) in one pass, at most `budget` bytes in
        all (members skipped on the way count too) and `member_cap` kept per member."""
        result = Extracted()
        if not members:
            return result
        names = [m.name for m in members]
        lib = _py7zr()
        # closed by close(): the members are read from it after this returns
        spill = self._spill = cast(IO[bytes], tempfile.TemporaryFile())  # noqa: SIM115
        sinks: dict[str, _Sink] = {}
        with tempfile.TemporaryDirectory(prefix="openness-7z-") as empty:
            factory = _SinkFactory(spill, member_cap, sinks, Path(empty))
            self._archive.max_extract_size = budget
            try:
                self._archive.extract(path=empty, targets=names, factory=cast(Any, factory))
            except lib.exceptions.CrcError as exc:
                result.bad_crc.add(str(exc.filename or ""))
                result.stopped = f"CRC-32 mismatch in {exc.filename or 'a solid block'}"
            except lib.exceptions.DecompressionBombError:
                result.stopped = f"decompressed more than the budget of {budget:,} bytes"
            except lib.PasswordRequired:
                result.stopped = "encrypted content"
            except Exception as exc:  # hostile input: every py7zr failure is a reason
                result.stopped = _why(exc)
        wanted = {_sanitized(m.name): m for m in members}
        for key, sink in sinks.items():
            member = wanted.get(key)
            if member is None:
                continue  # a renamed duplicate
            if sink.over:
                result.over_cap.add(member.name)
            elif sink.written == member.size:  # short: the member the pass stopped in
                result.spans[member.name] = (sink.start, sink.written)
        return result

    def open(self, span: tuple[int, int]) -> BinaryIO:
        if self._spill is None:
            raise OSError("7z member was not decompressed")
        return cast(BinaryIO, Window(cast(BinaryIO, self._spill), span[0], span[1]))

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a corrupt archive may fail; nothing lost
            self._archive.close()
        if self._spill is not None:
            self._spill.close()


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class _Sink:
    """One member's bytes, appended to the spill file; bytes past the cap are dropped."""

    def __init__(self, spill: IO[bytes], cap: int):
        self.spill, self.cap = spill, cap
        self.start = spill.seek(0, 2)
        self.written = 0
        self.over = False

    def write(self, data: bytes | bytearray) -> int:
        if not self.over:
            if self.written + len(data) > self.cap:
                self.over = True
            else:
                self.spill.seek(self.start + self.written)
                self.spill.write(data)
                self.written += len(data)
        return len(data)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        pass

    def size(self) -> int:
        return self.written

    def close(self) -> None:
        pass


class _SinkFactory:
    def __init__(self, spill: IO[bytes], cap: int, sinks: dict[str, _Sink], root: Path):
        self.spill, self.cap, self.sinks, self.root = spill, cap, sinks, root

    def create(self, filename: str) -> _Sink:
        try:
            key = Path(filename).relative_to(self.root).as_posix()
        except ValueError:
            key = filename
        sink = self.sinks[key] = _Sink(self.spill, self.cap)
        return sink

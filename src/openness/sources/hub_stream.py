"""A seekable, read-only view of a remote file, backed by HTTP range requests.

Reads are served from fetched segments; a miss fetches the missing bytes plus a readahead that
starts at 4 KiB (enough to recognise a format) and doubles on each further fetch, up to 8 MiB,
so a header costs one or two requests and a sequential scan few. Memory is bounded: old segments
are dropped past `MEMORY_CAP`. At most `budget` bytes are fetched for one file; past that the
read fails with a message that says how to raise the cap. Segments are kept on disk (up to
`KEEP_CAP` per file) so a second run, or an offline one, does not fetch them again.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path

from ..limits import MiB

FIRST_READAHEAD = 4096
MAX_READAHEAD = 8 * MiB
MEMORY_CAP = 32 * MiB
KEEP_CAP = 8 * MiB

Fetch = Callable[[int, int], bytes]


class DownloadCapReached(OSError):
    """More of one file was needed than the download cap allows."""


class SegmentStore:
    """Fetched byte ranges of one file at one commit, kept under the side cache."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    @classmethod
    def for_file(cls, root: Path, repo_folder: str, commit: str, path: str) -> SegmentStore:
        key = hashlib.sha256(path.encode()).hexdigest()[:32]
        return cls(root / repo_folder / commit / "ranges" / key)

    def load(self, size: int) -> list[tuple[int, bytes]]:
        if self.folder is None or not self.folder.is_dir():
            return []
        segments = []
        for entry in sorted(self.folder.iterdir()):
            start_text, _, end_text = entry.name.partition("-")
            if not (start_text.isdigit() and end_text.isdigit()):
                continue
            start, end = int(start_text), int(end_text)
            if not 0 <= start < end <= size or end - start > KEEP_CAP:
                continue
            data = entry.read_bytes()
            if len(data) == end - start:
                segments.append((start, data))
        return segments

    def save(self, start: int, data: bytes) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / f"{start}-{start + len(data)}"
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
        except OSError:
            pass  # a cache that cannot be written only costs a second fetch


class RangeStream(io.RawIOBase):
    def __init__(
        self,
        name: str,
        size: int,
        fetch: Fetch,
        *,
        budget: int,
        store: SegmentStore | None = None,
        cap_hint: str = "",
    ):
        super().__init__()
        self.name = name
        self._size = size
        self._fetch = fetch
        self._budget = budget
        self._cap_hint = cap_hint
        self._store = store or SegmentStore(None)
        self._segments: list[tuple[int, bytes]] = self._store.load(size)
        self._kept = sum(len(d) for _, d in self._segments)
        self._pos = 0
        self._readahead = FIRST_READAHEAD
        self.fetched = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self._size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise OSError(f"negative seek position in {self.name}")
        self._pos = pos
        return pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        want = min(len(view), max(0, self._size - self._pos))
        done = 0
        while done < want:
            start, data = self._segment_at(self._pos, want - done)
            offset = self._pos - start
            n = min(want - done, len(data) - offset)
            view[done : done + n] = data[offset : offset + n]
            done += n
            self._pos += n
        return done

    def _segment_at(self, pos: int, want: int) -> tuple[int, bytes]:
        for start, data in reversed(self._segments):
            if start <= pos < start + len(data):
                return start, data
        end = min(self._size, pos + max(want, self._readahead))
        following = [s for s, _ in self._segments if pos < s < end]
        if following:
            end = max(min(following), pos + want)  # never fetch twice what is already here
        remaining = self._budget - self.fetched
        end = min(end, pos + max(remaining, 0))
        if end - pos < want:
            raise DownloadCapReached(
                f"download cap of {self._budget:,} bytes reached at byte {pos:,} of "
                f"{self._size:,}; {self._cap_hint}".rstrip("; ")
            )
        data = self._fetch(pos, end)
        self.fetched += len(data)
        self._readahead = min(MAX_READAHEAD, max(self._readahead * 2, 64 * 1024))
        self._remember(pos, data)
        return pos, data

    def _remember(self, start: int, data: bytes) -> None:
        self._segments.append((start, data))
        if self._kept + len(data) <= KEEP_CAP:
            self._kept += len(data)
            self._store.save(start, data)
        total = sum(len(d) for _, d in self._segments)
        while total > MEMORY_CAP and len(self._segments) > 1:
            total -= len(self._segments.pop(0)[1])

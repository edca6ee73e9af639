"""What the dashboard derives from the whole store, kept until the store changes.

The model listing, the license families of the filter form, the ecosystem metrics and whole
responses each read every latest row or cost a rendering; a page view needs them on every
request. They are computed once per *store version*, the highest assessment id, read with a
probe of the primary key (on a connection kept for it) each time an entry is asked for:
the store is append-only (every write inserts rows with new, higher ids; no code path updates or
deletes an assessment), so a new id is exactly a write. Entries of older versions are dropped
as soon as a newer version is seen; per version the entries are bounded (least recently used
first out), so hostile query strings cannot grow memory. Within `one_version`, a request's
entries all come from the version probed first (one probe per request, not one per entry).
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

import sqlalchemy as sa

from ..tables import assessments

T = TypeVar("T")
MAX_ENTRIES = 512
VERSION_SQL = "SELECT max(id) FROM assessments"
_pinned = threading.local()  # engine id -> the version this thread's request reads


@contextlib.contextmanager
def one_version(engine: sa.Engine) -> Iterator[None]:
    """Every cache of `engine` read in this block (in this thread) answers for one store
    version: the one probed on entry."""
    pins: dict[int, int] = _pinned.__dict__.setdefault("pins", {})
    if id(engine) in pins:  # nested: the outer block's version holds
        yield
        return
    pins[id(engine)] = cache_for(engine).probe()
    try:
        yield
    finally:
        del pins[id(engine)]


class StoreCache:
    def __init__(self, engine: sa.Engine, max_entries: int = MAX_ENTRIES) -> None:
        self._engine = weakref.ref(engine)  # the cache must not keep its engine alive
        self._max = max_entries
        self._lock = threading.Lock()
        self._version: int | None = None
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._probe_lock = threading.Lock()
        self._probe: Any = None  # a DBAPI connection of the engine's pool, kept for probes

    def version(self) -> int:
        """The version pinned for this thread by `one_version`, else a fresh probe."""
        engine = self._engine()
        pinned = getattr(_pinned, "pins", {}).get(id(engine)) if engine is not None else None
        return self.probe() if pinned is None else pinned

    def probe(self) -> int:
        """The highest assessment id, read on a connection kept for it: a checkout from the
        pool per probe cost more than the probe (~0.3 ms of CPU)."""
        engine = self._engine()
        if engine is None:
            return -1
        with self._probe_lock:
            try:
                if self._probe is None:
                    self._probe = engine.raw_connection()
                    if engine.dialect.name == "postgresql":  # no BEGIN and COMMIT round trips
                        self._probe.driver_connection.autocommit = True
                cursor = self._probe.cursor()
                try:
                    cursor.execute(VERSION_SQL)
                    found = cursor.fetchone()
                finally:
                    cursor.close()
                self._probe.commit()  # no transaction stays open: the next probe sees new writes
            except engine.dialect.loaded_dbapi.Error:  # a broken connection: drop it, use the pool
                self._close_probe()
                with engine.connect() as conn:
                    found = (conn.execute(sa.select(sa.func.max(assessments.c.id))).scalar(),)
        return int(found[0] or 0) if found else 0

    def _close_probe(self) -> None:
        probe, self._probe = self._probe, None
        if probe is not None:
            with contextlib.suppress(Exception):  # already broken; nothing else to release
                probe.invalidate()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """`build()` for this store version, computed once even under concurrent requests."""
        version = self.version()
        with self._lock:
            if version != self._version:
                self._version = version
                self._entries.clear()
                self._building.clear()
            if key in self._entries:
                self._entries.move_to_end(key)
                found: T = self._entries[key]
                return found
            gate = self._building.setdefault(key, threading.Lock())
        with gate:  # one request builds, the others wait for its result
            with self._lock:
                if self._version == version and key in self._entries:
                    ready: T = self._entries[key]
                    return ready
            value = build()
            with self._lock:
                if self._version == version:
                    self._entries[key] = value
                    while len(self._entries) > self._max:
                        self._entries.popitem(last=False)
                    self._building.pop(key, None)
            return value


_CACHES: weakref.WeakKeyDictionary[sa.Engine, dict[str, StoreCache]] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def cache_for(
    engine: sa.Engine, kind: str = "derived", max_entries: int = MAX_ENTRIES
) -> StoreCache:
    """The engine's cache of one kind: whole responses are kept apart from what is derived from
    the store (counts, page boundaries, metrics), so many distinct URLs never push out an entry
    that costs seconds to rebuild."""
    with _CACHES_LOCK:
        kinds = _CACHES.setdefault(engine, {})
        found = kinds.get(kind)
        if found is None:
            found = kinds[kind] = StoreCache(engine, max_entries)
        return found

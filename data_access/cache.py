"""One cache per (database, data version): everything read or computed from one database at one
data version, in named sections, released as a whole when the version is superseded.

cache_for(url, version) gives the VersionCache of that database and version. The cache of the
newest version of each database is kept; an older one lives only while someone holds it (the
facts of a session still finishing a rerun at that version: it is shared with every other asking
for that version meanwhile). So once the version after a write is asked for, the old version's
frames are freed as soon as the last rerun on them ends, instead of lingering until each entry is
replaced — and memory does not hold two versions' facts. A session still at an old version never
evicts the current one. Nothing in a VersionCache needs invalidating: a write bumps the version,
and the next request asks for another cache. Every method is thread-safe.

The sections are opaque to this module (data_access knows kinds, never facts): each is a map from
a hashable key to a value, with its own bound (the least recently used entry goes first).
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")
_MISSING = object()

# Section -> entries kept (None: unbounded, i.e. what one version of the database holds).
SECTIONS: dict[str, int | None] = {
    "kinds": None,         # whole kind frames (data_access.loaders)
    "reads": None,         # column and window reads held until taken, taken once (data_access.kind_frames)
    "first_dates": None,   # a dated kind's first date (kind_frames.known_first_date)
    "facts": None,         # whole-history facts (dashboard.facts)
    "window_facts": 16,    # facts of a date window: one-off requests, each its own window (dashboard.facts)
    "derived": 32,         # derived facts, per today and tolerance (dashboard.kpi.engine)
    "memo": 512,           # page aggregates, a few KB each (dashboard.ui.memo)
    "exceptions": 16,      # the open exceptions per day (dashboard.ui.exceptions)
    "status": 16,          # the data status per day (data_access.status)
    "snapshots": None,     # the columnar snapshots' directory of this version (data_access.snapshots)
}
# Per database. Not 2: keeping the previous version too held its facts beside the new ones (small demo,
# every fact built at three versions in turn: RSS 217/267/272 MB with 2, 223/224/218 MB with 1).
VERSIONS_KEPT = 1


class VersionCache:
    """The cache of one database at one data version, in named sections (SECTIONS)."""

    def __init__(self, url: str, version: int):
        self.url, self.version = url, version
        self._lock = threading.Lock()
        self._sections: dict[str, OrderedDict] = {name: OrderedDict() for name in SECTIONS}
        self._building: dict[tuple[str, Hashable], threading.Event] = {}  # entries being built now

    def get(self, section: str, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            entries = self._sections[section]
            if key not in entries:
                return default
            entries.move_to_end(key)
            return entries[key]

    def put(self, section: str, key: Hashable, value: T) -> T:
        """Keep `value` under `key` (replacing any), dropping the least recently used past the bound."""
        bound = SECTIONS[section]
        with self._lock:
            entries = self._sections[section]
            entries[key] = value
            entries.move_to_end(key)
            while bound is not None and len(entries) > bound:
                entries.popitem(last=False)
        return value

    def get_or_build(self, section: str, key: Hashable, build: Callable[[], T]) -> T:
        """The entry, or `build()` kept under `key`. Built once: a caller asking while another one
        builds it waits for that build instead of building it beside it (twice the CPU and memory).
        Builds must not ask for their own key (facts are built on other facts, never on themselves)."""
        with self._lock:
            entries = self._sections[section]
            if key in entries:
                entries.move_to_end(key)
                return entries[key]
            flight = self._building.get((section, key))
            mine = flight is None
            if mine:
                flight = self._building[(section, key)] = threading.Event()
        if not mine:
            flight.wait()
            hit = self.get(section, key, _MISSING)  # missing: that build failed (or was dropped): build here
            return self.get_or_build(section, key, build) if hit is _MISSING else hit
        try:
            return self.put(section, key, build())
        finally:
            with self._lock:
                del self._building[(section, key)]
            flight.set()

    def building(self, section: str, key: Hashable) -> bool:
        """Is get_or_build building this entry now?"""
        with self._lock:
            return (section, key) in self._building

    def pop(self, section: str, key: Hashable, default: Any = None) -> Any:
        """Take an entry out (a read held until taken once)."""
        with self._lock:
            return self._sections[section].pop(key, default)

    def keys(self, section: str) -> list:
        with self._lock:
            return list(self._sections[section])

    def clear(self, sections: Iterable[str] | None = None) -> None:
        with self._lock:
            for name in SECTIONS if sections is None else sections:
                self._sections[name].clear()

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}={len(e)}" for n, e in self._sections.items() if e)
        return f"VersionCache({self.url!r}, {self.version}: {sizes or 'empty'})"


_lock = threading.Lock()
_kept: dict[str, dict[int, VersionCache]] = {}  # url -> the newest version(s)' caches
_alive: weakref.WeakValueDictionary[tuple[str, int], VersionCache] = weakref.WeakValueDictionary()


def cache_for(url: object, version: int) -> VersionCache:
    """The cache of this database (its URL, as str(engine.url)) at this data version."""
    url = str(url)
    with _lock:
        cache = _alive.get((url, version))
        if cache is None:
            cache = _alive[(url, version)] = VersionCache(url, version)
        kept = _kept.setdefault(url, {})
        if version not in kept and (len(kept) < VERSIONS_KEPT or version > min(kept)):
            kept[version] = cache
            for old in sorted(kept)[:-VERSIONS_KEPT]:
                del kept[old]
        return cache


def clear(sections: Iterable[str] | None = None) -> None:
    """Forget every database's caches (tests), or only these sections of each cache alive."""
    with _lock:
        caches = list(_alive.values())
        if sections is None:
            _kept.clear()
            _alive.clear()
    for cache in caches:
        cache.clear(sections)


__all__ = ["SECTIONS", "VERSIONS_KEPT", "VersionCache", "cache_for", "clear"]

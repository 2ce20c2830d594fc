"""The facts of a database: the fact declarations (dashboard.kpi.facts) built over kind frames
that data_access.kind_frames reads, kept in the one cache of the database and data version
(data_access.cache: "facts", and "window_facts" per window).

A KPI request flows tile -> dashboard.ui.memo (keyed by Facts.cache_key) -> dashboard.kpi.engine
(asks Facts.prefetch for the facts it needs, then reads them) -> Facts (builds each declared fact on
first use) -> data_access.kind_frames (one concurrent round of SELECTs, the period in the SQL for a
windowed fact) -> data_access.loaders (SQL -> polars through Arrow). docs/architecture.md tells it
in full.

With a window (load_facts(engine, names, window=(from, to)) or several ranges) the windowed facts
hold only the rows dated in it — enough for any figure of a period inside the window — cached per
window; every other fact is the whole-history one (shared with the pages' Facts). known_first_date()
still gives a windowed fact's first date over its whole history, so "before the data start" is
decided as with whole facts.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import polars as pl
from sqlalchemy.engine import Engine

from dashboard.kpi import facts as declared
from dashboard.kpi.facts import FACTS, KIND_COLUMNS, FactsMapping, build, kinds_for
from data_access import cache as version_caches
from data_access import kind_frames
from data_access.db import data_version, get_engine
from data_access.kinds.base import DEPARTMENTS
from data_access.loaders import as_window, conform, schema_of
from data_access.planning_data import PLANNING_KINDS


class Facts(FactsMapping):
    """The facts of one database at one data version; each is built on first use and cached.
    A dashboard.kpi.engine.VersionedFacts: cache_key names the database, version and window; cache is
    the version's cache (held here, so it lives while these facts are in use)."""

    def __init__(self, engine: Engine, version: int, window=None, columns: Mapping[str, Iterable[str]] | None = None):
        self.engine, self.version, self.window = engine, version, as_window(window)
        # {fact: the only columns asked of it} (engine.columns_for): such a fact is built from those
        # kind columns alone (declared.read_columns), the others null — for one request, never shared
        self.columns = {f: frozenset(c) for f, c in (columns or {}).items() if FACTS[f].keys} or None
        self.cache = version_caches.cache_for(engine.url, version)
        self.departments = tuple(DEPARTMENTS)
        # the whole-history facts a window's (or a pruned) Facts defers to (None: these are they; no
        # cycle, freed once dropped)
        self._whole = Facts(engine, version) if self.window or self.columns else None

    @property
    def cache_key(self) -> tuple:
        pruned = None if self.columns is None else tuple(sorted((f, tuple(sorted(c))) for f, c in self.columns.items()))
        return str(self.engine.url), self.version, self.window, pruned

    def _windowed(self, name: str) -> bool:
        return self.window is not None and FACTS[name].windowed

    def _pruned(self, name: str) -> frozenset[str] | None:
        return self.columns.get(name) if self.columns else None

    def _own(self, name: str) -> bool:
        """Is this fact built here (windowed or pruned, or this is the whole-history Facts)?"""
        return self._whole is None or self._windowed(name) or self._pruned(name) is not None

    def _section(self, name: str) -> tuple[str, object]:
        """Where a fact built here is kept: (section, key) of the version's cache."""
        if self._whole is None:
            return "facts", name
        pruned = self._pruned(name)
        return "window_facts", (name, self.window if self._windowed(name) else None,
                                None if pruned is None else tuple(sorted(pruned)))

    def _cached(self, name: str) -> pl.DataFrame | None:
        if not self._own(name):
            return self._whole._cached(name)
        return self.cache.get(*self._section(name))

    def _read_columns(self, kind: str, fact: str) -> tuple[str, ...] | None:
        """The columns of `kind` read to build `fact` here (None: the whole kind)."""
        if kind not in KIND_COLUMNS:
            return None
        return declared.read_columns(fact, kind, self._pruned(fact)) if kind in FACTS[fact].columns else KIND_COLUMNS[kind]

    def known_first_date(self, name: str) -> date | None:
        """A windowed fact's first date over its whole history (date.max: it has no rows at all), from
        the database; None when the fact's own frame tells (it is not windowed here)."""
        if name not in FACTS or not self._windowed(name):
            return None
        return kind_frames.known_first_date(self.engine, self.version, name)

    # KindSource: the kind frames the declared build functions are given
    def kind(self, name: str, fact: declared.Fact) -> pl.DataFrame:
        """A kind's rows (only the declared columns of a large kind); building a windowed fact for a
        window: its own kind's rows in the window only."""
        in_window = self._windowed(fact.name) and name == fact.name
        columns = self._read_columns(name, fact.name)
        frame = kind_frames.take(self.engine, self.version, name, self.window if in_window else None, columns)
        if columns is None or columns == KIND_COLUMNS[name]:
            return frame
        schema = schema_of(name)  # the columns not read: typed nulls, so that the build runs as ever
        return frame.with_columns(pl.lit(None, schema[c]).alias(c) for c in KIND_COLUMNS[name] if c not in columns)

    def empty(self, name: str) -> pl.DataFrame:
        return pl.DataFrame(schema=schema_of(name))

    def fact(self, name: str) -> pl.DataFrame:
        return self[name]

    def __getitem__(self, name: str) -> pl.DataFrame:
        if name not in FACTS:
            raise KeyError(name)
        if not self._own(name):
            return self._whole[name]
        frame = self._cached(name)
        if frame is not None:
            return frame

        def make() -> pl.DataFrame:
            self.prefetch([name])  # its inputs in one concurrent round, not one after another
            return build(name, self)

        # built once: a page asking while the warm-up builds it waits for that build (no second one)
        return self.cache.get_or_build(*self._section(name), make)

    def prefetch(self, names: Iterable[str]) -> None:
        """Read everything these facts (and the facts they are built on) need that is not cached,
        in one concurrent round of reads; the facts themselves are built on first use."""
        kinds: list[str] = []
        windowed: list[str] = []  # the kinds read for the window (a windowed fact's own kind)
        columns = dict(KIND_COLUMNS)
        todo = [n for n in names if n in FACTS]
        while todo:
            name = todo.pop()
            if self._cached(name) is None:
                if self._windowed(name):
                    windowed.append(name)
                    kinds += [k for k in FACTS[name].inputs if k != name]
                else:
                    kinds += FACTS[name].inputs
                    todo += FACTS[name].uses
                columns.update({k: c for k in FACTS[name].columns if (c := self._read_columns(k, name)) is not None})
        whole = [k for k in kinds if k not in windowed]
        kind_frames.read(self.engine, self.version, whole + windowed, self.window, windowed, columns)


def load_facts(engine: Engine | None = None, names: Iterable[str] | None = None, window=None,
               columns: Mapping[str, Iterable[str]] | None = None) -> Facts:
    """The facts at the current data version; `names` are built now, the others on first use. With a
    `window` — (from, to) or several such ranges, inclusive, None = open — the windowed facts hold
    only the rows dated in it (the date range in the SQL): for a request whose periods lie inside it.
    With `columns` ({fact: columns}, engine.columns_for) those facts hold only these columns' values
    (the others null): for one request asking only what uses them."""
    engine = engine or get_engine()
    facts = Facts(engine, data_version(engine), window, columns)
    names = list(names or ())
    facts.prefetch(names)
    for name in names:
        facts[name]
    return facts


def clear_cache() -> None:
    """Forget every cache (tests): the one cache of data_access.cache, kind frames and facts included."""
    version_caches.clear()


class FrameFacts(declared.FrameFacts):
    """The facts of kind frames in memory (e.g. the demo generator's, before they are written), with
    the kinds' declared dtypes: built by the very declarations of the database facts."""

    def __init__(self, frames: Mapping[str, pl.DataFrame]):
        super().__init__(frames, prepare=lambda kind, frame, columns: conform(frame, kind, columns), departments=tuple(DEPARTMENTS),
                         empty=lambda name: pl.DataFrame(schema=schema_of(name)))


def load_planning_frames(engine: Engine | None = None) -> dict[str, pl.DataFrame]:
    """{kind name: frame} for PLANNING_KINDS plus "production_fact" (the KPI engine's production fact,
    so that machine availability and performance are computed by the one KPI definition)."""
    engine = engine or get_engine()
    frames = kind_frames.whole_kinds(engine, PLANNING_KINDS)
    frames["production_fact"] = load_facts(engine)["production"]
    return frames


def load_manpower_frames(engine: Engine | None = None) -> dict[str, pl.DataFrame]:
    """The frames of the manpower load (dashboard.planning.manpower): the attendance and employees facts
    and the work_tickets kind."""
    engine = engine or get_engine()
    facts = load_facts(engine)
    return {"attendance": facts["attendance"], "employees": facts["employees"],
            "work_tickets": kind_frames.whole_kinds(engine, ("work_tickets",))["work_tickets"]}


__all__ = ["Facts", "FrameFacts", "clear_cache", "kinds_for", "load_facts", "load_manpower_frames", "load_planning_frames"]

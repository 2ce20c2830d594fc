"""Kind frames for the KPI engine's facts: which rows and columns of which kinds, read how.

The fact declarations (dashboard.kpi.facts) say which kinds a fact is built from; this module only
reads kinds, knowing nothing of facts. dashboard.facts asks it, for the facts a request needs, to
read(...) every kind not cached yet in one concurrent round (loaders.read_sql_many) and then take()s
each frame while building:
- a kind read whole is shared with load_kind's cache (the "kinds" section of the one cache of the
  database and data version, data_access.cache);
- a large kind read by column (`columns`: only what its fact uses) or a kind read for a window
  (`window`: the date range in the SQL, loaders.date_where on its indexed date field) is held until
  taken, and taken once: the fact built from it is what stays cached. A large read spanning more than
  SPLIT_ROWS ids is cut into id ranges, one per reader;
- a large kind whose columnar snapshot of the current data is there (data_access.snapshots) is
  taken from it, rows of the window and columns asked, without SQL;
- on SQLite, a window read of few rows (few_rows, IN_PROCESS_ROWS) is read in this process (stdlib
  sqlite3) instead: a CLI run then starts no reader process.
The parts of one kind are separate read transactions: a write landing between them is seen by one
part only until the next rerun, which sees the new data version and reads again.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access import snapshots
from data_access.cache import cache_for
from data_access.cache import clear as clear_caches
from data_access.db import data_version
from data_access.loaders import (SMALL_KINDS, Window, cache_kind, cached_kind, conform, date_where, first_date,
                                 kind_query, load_kind, parallel_reads, read_sql_many)

SPLIT_ROWS = 250_000  # a column read spanning more ids than this is split into concurrent id ranges
# A window read of SQLite of at most this many rows is read in this process (loaders.read_sql_many
# in_process): starting the reader processes costs more than the read itself (~0.9 s for a CLI run).
IN_PROCESS_ROWS = 200_000

# Column reads and window reads waiting to be taken: the "reads" section of the version's cache, by
# (kind, window or None); first dates: its "first_dates" section, by kind.
Columns = Mapping[str, tuple[str, ...]]  # kind -> the columns read of it (large kinds)


def column_query(kind: str, columns: Iterable[str], where: str = "") -> str:
    return f'SELECT {", ".join(chr(34) + c + chr(34) for c in columns)} FROM "{kind}"{where}'


def _id_ranges(engine: Engine, kinds: list[str], conditions: Mapping[str, str] | None = None
               ) -> dict[str, list[str]]:
    """WHERE clauses cutting each large kind (its rows meeting `conditions[kind]`, if any) into one id
    range per concurrent reader."""
    parts = parallel_reads()
    if parts < 2 or not kinds:
        return {}
    conditions = conditions or {}
    where = {k: f" WHERE {conditions[k]}" if conditions.get(k) else "" for k in kinds}
    bounds = ", ".join(f'(SELECT MIN(id) FROM "{k}"{where[k]}), (SELECT MAX(id) FROM "{k}"{where[k]})'
                       for k in kinds)
    with engine.connect() as conn:
        row = conn.execute(sa.text(f"SELECT {bounds}")).one()
    out = {}
    for i, kind in enumerate(kinds):
        low, high = row[2 * i], row[2 * i + 1]
        if low is None or high - low + 1 <= SPLIT_ROWS:
            continue
        cuts = [low - 1 + (high - low + 1) * p // parts for p in range(parts)] + [high]
        extra = f" AND {conditions[kind]}" if conditions.get(kind) else ""
        out[kind] = [f" WHERE id > {a} AND id <= {b}{extra}" for a, b in zip(cuts, cuts[1:])]
    return out


def few_rows(engine: Engine, kinds: list[str], window: Window | None, windowed: Iterable[str] = ()) -> bool:
    """Would reading these kinds (those in `windowed` only in the window) touch at most IN_PROCESS_ROWS
    rows of the large kinds? Counted on the indexes, each count stopping past the limit (a 12-month
    window of the large demo costs no more than a one-month one)."""
    large = [k for k in dict.fromkeys(kinds) if k not in SMALL_KINDS]
    if not large:
        return True
    windowed = set(windowed)
    where = {k: date_where(k, window) if window and k in windowed else "" for k in large}
    limit = IN_PROCESS_ROWS + 1
    counts = ", ".join(f'(SELECT COUNT(*) FROM (SELECT 1 FROM "{k}"{" WHERE " + where[k] if where[k] else ""} '
                       f"LIMIT {limit}))" for k in large)
    with engine.connect() as conn:
        return sum(conn.execute(sa.text(f"SELECT {counts}")).one()) <= IN_PROCESS_ROWS


def read_plan(engine: Engine, kinds: list[str], window: Window | None = None, windowed: Iterable[str] = (),
              columns: Columns | None = None) -> list[tuple[str, str]]:
    """(kind, SELECT) for reading these kinds: the kinds in `columns` by column, in id ranges; the
    kinds in `windowed` only their rows in the window (date_where)."""
    columns = columns or {}
    conditions = {k: date_where(k, window) for k in windowed} if window else {}
    by_column = [k for k in kinds if k in columns]
    ranges = _id_ranges(engine, by_column, conditions)

    def where(kind: str) -> str:
        return f" WHERE {conditions[kind]}" if conditions.get(kind) else ""

    return ([(k, column_query(k, columns[k], w)) for k in by_column for w in ranges.get(k, [where(k)])]
            + [(k, kind_query(k) + where(k)) for k in kinds if k not in columns])


def _read_key(kind: str, window: Window | None, columns: tuple[str, ...] | None = None) -> tuple:
    return kind, window, columns


def read(engine: Engine, version: int, kinds: Iterable[str], window: Window | None = None,
         windowed: Iterable[str] = (), columns: Columns | None = None) -> None:
    """Read the kinds not cached yet, all concurrently, large column reads split by id range; the kinds
    in `windowed` (also listed in `kinds`) only their rows in the window."""
    columns = columns or {}
    windowed = set(windowed) if window else set()
    wanted = list(dict.fromkeys(kinds))
    cache = cache_for(engine.url, version)
    held = [k for k in wanted if (k in columns or k in windowed)
            and cache.get("reads", _read_key(k, window if k in windowed else None, columns.get(k))) is None]
    whole = [k for k in wanted if k not in columns and k not in windowed
             and cached_kind(engine, version, k) is None]
    for kind in [k for k in held + whole if k not in SMALL_KINDS]:  # the columnar snapshot, where current
        frame = snapshots.read(engine, version, kind, columns.get(kind), window if kind in windowed else None)
        if frame is None:
            continue
        if kind in held:
            cache.put("reads", _read_key(kind, window if kind in windowed else None, columns.get(kind)), frame)
            held.remove(kind)
        else:
            cache.put("kinds", kind, frame)
            whole.remove(kind)
    if not held and not whole:
        return
    for kind, frame in _fetch(engine, version, held + whole, window, windowed, columns).items():
        cache.put("reads", _read_key(kind, window if kind in windowed else None, columns.get(kind)), frame)


def _fetch(engine: Engine, version: int, kinds: list[str], window: Window | None = None,
           windowed: Iterable[str] = (), columns: Columns | None = None) -> dict[str, pl.DataFrame]:
    """One concurrent round of reads: the column reads' and window reads' frames; whole kinds go to
    load_kind's cache."""
    columns = columns or {}
    windowed = set(windowed) if window else set()
    plan = read_plan(engine, kinds, window, windowed, columns)

    def typed(i: int, frame: pl.DataFrame) -> pl.DataFrame:  # in the reading thread, while others read
        kind = plan[i][0]
        if kind in columns:
            return conform(frame, kind, list(columns[kind]))
        return conform(frame, kind) if kind in windowed else cache_kind(engine, version, kind, frame)

    # A window's reads are small but for the large kinds split by id range (and whole-history reads of
    # large kinds): that many readers, not the whole pool — a CLI run would pay for starting the rest.
    big = sum(1 for k, _ in plan if k not in SMALL_KINDS and k not in windowed) + \
        max([sum(1 for k2, _ in plan if k2 == k) for k in windowed if k in columns] or [0])
    here = window is not None and engine.url.get_backend_name() == "sqlite" and few_rows(engine, kinds, window, windowed)
    frames = read_sql_many([q for _, q in plan], engine, then=typed, workers=max(1, big) if window else None,
                           in_process=here)
    out = {}
    for kind in (k for k in kinds if k in columns or k in windowed):
        parts = [f for (k, _), f in zip(plan, frames) if k == kind]
        out[kind] = parts[0] if len(parts) == 1 else pl.concat(parts, rechunk=False)
    return out


def take(engine: Engine, version: int, kind: str, window: Window | None = None,
         columns: tuple[str, ...] | None = None) -> pl.DataFrame:
    """A kind's frame: read whole (load_kind's cache), or — by column, or for a window — the held read
    (read() it first to read several kinds at once), taken so that it is not kept."""
    if columns is None and window is None:
        read(engine, version, [kind])  # its snapshot, or SQL, into load_kind's cache
        return load_kind(kind, engine, version)
    cols = {kind: columns} if columns else {}
    windowed = (kind,) if window is not None else ()
    read(engine, version, [kind], window, windowed, cols)
    hit = cache_for(engine.url, version).pop("reads", _read_key(kind, window, columns))
    if hit is not None:
        return hit
    # another session building from the same read took it meanwhile: a read of its own
    return _fetch(engine, version, [kind], window, windowed, cols)[kind]


def whole_kinds(engine: Engine, names: Iterable[str], version: int | None = None) -> dict[str, pl.DataFrame]:
    """Several kinds read whole at one data version (their snapshots, else SQL in one concurrent round)."""
    version = data_version(engine) if version is None else version
    names = list(dict.fromkeys(names))
    read(engine, version, names)
    return {name: load_kind(name, engine, version) for name in names}


def known_first_date(engine: Engine, version: int, kind: str) -> date:
    """A dated kind's first date over its whole history (date.max: it has no rows), cached per version."""
    cache = cache_for(engine.url, version)
    first = cache.get("first_dates", kind)
    if first is None:
        first = cache.put("first_dates", kind, first_date(kind, engine) or date.max)
    return first


def clear_cache() -> None:
    """Forget every cache (tests): the one cache of data_access.cache, kind frames and facts included."""
    clear_caches()

"""Columnar snapshots: the large kinds of one database at one state of its data, as Arrow IPC files that
the app and the CLI scan instead of reading the rows from SQL again (issue 15: a CLI run or an app
start reads a million rows in milliseconds instead of a second or more). A dated kind is cut into one
file per month of its date field, so a one-month question scans one month's file, not the history.

A snapshot belongs to a state of the data: (version, stamp) of data_access.db.data_state, which every
write changes (bump_version draws a new random stamp, so a database rebuilt at the same path or restored
from a backup and written to again never matches an older snapshot). Each file also carries the kind's
schema in its name: a migration that changes a kind's columns makes its old files unused. A reader
only ever uses the snapshot of the state the database is in when it asks; anything else is read from
SQL as before — a missing or outdated snapshot costs time, never correctness.

Where: beside a SQLite file (`plant.db` -> `plant.db.columns/`), else in the user's cache directory
(`~/.cache/plantkpi/columns/<database>/`); PLANTKPI_SNAPSHOT_DIR moves them, PLANTKPI_SNAPSHOTS=0 turns
them off. Only the newest state's directory is kept.

Who writes them: build() — run by the app's warm-up after the server starts and after each write, in a
process of its own at low priority (`python -m data_access.snapshots URL`), and by `plantkpi init
--demo`. It reads each kind in chunks of ids, writes each chunk's rows to their months' files (codes as
text), and writes nothing when a write landed meanwhile. A kind's directory is written under a temporary
name and renamed, so a reader never sees half of one; a reader whose files are pruned meanwhile reads SQL.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

# polars, SQLAlchemy and the loaders are imported where used: the CLI asks sqlite_is_current() before
# its own imports, to know whether to start SQLite reader processes at all.
if TYPE_CHECKING:
    import polars as pl
    from sqlalchemy.engine import Engine

    from data_access.loaders import Window


def enabled() -> bool:
    return os.environ.get("PLANTKPI_SNAPSHOTS", "1") != "0"


def root(engine: Engine) -> Path | None:
    """The directory holding this database's snapshots (None: snapshots off, or an in-memory database)."""
    if not enabled():
        return None
    url = engine.url
    where = os.environ.get("PLANTKPI_SNAPSHOT_DIR")
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        if not where:
            return _beside(url.database)
    key = hashlib.sha1(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    base = Path(where) if where else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "plantkpi" / "columns"
    return base / key


def _beside(database: str) -> Path:
    return Path(database + ".columns")


def sqlite_is_current(database: str) -> bool:
    """Has this SQLite file a snapshot directory of its current state (the standard library only)?"""
    if not enabled() or os.environ.get("PLANTKPI_SNAPSHOT_DIR"):
        return False
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            version, stamp = conn.execute("SELECT version, stamp FROM data_version WHERE id = 1").fetchone()
    except (sqlite3.Error, TypeError):
        return False
    return bool(stamp) and _state_dir(_beside(database), version, stamp).is_dir()


def _state(engine: Engine) -> tuple[int, str] | None:
    """The database's (version, stamp); None when it has no stamp (not migrated to 0015 yet: a CLI run
    before `plantkpi init`), and then no snapshot is read or written."""
    import sqlalchemy as sa

    from data_access.db import data_state

    try:
        version, stamp = data_state(engine)
    except sa.exc.SQLAlchemyError:
        return None
    return (version, stamp) if stamp else None


def _kind_dir(kind: str) -> str:
    """The kind's directory: its name and a digest of its columns and their types (another schema,
    another directory). It holds one file per month of the kind's date field (`2026-11.arrow`, and
    `none.arrow` for rows without a date), or `all.arrow` for a kind without a daily date field."""
    from data_access.loaders import schema_of

    schema = ",".join(f"{c}:{t}" for c, t in schema_of(kind).items())
    return f"{kind}-{hashlib.sha1(schema.encode()).hexdigest()[:10]}"


def _month_field(kind: str) -> str | None:
    """The date field a kind's snapshot is cut into months by (a date or timestamp: not a 'YYYY-MM' text)."""
    from data_access.kinds import KINDS

    field = KINDS[kind].date_field
    return field if field and not KINDS[kind].field(field).field_type.monthly else None


def _parts(directory: Path, window: Window | None) -> list[Path]:
    """The month files a window touches (every file without one; rows without a date are in no window)."""
    files = sorted(directory.glob("*.arrow"))
    if window is None:
        return files

    def touched(name: str) -> bool:
        if name == "all":
            return True
        return name != "none" and any((lo is None or name >= f"{lo:%Y-%m}") and (hi is None or name <= f"{hi:%Y-%m}")
                                      for lo, hi in window)

    return [f for f in files if touched(f.stem)]


def _state_dir(base: Path, version: int, stamp: str | None) -> Path:
    return base / f"v{version}-{stamp or 'none'}"


def current_dir(engine: Engine, version: int) -> Path | None:
    """The snapshot directory of the state the database is in, when that is still `version` (asked once
    per version: the "snapshots" section of the version's cache)."""
    from data_access.cache import cache_for

    base = root(engine)
    if base is None:
        return None

    def look() -> Path | None:
        state = _state(engine)
        return _state_dir(base, *state) if state is not None and state[0] == version else None

    return cache_for(engine.url, version).get_or_build("snapshots", "dir", look)


def read(engine: Engine, version: int, kind: str, columns: Iterable[str] | None = None,
         window: Window | None = None) -> pl.DataFrame | None:
    """The kind's rows (those in `window`, if any; its `columns`, default all) from the current state's
    snapshot, as conform() gives them from SQL; None when there is no such snapshot."""
    import polars as pl

    from data_access.loaders import window_filter

    from data_access.loaders import schema_of, window_filter

    directory = current_dir(engine, version)
    if directory is None:
        return None
    path = directory / _kind_dir(kind)
    if not path.is_dir():
        return None
    columns = list(columns) if columns is not None else list(schema_of(kind))
    parts = _parts(path, window)
    if not parts:  # no row of the kind in the window
        return pl.DataFrame(schema={c: schema_of(kind)[c] for c in columns})
    # polars' own IPC scan (no pyarrow import for a CLI run): the window's months, these columns, its rows
    scan = pl.scan_ipc(parts)
    condition = window_filter(kind, window) if window else None
    if condition is not None:
        scan = scan.filter(condition)
    codes = {c: schema_of(kind)[c] for c in columns if schema_of(kind)[c] == pl.Categorical}
    try:
        return scan.select(columns).cast(codes).collect()  # codes are stored as text (_write)
    except (OSError, pl.exceptions.PolarsError):  # pruned meanwhile (a newer state's was written): SQL
        return None


def missing(engine: Engine, kinds: Iterable[str]) -> list[str]:
    """The kinds without a snapshot of the database's current state (none when there can be none)."""
    base = root(engine)
    state = _state(engine) if base is not None else None
    if state is None:
        return []
    directory = _state_dir(base, *state)
    return [k for k in kinds if not (directory / _kind_dir(k)).exists()]


def build(engine: Engine, kinds: Iterable[str] | None = None) -> list[str]:
    """Write the snapshots the current state lacks (default: every large kind), kind by kind, each in
    chunks of CHUNK_ROWS ids (the builder holds a few chunks, never a whole kind); none when a write
    lands meanwhile (the next build makes them). Returns the kinds written."""
    base = root(engine)
    state = _state(engine) if base is not None else None
    if state is None:
        return []
    directory = _state_dir(base, *state)
    written = []
    for kind in missing(engine, kinds if kinds is not None else large_kinds()):
        path = directory / _kind_dir(kind)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir(parents=True)
            _write(engine, kind, partial)
            if _state(engine) != state:
                shutil.rmtree(partial, ignore_errors=True)
                return written  # a write landed: this state is history already
            os.rename(partial, path)  # whole or not at all (another builder's, there first, stays)
        except OSError:  # a read-only directory or a full disk: the readers keep reading SQL
            shutil.rmtree(partial, ignore_errors=True)
            if path.is_dir():
                written.append(kind)
                continue
            return written
        written.append(kind)
    _prune(base, keep=directory)
    return written


CHUNK_ROWS = 250_000  # ids per read while writing a snapshot


def _write(engine: Engine, kind: str, directory: Path) -> None:
    """The kind as Arrow IPC files in `directory`, one per month of its date field (_kind_dir), rows in
    id order within each, conform()'s dtypes. Read in chunks of CHUNK_ROWS ids, as many at once as there
    are reader processes; each chunk's rows go to the files of their months (a record batch each)."""
    import polars as pl
    import pyarrow as pa
    import sqlalchemy as sa

    from data_access.loaders import conform, kind_query, parallel_reads, read_sql_many

    with engine.connect() as conn:
        low, high = conn.execute(sa.text(f'SELECT MIN(id), MAX(id) FROM "{kind}"')).one()
    select = kind_query(kind)
    queries = ([f"{select} WHERE id > {a} AND id <= {min(a + CHUNK_ROWS, high)} ORDER BY id"
                for a in range(low - 1, high, CHUNK_ROWS)] if low is not None else [select])
    field, group = _month_field(kind), parallel_reads()
    files: dict[str, tuple] = {}  # part name -> (sink, writer)
    try:
        for first in range(0, len(queries), group):
            for raw in read_sql_many(queries[first:first + group], engine):
                frame = conform(raw, kind)
                if field is None:
                    parts = {"all": frame}
                else:
                    months = frame.get_column(field).dt.strftime("%Y-%m").fill_null("none")
                    parts = {name: frame.filter(months == name) for name in months.unique().sort()}
                for name, part in parts.items():
                    # codes as text: an IPC file holds one dictionary per column, chunks would each bring one
                    table = part.with_columns(pl.col(pl.Categorical).cast(pl.String)).to_arrow()
                    if name not in files:
                        sink = pa.OSFile(str(directory / f"{name}.arrow"), "wb")
                        files[name] = (sink, pa.ipc.new_file(sink, table.schema))
                    files[name][1].write_table(table)
        if not files:  # an empty kind: one empty file, so that its snapshot is there
            table = conform(pl.DataFrame(), kind).with_columns(pl.col(pl.Categorical).cast(pl.String)).to_arrow()
            with pa.OSFile(str(directory / "all.arrow"), "wb") as sink, pa.ipc.new_file(sink, table.schema) as w:
                w.write_table(table)
    finally:
        for sink, writer in files.values():
            writer.close()
            sink.close()


def _prune(base: Path, keep: Path) -> None:
    """Remove the directories of older states (a newer one, written meanwhile by another process, stays)."""
    newest = _version_of(keep)
    for other in base.glob("v*-*"):
        if other != keep and _version_of(other) < newest:
            shutil.rmtree(other, ignore_errors=True)


def _version_of(directory: Path) -> int:
    try:
        return int(directory.name[1:].split("-", 1)[0])
    except ValueError:
        return -1


def large_kinds() -> list[str]:
    from data_access.kinds import KINDS
    from data_access.loaders import SMALL_KINDS

    return [k for k in KINDS if k not in SMALL_KINDS]


def build_in_background(engine: Engine) -> subprocess.Popen | None:
    """Start build() in a process of its own at low priority (the app's memory and reruns stay free of
    it); None when every snapshot of the current state is there already."""
    if root(engine) is None or not missing(engine, large_kinds()):
        return None
    url = engine.url.render_as_string(hide_password=False)
    return subprocess.Popen([sys.executable, "-m", "data_access.snapshots", url], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL)  # a failure's traceback goes to the server's log


def main(argv: list[str]) -> int:
    from data_access.db import get_engine

    try:
        os.nice(10)  # after the users' reruns
    except OSError:
        pass
    build(get_engine(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

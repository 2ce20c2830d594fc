"""Arrow reads of a SQLite database from helper processes of their own.

Why a process: the fast Arrow readers for SQLite (ADBC, connectorx) link their own copy of
SQLite. Two copies of SQLite in one process break SQLite's POSIX file locking: when the second
copy closes the database, the whole process loses its locks and the -wal file is deleted under
the app's open connections (found here: stale reads, then writes going to an orphaned WAL).
In a separate process the reader is just another SQLite client, which WAL mode is made for.

A small pool of such processes (one per core, at most 4; PLANTKPI_SQLITE_READERS overrides) serves
read_sqlite_many() concurrently: SQLite reading is CPU-bound in the driver, one query per core.

Protocol over a child's stdin/stdout: the parent writes one JSON line {"database", "query",
"out"}; the child writes the result as an Arrow IPC file at "out" (in /dev/shm where there is one,
so nothing touches the disk) and answers with one JSON line, {"ok": true} or {"error": "..."}.
Text columns are written as Arrow string views (the layout polars keeps strings in), and the parent
reads the file with polars into buffers of each column's own (one copy, ~0.15 s for 250 MB), then
unlinks it. Not a memory map of the whole file: any column kept from it (a fact keeping a kind's
numbers, a string column passed through a join) would keep every other column of the result
mapped, and the raw text dates conform replaces (large demo: 535 MB of results stayed mapped).
"""
from __future__ import annotations

import atexit
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the reader process itself never needs polars (a quarter of its start-up)
    import polars as pl

_SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
WHOLE_RESULT = 1_000_000_000
# Read-only, and SQLite reads pages through a memory map instead of copying them into its cache.
_PRAGMAS = ("PRAGMA query_only = ON", "PRAGMA mmap_size = 1073741824")


def pool_size() -> int:
    return max(1, int(os.environ.get("PLANTKPI_SQLITE_READERS") or min(4, os.cpu_count() or 1)))


def _from_ipc_file(path: str) -> pl.DataFrame:
    """The result as a polars frame whose columns own their memory (not views of a mapping of the file)."""
    import polars as pl

    return pl.read_ipc(path)


class _NoSpace(Exception):
    pass


class SQLiteReader:
    """One long-lived reader process; requests are served one at a time (thread-safe)."""

    def __init__(self):
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def _ensure(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen([sys.executable, "-m", "data_access.sqlite_reader"],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return self._proc

    def read(self, database: str, query: str) -> pl.DataFrame:
        with self._lock:
            try:
                return self._read(database, query, _SCRATCH)
            except _NoSpace:  # a small /dev/shm (containers: 64 MB): the disk's temporary directory
                return self._read(database, query, None)
            except (BrokenPipeError, EOFError):
                self.close()
                raise RuntimeError("the SQLite reader process ended unexpectedly") from None

    def _read(self, database: str, query: str, scratch: str | None) -> pl.DataFrame:
        proc = self._ensure()
        fd, out = tempfile.mkstemp(suffix=".arrow", dir=scratch)
        os.close(fd)
        try:
            proc.stdin.write(json.dumps({"database": database, "query": query, "out": out}).encode() + b"\n")
            proc.stdin.flush()
            answer = proc.stdout.readline()
            if not answer:
                raise EOFError
            error = json.loads(answer).get("error")
            if error and "No space left on device" in error and scratch is not None:
                raise _NoSpace(error)
            if error:
                raise RuntimeError(f"SQLite read failed: {error}")
            return _from_ipc_file(out)
        finally:
            os.unlink(out)

    def close(self) -> None:
        if self._proc is not None:
            try:
                self._proc.stdin.close()
                self._proc.wait(5)
            except Exception:
                self._proc.kill()
            self._proc = None


class _Pool:
    """Reader processes started on demand up to `size`; the most recently used is lent first."""

    def __init__(self, size: int):
        self.size = size
        self._idle: queue.LifoQueue[SQLiteReader] = queue.LifoQueue()
        self._started = 0
        self._lock = threading.Lock()

    def read(self, database: str, query: str) -> pl.DataFrame:
        try:
            reader = self._idle.get_nowait()
        except queue.Empty:
            with self._lock:
                fresh = self._started < self.size
                self._started += fresh
            reader = SQLiteReader() if fresh else self._idle.get()
        try:
            return reader.read(database, query)
        finally:
            self._idle.put(reader)


    def prestart(self, count: int) -> None:
        """Start up to `count` readers now (their interpreters start while the caller does other work)."""
        with self._lock:
            fresh = max(0, min(count, self.size) - self._started)
            self._started += fresh
        for _ in range(fresh):
            reader = SQLiteReader()
            reader._ensure()
            self._idle.put(reader)

    @property
    def started(self) -> int:
        return self._started

    def close(self) -> None:
        """End the readers started so far (at exit: they are waited for, not left to end on their own)."""
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
            with self._lock:  # a later read may start readers again
                self._started -= 1


_pool = _Pool(pool_size())
atexit.register(_pool.close)


def prestart(count: int) -> None:
    """Start `count` reader processes ahead of the reads (a CLI run: during its own imports)."""
    _pool.prestart(count)


def readers_started() -> int:
    return _pool.started


def close_all() -> None:
    """End the reader processes now (a process ending without its atexit handlers calls this)."""
    _pool.close()


def read_sqlite(database: str, query: str) -> pl.DataFrame:
    return _pool.read(database, query)


def read_sqlite_many(database: str, queries: list[str], then: Callable[[int, pl.DataFrame], object] | None = None,
                     workers: int | None = None) -> list:
    """The queries' results in order, read concurrently by the pool (each query is its own read
    transaction: results written between them may differ, as between any two reads). `then(i,
    frame)`, when given, runs on each result as soon as it arrives, while other reads go on, and
    its return values are returned instead. `workers` caps how many readers serve them at once
    (a short-lived process reading a few small results gains nothing from starting more readers:
    each costs the start of a Python process)."""
    def one(i: int):
        frame = _pool.read(database, queries[i])
        return then(i, frame) if then else frame

    at_once = min(len(queries), _pool.size, workers or _pool.size)
    if at_once <= 1:
        return [one(i) for i in range(len(queries))]
    with ThreadPoolExecutor(at_once) as threads:
        return list(threads.map(one, range(len(queries))))


def read_sqlite_here(database: str, query: str) -> pl.DataFrame:
    """A small read in this process through the stdlib sqlite3 — the SQLite library the app's own
    connections use, so not the second copy the module docstring warns of. Values come as Python
    objects (slower per row than Arrow, no process to start); the columns are as the reader
    processes give them: what SQLite stores, typed by the caller (loaders.conform)."""
    import sqlite3

    import polars as pl

    uri = database.startswith("file:")  # a read-only file: its URI with the flags (data_access.db.sqlite_file)
    conn = sqlite3.connect(database, uri=uri)
    try:
        conn.execute("PRAGMA query_only = ON")
        cursor = conn.execute(query)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        conn.close()
    columns = list(zip(*rows)) if rows else [()] * len(names)
    # strict=False: a NUMERIC column may hold integers and reals side by side (a supertype is taken)
    return pl.DataFrame([pl.Series(n, values, strict=False) for n, values in zip(names, columns)])


def _as_views(table):
    """Text as string views: polars takes those over without converting (zero-copy)."""
    import pyarrow as pa

    fields = [pa.field(f.name, pa.string_view()) if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
              else f for f in table.schema]
    return table.cast(pa.schema(fields))


def _query(conn, sql: str, options: dict[str, str] | None = None):
    """One statement's result as an Arrow table, through the driver manager's own API (its DB-API
    layer imports polars and pyarrow.dataset: most of a reader's start-up)."""
    import adbc_driver_manager as adbc
    import pyarrow as pa

    statement = adbc.AdbcStatement(conn)
    try:
        if options:
            statement.set_options(**options)
        statement.set_sql_query(sql)
        stream, _ = statement.execute_query()
        return pa.RecordBatchReader._import_from_c(stream.address).read_all()
    finally:
        statement.close()


def _serve() -> None:
    import adbc_driver_manager as adbc
    import adbc_driver_sqlite
    import pyarrow as pa

    out = sys.stdout.buffer
    # The driver infers each column's type from its first batch of rows and fails on a later row of
    # another type (a text column NULL in the first rows is taken for an integer): one batch for the
    # whole result makes it look at every row.
    whole = {"adbc.sqlite.query.batch_rows": str(WHOLE_RESULT)}
    for line in sys.stdin.buffer:
        request = json.loads(line)
        try:
            with adbc_driver_sqlite.connect(request["database"]) as database, adbc.AdbcConnection(database) as conn:
                for pragma in _PRAGMAS:
                    _query(conn, pragma)
                table = _as_views(_query(conn, request["query"], whole))
            with pa.OSFile(request["out"], "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            answer = {"ok": True}
        except Exception as exc:  # reported to the parent, which raises it there
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(answer).encode() + b"\n")
        out.flush()
    os._exit(0)  # the parent closed our stdin: nothing to tear down (a read-only client), end at once


if __name__ == "__main__":
    _serve()

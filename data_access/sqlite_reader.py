"""Arrow reads of a SQLite database from a helper process of its own.

Why a process: the fast Arrow readers for SQLite (ADBC, connectorx) link their own copy of
SQLite. Two copies of SQLite in one process break SQLite's POSIX file locking: when the second
copy closes the database, the whole process loses its locks and the -wal file is deleted under
the app's open connections (found here: stale reads, then writes going to an orphaned WAL).
In a separate process the reader is just another SQLite client, which WAL mode is made for.

Protocol over the child's stdin/stdout: the parent writes one JSON line {"database", "query",
"out"}; the child writes the result as an Arrow IPC file at "out" (in /dev/shm where there is one,
so nothing touches the disk) and answers with one JSON line, {"ok": true} or {"error": "..."}.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading

import polars as pl

_SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


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
            proc = self._ensure()
            try:
                fd, out = tempfile.mkstemp(suffix=".arrow", dir=_SCRATCH)
                os.close(fd)
                try:
                    proc.stdin.write(json.dumps({"database": database, "query": query, "out": out}).encode() + b"\n")
                    proc.stdin.flush()
                    answer = proc.stdout.readline()
                    if not answer:
                        raise EOFError
                    error = json.loads(answer).get("error")
                    if error:
                        raise RuntimeError(f"SQLite read failed: {error}")
                    with open(out, "rb") as result:  # read into memory: the file goes next
                        return pl.read_ipc(result.read())
                finally:
                    os.unlink(out)
            except (BrokenPipeError, EOFError):
                self.close()
                raise RuntimeError("the SQLite reader process ended unexpectedly") from None

    def close(self) -> None:
        if self._proc is not None:
            try:
                self._proc.stdin.close()
                self._proc.wait(5)
            except Exception:
                self._proc.kill()
            self._proc = None


_shared = SQLiteReader()
WHOLE_RESULT = 1_000_000_000


def read_sqlite(database: str, query: str) -> pl.DataFrame:
    return _shared.read(database, query)


def _serve() -> None:
    import adbc_driver_sqlite.dbapi as adbc_sqlite
    import pyarrow as pa

    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        request = json.loads(line)
        try:
            with adbc_sqlite.connect(request["database"]) as conn, conn.cursor() as cursor:
                # The driver infers each column's type from its first batch of rows and fails on a
                # later row of another type (a text column NULL in the first rows is taken for an
                # integer): one batch for the whole result makes it look at every row.
                cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(WHOLE_RESULT)})
                cursor.execute(request["query"])
                table = cursor.fetch_arrow_table()
            with pa.OSFile(request["out"], "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            answer = {"ok": True}
        except Exception as exc:  # reported to the parent, which raises it there
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(answer).encode() + b"\n")
        out.flush()


if __name__ == "__main__":
    _serve()

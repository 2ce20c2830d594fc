"""Issue 15 item 4 (and issue 3 item 6): a 200,000-row production file imported through the whole
pipeline (read, headers, parse, validate against the database, commit one batch), as CSV and as
XLSX, on SQLite and PostgreSQL, side by side with the bare write of the same rows already parsed:
one sqlite3 executemany of tuples (the app's connection settings) / one psycopg COPY into the same table of an identical fresh
database. Goals: XLSX <= 2x the same rows as CSV; CSV <= 2x the bare write. Each figure is the best
of REPEATS runs in a fresh database copied from a migrated template with the master data (the
machine is shared, the best run is the least disturbed one); the three cases take turns in each
round, so that a busy spell slows all of them alike.

"cpu_s" is the CPU time (user + system) of the same span: this process (all its threads; SQLite
works inside it) plus, on PostgreSQL, the server backends of the bench database (/proc of the
local server). The CPU ratio ("cpu_ratio") moves less than the wall-clock one on a shared machine.
Knobs: BENCH_INGEST_ROWS (200000), BENCH_INGEST_REPEATS (3), BENCH_INGEST_BACKENDS (sqlite,postgres).
The bench's master data has no routings: every production row gets the "no routing" warning
(200,000 warnings), the heaviest case of the result a clerk is shown."""
from __future__ import annotations

import io
import os
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from dashboard.ingest_messages import summary

ROWS = int(os.environ.get("BENCH_INGEST_ROWS", "200000"))
REPEATS = int(os.environ.get("BENCH_INGEST_REPEATS", "3"))
BACKENDS = os.environ.get("BENCH_INGEST_BACKENDS", "sqlite,postgres").split(",")
MACHINES = 20
PRODUCTS = 25
SHIFTS = ("A", "B")
HEADER = ("date", "shift", "machine_code", "product_code", "planned_min", "downtime_min", "planned_qty", "input_qty",
          "total_qty", "good_qty", "defect_qty", "scrap_qty", "operators", "labour_h")


def production_rows(rows: int = ROWS) -> list[tuple]:
    """Valid production rows: one per day x shift x machine x product (unique keys)."""
    out = []
    day = date(2024, 1, 1)
    while len(out) < rows:
        for shift in SHIFTS:
            for m in range(MACHINES):
                for p in range(PRODUCTS):
                    n = len(out)
                    if n >= rows:
                        break
                    good, defect, scrap = 900 + (n % 97), n % 13, n % 7
                    out.append((day, shift, f"M-{m:02d}", f"P-{p:03d}", 420, n % 60, 1000, 1010,
                                good + defect + scrap, good, defect, scrap, 1, 8))
        day += timedelta(days=1)
    return out


def production_csv(rows: int = ROWS) -> bytes:
    out = io.StringIO()
    out.write(",".join(HEADER) + "\n")
    for r in production_rows(rows):
        out.write(",".join([r[0].isoformat(), *map(str, r[1:])]) + "\n")
    return out.getvalue().encode("utf-8")


def production_xlsx(rows: int = ROWS) -> bytes:
    """The same rows as a clerk's workbook: a title, an empty row, the header on row 3, real
    Excel dates (what the clerk sees as 2024-01-01)."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("生产日报")
    day_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["Production report"])
    sheet.write_row(2, 0, HEADER)
    for i, r in enumerate(production_rows(rows), start=3):
        sheet.write_datetime(i, 0, r[0], day_format)
        sheet.write_row(i, 1, r[1:])
    book.close()
    return out.getvalue()


def master_data(engine) -> None:
    from data_access.ingest import import_upload

    lines = "line_code,name,process\nINJ,Injection,injection\n"
    machines = "machine_code,line_code,name\n" + "".join(f"M-{m:02d},INJ,Machine {m}\n" for m in range(MACHINES))
    products = "product_code,name,unit,standard_cost,stage\n" + "".join(
        f"P-{p:03d},Product {p},pcs,2.5,market\n" for p in range(PRODUCTS))
    for kind, text in (("lines", lines), ("machines", machines), ("products", products)):
        result = import_upload(engine, kind, text.encode(), f"{kind}.csv", "bench")
        assert result.written, result.problems


# ------------------------------------------------------------------------------ databases
class Databases:
    """Fresh databases with the master data, copied from one template per backend."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.templates: dict[str, str] = {}
        self.drops: list = []

    def fresh(self, backend: str):
        from tests.conftest import make_database

        if backend not in self.templates:
            engine, drop = make_database(backend, self.tmp)
            master_data(engine)
            engine.dispose()
            self.templates[backend] = engine.url.database
            self.drops.append(drop)
        engine, drop = make_database(backend, self.tmp, self.templates[backend])
        return engine, drop

    def close(self) -> None:
        for drop in self.drops:
            drop()


def postgres_reachable() -> bool:
    from tests.conftest import _pg_admin

    try:
        with _pg_admin().connect():
            return True
    except Exception:
        return False


# ------------------------------------------------------------------------------ CPU
_TICK = os.sysconf("SC_CLK_TCK")


def _backend_cpu(engine) -> dict[int, float]:
    """CPU seconds so far of each server backend connected to the engine's PostgreSQL database
    (the server is local: its processes are in /proc); {} on SQLite or where /proc is not readable."""
    if engine.dialect.name != "postgresql":
        return {}
    from tests.conftest import _pg_admin

    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            pids = conn.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :d"),
                                {"d": engine.url.database}).scalars().all()
    finally:
        admin.dispose()
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
    return out


class Span:
    """Wall and CPU seconds of a span: this process, plus the database's backends on PostgreSQL."""

    def __init__(self, engine):
        self.engine = engine

    def __enter__(self):
        self.backends = _backend_cpu(self.engine)
        self.cpu, self.started = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.cpu = time.process_time() - self.cpu
        after = _backend_cpu(self.engine)
        self.cpu += sum(v - self.backends.get(pid, 0.0) for pid, v in after.items())
        return False


# ------------------------------------------------------------------------------ the bare write
def _bare_write(engine, parsed: pl.DataFrame) -> tuple[float, float]:
    """The parsed rows into the production table by the database's bare bulk path; (seconds, CPU seconds)."""
    from data_access.db import write_transaction
    from data_access.store import new_batch

    with write_transaction(engine) as conn:
        batch_id = new_batch(conn, "production", "bench", "cli")
    frame = parsed.with_columns(pl.lit(batch_id, pl.Int64).alias("batch_id"))
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    if engine.dialect.name == "sqlite":  # the app's own connection settings (foreign keys on, WAL)
        connection = engine.raw_connection()
        with Span(engine) as span:  # from the parsed frame on, as the COPY below
            rows = frame.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d")).rows()
            cursor = connection.driver_connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            cursor.executemany(f"INSERT INTO production ({columns}) VALUES ({', '.join('?' * frame.width)})", rows)
            cursor.execute("COMMIT")
        connection.close()
        return span.seconds, span.cpu
    import psycopg

    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as connection:
        with Span(engine) as span:
            with connection.cursor() as cursor, cursor.copy(f"COPY production ({columns}) FROM STDIN (FORMAT csv)") as copy:
                copy.write(frame.write_csv(include_header=False, null_value=""))
            connection.commit()
        return span.seconds, span.cpu


def _import(engine, data: bytes, name: str) -> tuple[float, float]:
    from data_access.ingest import import_upload

    with engine.connect() as conn:  # the pool's connection (and its backend) exists before the span
        conn.exec_driver_sql("SELECT 1")
    with Span(engine) as span:
        result = import_upload(engine, "production", data, name, "bench")
    assert result.written and result.rows_written == ROWS, (summary(result, "en"), [str(p) for p in result.problems[:5]])
    return span.seconds, span.cpu


def _once(databases: Databases, backend: str, measure) -> tuple[float, float]:
    engine, drop = databases.fresh(backend)
    try:
        return measure(engine)
    finally:
        drop()


def run() -> list[dict]:
    from data_access.ingest.headers import match_headers
    from data_access.ingest.parse import ROW, parse_table
    from data_access.ingest.read import read_upload

    csv_data, xlsx_data = production_csv(), production_xlsx()
    raw = read_upload(csv_data, "production_200k.csv", "production")
    parsed = parse_table(raw, match_headers("production", raw.headers), "production").frame.drop(ROW)
    backends = [b for b in BACKENDS if b == "sqlite" or (b == "postgres" and postgres_reachable())]
    cases = {"bare": lambda e: _bare_write(e, parsed),
             "csv": lambda e: _import(e, csv_data, "production_200k.csv"),
             "xlsx": lambda e: _import(e, xlsx_data, "production_200k.xlsx")}
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        databases = Databases(Path(tmp))
        try:
            for backend in backends:
                runs: dict[str, list[tuple[float, float]]] = {c: [] for c in cases}
                for _ in range(REPEATS):  # the cases take turns: a busy spell slows each of them
                    for case, measure in cases.items():
                        runs[case].append(_once(databases, backend, measure))
                best = {c: min(s for s, _ in v) for c, v in runs.items()}
                cpu = {c: min(u for _, u in v) for c, v in runs.items()}
                bare, csv_s, xlsx_s = best["bare"], best["csv"], best["xlsx"]
                bare_name = "sqlite3 executemany" if backend == "sqlite" else "psycopg COPY"
                out += [
                    {"database": backend, "case": f"bare {bare_name} (parsed rows)", "rows": ROWS, "seconds": bare,
                     "cpu_s": cpu["bare"], "ratio": 1.0, "cpu_ratio": 1.0, "ratio to": "bare"},
                    {"database": backend, "case": "import CSV (read+parse+validate+commit)", "rows": ROWS,
                     "seconds": csv_s, "cpu_s": cpu["csv"], "ratio": csv_s / bare, "cpu_ratio": cpu["csv"] / cpu["bare"],
                     "ratio to": "bare", "goal": "<= 2x bare", "met": "yes" if csv_s <= 2 * bare else "no"},
                    {"database": backend, "case": "import XLSX (same rows)", "rows": ROWS, "seconds": xlsx_s,
                     "cpu_s": cpu["xlsx"], "ratio": xlsx_s / csv_s, "cpu_ratio": cpu["xlsx"] / cpu["csv"],
                     "ratio to": "CSV", "goal": "<= 2x CSV", "met": "yes" if xlsx_s <= 2 * csv_s else "no"},
                ]
        finally:
            databases.close()
            shutil.rmtree(tmp, ignore_errors=True)
    return out


if __name__ == "__main__":
    from tests.bench.__main__ import print_table

    print_table("ingest", run())

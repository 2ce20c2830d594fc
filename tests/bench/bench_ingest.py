"""Issue 15 item 4 (and issue 3 item 6): a 200,000-row production file imported through the whole
pipeline (read, headers, parse, validate against the database, commit one batch), as CSV and as
XLSX, on SQLite and PostgreSQL, side by side with the bare write of the same rows already parsed:
one sqlite3 executemany of tuples (the app's connection settings) / one psycopg COPY into the same table of an identical fresh
database. Goals: XLSX <= 2x the same rows as CSV; CSV <= 2x the bare write. Each figure is the best
of REPEATS runs in a fresh database copied from a migrated template with the master data (the
machine is shared, the best run is the least disturbed one)."""
from __future__ import annotations

import io
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from dashboard.ingest_messages import summary

ROWS = 200_000
REPEATS = 3
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


# ------------------------------------------------------------------------------ the bare write
def _bare_write(engine, parsed: pl.DataFrame) -> float:
    """The parsed rows into the production table by the database's bare bulk path; seconds."""
    from data_access.db import write_transaction
    from data_access.store import new_batch

    with write_transaction(engine) as conn:
        batch_id = new_batch(conn, "production", "bench", "cli")
    frame = parsed.with_columns(pl.lit(batch_id, pl.Int64).alias("batch_id"))
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    if engine.dialect.name == "sqlite":  # the app's own connection settings (foreign keys on, WAL)
        connection = engine.raw_connection()
        started = time.perf_counter()  # from the parsed frame on, as the COPY below
        rows = frame.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d")).rows()
        cursor = connection.driver_connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        cursor.executemany(f"INSERT INTO production ({columns}) VALUES ({', '.join('?' * frame.width)})", rows)
        cursor.execute("COMMIT")
        seconds = time.perf_counter() - started
        connection.close()
        return seconds
    import psycopg

    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as connection:
        started = time.perf_counter()
        with connection.cursor() as cursor, cursor.copy(f"COPY production ({columns}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(frame.write_csv(include_header=False, null_value=""))
        connection.commit()
        return time.perf_counter() - started


def _import(engine, data: bytes, name: str) -> float:
    from data_access.ingest import import_upload

    started = time.perf_counter()
    result = import_upload(engine, "production", data, name, "bench")
    seconds = time.perf_counter() - started
    assert result.written and result.rows_written == ROWS, (summary(result, "en"), [str(p) for p in result.problems[:5]])
    return seconds


def _best(databases: Databases, backend: str, measure) -> float:
    times = []
    for _ in range(REPEATS):
        engine, drop = databases.fresh(backend)
        try:
            times.append(measure(engine))
        finally:
            drop()
    return min(times)


def run() -> list[dict]:
    from data_access.ingest.headers import match_headers
    from data_access.ingest.parse import ROW, parse_table
    from data_access.ingest.read import read_upload

    csv_data, xlsx_data = production_csv(), production_xlsx()
    raw = read_upload(csv_data, "production_200k.csv", "production")
    parsed = parse_table(raw, match_headers("production", raw.headers), "production").frame.drop(ROW)
    backends = ["sqlite"] + (["postgres"] if postgres_reachable() else [])
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        databases = Databases(Path(tmp))
        try:
            for backend in backends:
                bare = _best(databases, backend, lambda e: _bare_write(e, parsed))
                csv_s = _best(databases, backend, lambda e: _import(e, csv_data, "production_200k.csv"))
                xlsx_s = _best(databases, backend, lambda e: _import(e, xlsx_data, "production_200k.xlsx"))
                bare_name = "sqlite3 executemany" if backend == "sqlite" else "psycopg COPY"
                out += [
                    {"database": backend, "case": f"bare {bare_name} (parsed rows)", "rows": ROWS, "seconds": bare,
                     "ratio": 1.0, "ratio to": "bare"},
                    {"database": backend, "case": "import CSV (read+parse+validate+commit)", "rows": ROWS,
                     "seconds": csv_s, "ratio": csv_s / bare, "ratio to": "bare", "goal": "<= 2x bare",
                     "met": "yes" if csv_s <= 2 * bare else "no"},
                    {"database": backend, "case": "import XLSX (same rows)", "rows": ROWS, "seconds": xlsx_s,
                     "ratio": xlsx_s / csv_s, "ratio to": "CSV", "goal": "<= 2x CSV", "met": "yes" if xlsx_s <= 2 * csv_s else "no"},
                ]
        finally:
            databases.close()
            shutil.rmtree(tmp, ignore_errors=True)
    return out


if __name__ == "__main__":
    from tests.bench.__main__ import print_table

    print_table("ingest", run())

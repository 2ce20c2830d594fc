"""Load (issue 8): reads per second of the Home page's headline KPIs with 20 concurrent sessions
against PostgreSQL while a clerk's import runs, and the import's time under that load.

Setup: the demo plant (BENCH_LOAD_SCALE, default medium) in a PostgreSQL database built once and
reused (plantkpi_bench_load_<scale> on PLANTKPI_TEST_PG_URL's server). One "read" is what a
session's rerun of Home does: load_facts (a data-version query, frames cached per version) and
compute the headline KPIs (throughput, scrap ratio, OEE, OTD, CSAT) for the last complete month.
The 20 sessions are threads of one app instance (as Streamlit runs sessions); the import is
import_upload of IMPORT_ROWS production rows in a separate process (a clerk on another instance).
Its commit bumps the data version, so every session reloads its frames once during the run.

Rows: sessions idle (baseline reads/s), sessions during the import, import alone, import under
load; ratios against the unloaded baselines. The bench's own batches are undone at the end.
"""
from __future__ import annotations

import multiprocessing
import os
import statistics
import threading
import time
from datetime import date

import polars as pl
import sqlalchemy as sa
from dashboard.ingest_messages import message

SCALE = os.environ.get("BENCH_LOAD_SCALE", "medium")
SESSIONS = int(os.environ.get("BENCH_LOAD_SESSIONS", "20"))
IMPORT_ROWS = int(os.environ.get("BENCH_LOAD_IMPORT_ROWS", "20000"))
IDLE_SECONDS = float(os.environ.get("BENCH_LOAD_IDLE_SECONDS", "15"))
PG_ADMIN_URL = os.environ.get("PLANTKPI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SPAWN = multiprocessing.get_context("spawn")


def _engine():
    """The benchmark database with the demo plant, built on first use."""
    from data_access.db import get_engine, init_db

    name = f"plantkpi_bench_load_{SCALE}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = get_engine(sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False))
    init_db(engine)
    from seed.demo import database_is_empty, load_demo

    if database_is_empty(engine):
        print(f"building the {SCALE} demo plant in {name} (once)...", flush=True)
        load_demo(engine, SCALE)
    return engine


def _import_file(engine, round_no: int) -> bytes:
    """IMPORT_ROWS real production rows moved 10+ years ahead: valid references, new keys."""
    from data_access.loaders import read_sql

    frame = read_sql(f"SELECT date, shift, machine_code, product_code, planned_min, downtime_min, planned_qty, "
                     f"input_qty, total_qty, good_qty, defect_qty, scrap_qty, operators, labour_h "
                     f"FROM production ORDER BY id LIMIT {IMPORT_ROWS}", engine)
    # years before the demo's history (no key collides; the imports refuse dates more than a year ahead)
    years = -(10 + round_no * 3)
    return (frame.with_columns(pl.col("date").cast(pl.Date).dt.offset_by(f"{years}y").dt.to_string("%Y-%m-%d"))
            .write_csv().encode())


def _importer(url: str, data: bytes, name: str, out) -> None:
    from data_access.db import get_engine
    from data_access.ingest import import_upload

    engine = get_engine(url)
    started = time.perf_counter()
    result = import_upload(engine, "production", data, name, "bench")
    out.put((time.perf_counter() - started, result.written, result.batch_id, result.rows_written,
             [message(p, "en") for p in result.errors[:3]]))


def _timed_import(engine, data: bytes, name: str) -> tuple[float, int]:
    """Run one import in its own process; (seconds inside import_upload, batch id)."""
    out = SPAWN.Queue()
    proc = SPAWN.Process(target=_importer, args=(engine.url.render_as_string(hide_password=False), data, name, out))
    proc.start()
    seconds, written, batch, rows, problems = out.get(timeout=1800)
    proc.join(60)
    if not written:
        raise RuntimeError(f"bench import refused: {problems}")
    return seconds, batch


class Sessions:
    """SESSIONS threads, each rerunning the headline computation as fast as it can."""

    def __init__(self, engine, today: date):
        from dashboard.kpi import HEADLINE, Filters
        from dashboard.ui.headline import last_complete_month

        start, end = last_complete_month(today)
        self.engine, self.today = engine, today
        self.kpis, self.filters = list(HEADLINE), Filters(date_from=start, date_to=end)
        self.stop = threading.Event()
        self.finished: list[float] = []  # completion times of reads
        self.latencies: list[float] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(SESSIONS)]

    def read_once(self) -> dict:
        from dashboard.kpi import compute_one
        from dashboard.facts import load_facts

        return compute_one(self.kpis, load_facts(self.engine), self.filters, today=self.today)

    def _run(self) -> None:
        while not self.stop.is_set():
            began = time.perf_counter()
            self.read_once()
            ended = time.perf_counter()
            with self.lock:
                self.finished.append(ended)
                self.latencies.append(ended - began)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(120)

    def window(self, t0: float, t1: float) -> tuple[float, float]:
        """(reads per second, median latency in ms) of the reads finished in [t0, t1]."""
        with self.lock:
            idx = [i for i, f in enumerate(self.finished) if t0 <= f <= t1]
            lat = [self.latencies[i] for i in idx]
        return len(idx) / (t1 - t0), (statistics.median(lat) * 1000 if lat else float("nan"))


def run() -> list[dict]:
    from dashboard.facts import load_facts
    from data_access.ingest import undo_batch

    engine = _engine()
    today = date.today()
    with engine.connect() as conn:
        production_rows = conn.execute(sa.text("SELECT COUNT(*) FROM production")).scalar()
    load_facts(engine)  # warm the cache as a running instance would have it
    files = [_import_file(engine, i) for i in range(2)]
    batches = []
    try:
        alone_s, batch = _timed_import(engine, files[0], "bench-alone.csv")
        batches.append(batch)
        sessions = Sessions(engine, today)
        sessions.read_once()  # the new version's frames built once, as the first rerun after a write does
        with sessions:
            while len(sessions.finished) < SESSIONS:  # every session past its first read
                time.sleep(0.2)
            t0 = time.perf_counter()
            time.sleep(IDLE_SECONDS)
            idle_rps, idle_ms = sessions.window(t0, time.perf_counter())
            t1 = time.perf_counter()
            loaded_s, batch = _timed_import(engine, files[1], "bench-loaded.csv")
            batches.append(batch)
            busy_rps, busy_ms = sessions.window(t1, time.perf_counter())
    finally:
        for batch in batches:
            undo_batch(engine, batch, "bench")
    base = {"scale": SCALE, "production_rows": production_rows, "sessions": SESSIONS}
    return [
        {"case": "headline reads, no import", **base, "reads_per_s": idle_rps, "median_ms": idle_ms},
        {"case": "headline reads during import", **base, "reads_per_s": busy_rps, "median_ms": busy_ms,
         "vs_no_import": busy_rps / idle_rps if idle_rps else None},
        {"case": f"import {IMPORT_ROWS:,} rows alone", **base, "sessions": 0, "import_s": alone_s},
        {"case": f"import {IMPORT_ROWS:,} rows under load", **base, "import_s": loaded_s,
         "vs_alone": loaded_s / alone_s},
    ]


if __name__ == "__main__":
    from tests.bench.__main__ import print_table

    print_table("load", run())

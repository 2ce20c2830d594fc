"""Several app instances, several clerks at once, and crashes (issue 8, docs/architecture.md "Ingestion").

- Instances agree: a second process's loaders cache (keyed on the data version) sees a write
  committed by another process on its next read; and two `streamlit run` servers on one
  PostgreSQL database show the same numbers in the browser.
- Concurrent importers: 8 processes import overlapping files through the ingestion pipeline at
  once (one file sent twice): each batch is fully in or fully refused, no duplicate keys, no lost
  rows. On SQLite the writers wait for each other instead of failing with "database is locked".
- Crash safety: a process killed with SIGKILL in the middle of a large commit leaves no trace.

Worker functions live at module level so that multiprocessing's spawn can import them.
"""
from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sys
import time
import types
from datetime import date, timedelta

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.db import write_transaction
from data_access.kinds import KINDS
from data_access.models import Batch, kind_table
from data_access.store import finish_batch, insert_rows, new_batch
from tests.conftest import make_database
from tests.support.examples import example_row, example_rows
from dashboard.ingest_messages import message

SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture(autouse=True)
def plain_main_module(monkeypatch):
    """An AppTest earlier in this test process leaves a page script registered as __main__, and
    spawn re-runs __main__ by path in every child (which then dies in the page's login check):
    give the children an empty __main__ instead."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
DAY0 = date(2026, 1, 5)
KEY = ["date", "shift", "machine_code", "product_code"]


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def load_masters(engine: Engine) -> None:
    """The example master data (machine INJ-01, product P-1001, ...): what production rows refer to."""
    rows = example_rows()
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "lines", "admin", "cli")
        written = sum(insert_rows(conn, name, rows[name], batch) for name, kind in KINDS.items() if kind.master)
        finish_batch(conn, batch, written)


def production_rows(keys: range, shifts: str = "AB") -> list[dict]:
    """One valid production row per (day offset, shift), sorted by natural key."""
    base = example_row("production")
    return [{**base, "date": DAY0 + timedelta(days=i // len(shifts)), "shift": shifts[i % len(shifts)],
             "good_qty": 900 + i, "defect_qty": 20, "scrap_qty": 10, "total_qty": 930 + i}
            for i in keys]


def production_csv(keys: range) -> bytes:
    return pl.DataFrame(production_rows(keys)).with_columns(pl.col("date").dt.to_string("%Y-%m-%d")).write_csv().encode()


@pytest.fixture
def pg_engine(tmp_path):
    engine, drop = make_database("postgres", tmp_path)
    try:
        yield engine
    finally:
        drop()


def _count(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(sql)).scalar() or 0)


# ------------------------------------------------------------------ several instances agree
def loader_instance(url: str, requests, replies) -> None:
    """A second app instance: answers each request with what its cached loader returns."""
    from data_access.db import data_version, get_engine
    from data_access.loaders import load_kind

    engine = get_engine(url)
    while requests.get() is not None:
        frame = load_kind("production", engine)
        replies.put((frame.height, int(frame["good_qty"].sum() or 0), id(frame), data_version(engine)))


@pytest.mark.postgres
def test_a_write_in_one_process_is_seen_by_the_cache_of_another(pg_engine):
    from data_access.ingest import import_upload

    load_masters(pg_engine)
    requests, replies = SPAWN.Queue(), SPAWN.Queue()
    other = SPAWN.Process(target=loader_instance, args=(url_of(pg_engine), requests, replies), daemon=True)
    other.start()
    try:
        requests.put("read")
        rows, good, frame_id, version = replies.get(timeout=120)
        assert (rows, good) == (0, 0)
        requests.put("read")
        assert replies.get(timeout=60)[2] == frame_id  # no write in between: served from its cache

        data = production_csv(range(3))
        result = import_upload(pg_engine, "production", data, "week1.csv", "clerk")
        assert result.written, result.problems

        requests.put("read")
        rows, good, new_frame_id, new_version = replies.get(timeout=60)
        assert new_version > version and new_frame_id != frame_id
        assert (rows, good) == (3, 900 + 901 + 902)
    finally:
        requests.put(None)
        other.join(30)


@pytest.mark.postgres
@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_two_app_servers_on_one_database_show_the_same_numbers(pg_engine):
    """Two `streamlit run` instances (as behind nginx); an import committed through one instance's
    code path is shown by the other on its next rerun: the Throughput page's good-quantity tile."""
    from data_access.ingest import import_upload
    from tests.support.browser import chromium, streamlit_server, wait_idle

    load_masters(pg_engine)
    assert import_upload(pg_engine, "production", production_csv(range(2)), "day1.csv", "clerk").written
    query = f"/analysis-throughput?period=custom&from={DAY0}&to={DAY0 + timedelta(days=30)}"

    def good_tile(page) -> str:
        tile = page.locator("[data-testid='stMetric']").filter(has_text="Good output (all operations)").first
        return tile.locator("[data-testid='stMetricValue']").inner_text()

    url = url_of(pg_engine)
    with streamlit_server(url) as first, streamlit_server(url) as second, chromium() as browser:
        pages = []
        for base in (first, second):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base + query)
            wait_idle(page, 60_000)
            page.locator("[data-testid='stMetric']").first.wait_for(timeout=60_000)
            pages.append(page)
        assert good_tile(pages[0]) == good_tile(pages[1]) == f"{900 + 901:,}"

        # a clerk's upload lands through instance one's pipeline (same function its page calls)
        assert import_upload(pg_engine, "production", production_csv(range(2, 6)), "day2.csv", "clerk").written
        expected = f"{sum(900 + i for i in range(6)):,}"
        for page in reversed(pages):
            page.reload()
            wait_idle(page, 60_000)
            page.locator("[data-testid='stMetric']").first.wait_for(timeout=60_000)
            assert good_tile(page) == expected


# ------------------------------------------------------------------ concurrent importers
ROWS_PER_FILE = 200
FILES = 9  # file i holds keys [i*100, i*100 + 200): half of it overlaps file i+1
JOBS = [0, 0, *range(1, FILES)]  # file 0 is sent twice, by two clerks at the same moment
WORKERS = 8


def file_keys(file_id: int) -> range:
    return range(file_id * ROWS_PER_FILE // 2, file_id * ROWS_PER_FILE // 2 + ROWS_PER_FILE)


def importer(url: str, worker: int, jobs: list[int], start, results) -> None:
    """One clerk's app instance: imports its files through the ingestion pipeline."""
    from data_access.db import get_engine
    from data_access.ingest import import_upload

    engine = get_engine(url)
    files = {f: production_csv(file_keys(f)) for f in jobs}
    start.wait(120)  # everybody ready: go at once
    for file_id in jobs:
        try:
            r = import_upload(engine, "production", files[file_id], f"shift-report-{file_id}.csv", f"clerk{worker}")
            results.put({"file": file_id, "written": r.written, "batch": r.batch_id, "rows": r.rows_written,
                         "problems": [message(p, "en") for p in r.errors], "earlier": (r.earlier_batch or {}).get("id")})
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            results.put({"file": file_id, "error": f"{type(exc).__name__}: {exc}"})


def run_importers(engine: Engine) -> list[dict]:
    start, results = SPAWN.Event(), SPAWN.Queue()
    workers = [SPAWN.Process(target=importer, args=(url_of(engine), w, JOBS[w::WORKERS], start, results))
               for w in range(WORKERS)]
    for w in workers:
        w.start()
    time.sleep(1)  # let the spawned interpreters import; start.wait covers slow ones
    start.set()
    out = [results.get(timeout=300) for _ in JOBS]
    for w in workers:
        w.join(60)
    return out


@pytest.mark.slow
def test_concurrent_importers_write_whole_batches_and_never_duplicate(engine):
    load_masters(engine)
    results = run_importers(engine)
    errors = [r for r in results if "error" in r]
    assert not errors  # on SQLite: no "database is locked"; they waited for each other
    written = [r for r in results if r["written"]]
    refused = [r for r in results if not r["written"]]
    written_files = [r["file"] for r in written]
    assert written and refused

    # the same file twice: one import at most; overlapping files never both in
    assert len(written_files) == len(set(written_files))
    keys = {f: set(file_keys(f)) for f in range(FILES)}
    for i, a in enumerate(written_files):
        for b in written_files[i + 1:]:
            assert not keys[a] & keys[b]
    # every refusal had a reason: its rows collide with a file that got in; the clerk was told
    for r in refused:
        assert any(keys[r["file"]] & keys[f] for f in written_files), r
        assert r["problems"] and r["batch"] is None
    for r in refused:
        if r["file"] == 0 and 0 in written_files:
            assert r["earlier"] == next(w["batch"] for w in written if w["file"] == 0) or r["problems"]

    # the database: exactly the rows of the written files, each under its own batch
    production = kind_table("production")
    batches = Batch.__table__
    with engine.connect() as conn:
        stored = conn.execute(sa.select(production.c.batch_id, production.c.date, production.c.shift)).all()
        duplicates = conn.execute(sa.select(*[production.c[k] for k in KEY]).group_by(*[production.c[k] for k in KEY])
                                  .having(sa.func.count() > 1)).all()
        batch_rows = dict(conn.execute(sa.select(batches.c.id, batches.c.rows).where(batches.c.kind == "production")).all())
    assert duplicates == []
    assert len(stored) == ROWS_PER_FILE * len(written)
    assert batch_rows == {r["batch"]: ROWS_PER_FILE for r in written}
    for r in written:
        got = {(d, s) for b, d, s in stored if b == r["batch"]}
        expected = {(x["date"], x["shift"]) for x in production_rows(file_keys(r["file"]))}
        assert got == expected


# ------------------------------------------------------------------ crash safety
BIG_COMMIT_ROWS = 120_000  # long enough that the kill lands inside the inserts on a fast machine too


def big_commit(url: str, rows: int, pipe) -> None:
    """Write one large batch; report when the transaction has begun and when it is about to commit."""
    from data_access.db import get_engine

    engine = get_engine(url)
    data = production_rows(range(rows))
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "production", "clerk", "upload", file_name="big.csv")
        pipe.send(("begun", batch))
        insert_rows(conn, "production", data, batch)
        finish_batch(conn, batch, rows)
        pipe.send(("committing", batch))
    pipe.send(("committed", batch))


def assert_batches_whole(engine: Engine) -> None:
    """Every batch holds exactly its `rows` rows; no kind row without its batch."""
    batches = Batch.__table__
    with engine.connect() as conn:
        expected = dict(conn.execute(sa.select(batches.c.id, batches.c.rows)).all())
        held: dict[int, int] = {}
        for name in KINDS:
            table = kind_table(name)
            for batch_id, n in conn.execute(sa.select(table.c.batch_id, sa.func.count()).group_by(table.c.batch_id)):
                held[batch_id] = held.get(batch_id, 0) + n
            orphans = conn.execute(sa.select(sa.func.count()).select_from(
                table.outerjoin(batches, table.c.batch_id == batches.c.id)).where(batches.c.id.is_(None))).scalar()
            assert orphans == 0, name
    assert {b: held.get(b, 0) for b in expected} == expected
    assert set(held) <= set(expected)


@pytest.mark.slow
def test_an_import_killed_midway_leaves_no_partial_batch(engine):
    load_masters(engine)
    with write_transaction(engine) as conn:  # a finished batch before the crash must survive it
        done = new_batch(conn, "production", "clerk", "form")
        insert_rows(conn, "production", production_rows(range(-10, 0)), done)
        conn.execute(sa.update(Batch.__table__).where(Batch.__table__.c.id == done).values(rows=10))
    parent, child = SPAWN.Pipe()
    writer = SPAWN.Process(target=big_commit, args=(url_of(engine), BIG_COMMIT_ROWS, child), daemon=True)
    writer.start()
    assert parent.poll(180), "the writer did not start"
    stage, batch = parent.recv()
    assert stage == "begun"
    time.sleep(random.uniform(0.2, 0.8))  # somewhere inside the inserts
    assert not parent.poll(), "the commit finished before the kill: nothing was tested"
    os.kill(writer.pid, signal.SIGKILL)
    writer.join(30)
    assert writer.exitcode == -signal.SIGKILL

    assert_batches_whole(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(Batch.__table__)
                            .where(Batch.__table__.c.id == batch)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(kind_table("production"))).scalar() == 10
    # the database is not left locked: the next clerk's write goes through at once
    with write_transaction(engine) as conn:
        after = new_batch(conn, "production", "clerk", "form")
        insert_rows(conn, "production", production_rows(range(BIG_COMMIT_ROWS, BIG_COMMIT_ROWS + 5)), after)
        conn.execute(sa.update(Batch.__table__).where(Batch.__table__.c.id == after).values(rows=5))
    assert_batches_whole(engine)

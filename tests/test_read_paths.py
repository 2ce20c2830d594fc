"""The cheaper read paths of a CLI run (issue 15 item 1) give the very figures of the others:
- a SQLite window read of few rows is read in this process (stdlib sqlite3, kind_frames.IN_PROCESS_ROWS)
  instead of by the reader processes: the same frames, the same `plantkpi kpi --json`;
- the large kinds are read only in the columns their facts declare (KIND_COLUMNS): the same KPIs as
  reading every column."""
from __future__ import annotations

import json
from datetime import date

import pytest

import data_access.kind_frames as kind_frames
import data_access.sqlite_reader as sqlite_reader
from dashboard.cli import main
from dashboard.facts import clear_cache, load_facts
from dashboard.kpi.engine import Filters, compute_one
from dashboard.kpi.facts import KIND_COLUMNS
from data_access.loaders import clear_cache as clear_loader_cache
from seed.demo import load_demo
from tests.test_pushdown import _same_figures  # floats to 1e-9: bom_requirements sums in no fixed order

TODAY = date(2026, 11, 20)
WINDOW = (date(2026, 10, 1), date(2026, 10, 31))
WINDOWED = ["production", "scrap", "downtime", "inspections"]
KPIS = ["good_qty", "scrap_ratio", "oee", "availability", "mttr", "mtbf", "downtime_min", "fpy", "scrap_qty"]


def _fresh():
    clear_cache()
    clear_loader_cache()


def _cli(monkeypatch, capsys, url: str) -> dict:
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", url)
    _fresh()
    capsys.readouterr()
    assert main(["kpi", "--from", "2026-10-01", "--to", "2026-10-31", "--by", "month,line", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_in_process_and_reader_process_reads_give_the_same_figures(sqlite_engine, monkeypatch, capsys):
    load_demo(sqlite_engine, "small", today=TODAY)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    real_read = sqlite_reader._Pool.read
    served = []
    monkeypatch.setattr(sqlite_reader._Pool, "read", lambda self, db, q: served.append(q) or real_read(self, db, q))

    monkeypatch.setattr(kind_frames, "IN_PROCESS_ROWS", 0)  # every read by the reader processes
    _fresh()
    by_readers = {n: load_facts(sqlite_engine, WINDOWED, window=WINDOW)[n] for n in WINDOWED}
    cli_by_readers = _cli(monkeypatch, capsys, url)
    assert any('FROM "production"' in q and "2026-10-01" in q for q in served)

    monkeypatch.setattr(kind_frames, "IN_PROCESS_ROWS", 10 ** 9)  # every window read here ...
    sqlite_reader.close_all()  # ... when no reader process is running (a running one reads faster)
    served.clear()
    _fresh()
    here = {n: load_facts(sqlite_engine, WINDOWED, window=WINDOW)[n] for n in WINDOWED}
    # no reader read a window (a fact needing the whole history, e.g. bom_requirements, still may)
    assert not [q for q in served if "2026-10-01" in q]
    cli_here = _cli(monkeypatch, capsys, url)  # (the CLI starts its readers during its imports)

    for name in WINDOWED:
        assert here[name].height > 0, name
        assert here[name].schema == by_readers[name].schema, name
        assert here[name].equals(by_readers[name]), name
    assert cli_here == _same_figures(cli_by_readers)
    assert sum(r["good_qty"] or 0 for r in cli_here["rows"]) == here["production"]["good_qty"].sum() > 0


def test_few_rows_estimates_from_the_window(sqlite_engine):
    load_demo(sqlite_engine, "small", today=TODAY)
    with sqlite_engine.connect() as conn:
        month = conn.exec_driver_sql("SELECT COUNT(*) FROM production WHERE date >= '2026-10-01' "
                                     "AND date < '2026-11-01'").scalar()
        total = conn.exec_driver_sql("SELECT COUNT(*) FROM production").scalar()
    window = ((WINDOW[0], WINDOW[1]),)
    old = kind_frames.IN_PROCESS_ROWS
    try:
        kind_frames.IN_PROCESS_ROWS = month  # the month's rows fit, the whole history does not
        assert month < total
        assert kind_frames.few_rows(sqlite_engine, ["production", "machines"], window, ["production"])
        assert not kind_frames.few_rows(sqlite_engine, ["production", "machines"], window, [])
        kind_frames.IN_PROCESS_ROWS = month - 1
        assert not kind_frames.few_rows(sqlite_engine, ["production"], window, ["production"])
    finally:
        kind_frames.IN_PROCESS_ROWS = old


def test_pruned_columns_give_the_same_kpis(engine, monkeypatch):
    load_demo(engine, "small", today=TODAY)
    for kind, dropped in (("scrap", "batch_id"), ("downtime", "start"), ("inspections", "batch_id")):
        (_, query), = kind_frames.read_plan(engine, [kind], columns=KIND_COLUMNS)
        assert f'"{dropped}"' not in query and '"date"' in query, kind
    periods = [Filters(date_from=WINDOW[0], date_to=WINDOW[1]), Filters(date_from=date(2026, 1, 1), date_to=TODAY)]
    _fresh()
    pruned = [compute_one(KPIS, load_facts(engine), f, today=TODAY) for f in periods]
    for kind in ("scrap", "downtime", "inspections"):
        monkeypatch.delitem(KIND_COLUMNS, kind)  # every column read, as before the declarations
    _fresh()
    full = [compute_one(KPIS, load_facts(engine), f, today=TODAY) for f in periods]
    assert pruned == [_same_figures(f) for f in full]
    assert all(v not in (None, 0) for k, v in pruned[0].items()), pruned[0]

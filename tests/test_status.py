"""Data status by reporting cadence: weekly kinds miss weeks, monthly kinds miss complete months,
event kinds are never missing. Hand-computed on a fixed calendar, SQLite and PostgreSQL."""
from datetime import date

from data_access.db import write_transaction
from data_access.status import data_status
from data_access.store import insert_rows, new_batch
from tests.support.examples import example_row, example_rows

TODAY = date(2026, 11, 18)  # a Wednesday; the 8 complete weeks are the Mondays 2026-09-21 .. 2026-11-09
WINDOW = [date(2026, 9, 21), date(2026, 9, 28), date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19),
          date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9)]


def _fill(engine, production_days, stocktake_days, complaint_days, cost_months):
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "lines", "test", "seed")
        for name, rows in example_rows().items():
            if name not in ("production", "stocktake", "complaints", "costs", "scrap"):
                insert_rows(conn, name, rows, batch)
        insert_rows(conn, "production", [{**example_row("production"), "date": d} for d in production_days], batch)
        insert_rows(conn, "stocktake", [{**example_row("stocktake"), "date": d} for d in stocktake_days], batch)
        insert_rows(conn, "complaints", [{**example_row("complaints"), "complaint_no": f"CC-{i}", "date": d}
                                         for i, d in enumerate(complaint_days)], batch)
        insert_rows(conn, "costs", [{**example_row("costs"), "month": m} for m in cost_months], batch)


def _missing(status, kind):
    return status.filter(status["kind"] == kind)["missing_weeks"].to_list()[0]


def test_missing_weeks_follow_each_kinds_cadence(engine):
    _fill(engine,
          production_days=[date(2026, 9, 22), date(2026, 10, 14), date(2026, 11, 10)],
          stocktake_days=[date(2026, 9, 30)],            # September counted, October not
          complaint_days=[date(2026, 10, 1)],
          cost_months=["2026-10"])
    status = data_status(engine, today=TODAY, weeks=8)
    assert _missing(status, "production") == [w for w in WINDOW
                                              if w not in (date(2026, 9, 21), date(2026, 10, 12), date(2026, 11, 9))]
    # stocktake: the October weeks are gaps; November is not over; September has its count
    assert _missing(status, "stocktake") == [date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19),
                                             date(2026, 10, 26)]
    # costs: September (its weeks starting 21 and 28 Sep) has no costs; October has; November is not over
    assert _missing(status, "costs") == [date(2026, 9, 21), date(2026, 9, 28)]
    assert _missing(status, "complaints") == []  # events: nothing expected
    assert status.filter(status["kind"] == "production")["rows"].item() == 3
    assert status.filter(status["kind"] == "production")["latest"].item() == date(2026, 11, 10)

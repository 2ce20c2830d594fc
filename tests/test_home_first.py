"""Home's first impression (issue 15.3): what is remembered between runs gives the same figures as
computing afresh, and a write makes it computed again; the planning projection's shortcuts (lines
only, maintenance and moves outside what is asked left out) change no number."""
from __future__ import annotations

import threading
import time
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.planning.projection import project
from dashboard.planning.schedule import daily_capacity, stock_on_hand
from data_access.db import write_transaction
from data_access.status import data_status, data_status_uncached
from data_access.store import finish_batch, insert_rows, new_batch
from tests.support.examples import example_row
from tests.test_exceptions import small_plant
from tests.test_planning import CUSTOMERS, frames_of, machine, order, routing


def test_data_status_remembered_until_a_write(sqlite_engine):
    small_plant(sqlite_engine)
    today = date(2026, 12, 2)
    first = data_status(sqlite_engine, today)
    assert data_status(sqlite_engine, today) is first  # the same version: not asked again
    assert_frame_equal(first, data_status_uncached(sqlite_engine, today))
    complaints = first.filter(pl.col("kind") == "complaints").get_column("rows").item()
    with write_transaction(sqlite_engine) as conn:  # a commit bumps the data version
        batch = new_batch(conn, "complaints", "test", "cli")
        insert_rows(conn, "complaints", [example_row("complaints") | {"complaint_no": "CC-NEW"}], batch)
        finish_batch(conn, batch, 1)
    after = data_status(sqlite_engine, today)
    assert after.filter(pl.col("kind") == "complaints").get_column("rows").item() == complaints + 1
    assert_frame_equal(after, data_status_uncached(sqlite_engine, today))


def test_lines_only_projection_has_the_same_lines():
    """Two lines on one machine, 14 h a day from Wed 2026-03-04 at efficiency 1: X 1,400 pcs of 36 s =
    14 h (Wed), Y the same (Thu, after X): both on time for 03-05, Z 700 pcs due 03-04 is late (Fri)."""
    frames = frames_of({"customers": CUSTOMERS, "machines": [machine("M1")], "routings": [routing("P2", 10, "M1", 36.0)],
                        "orders": [order("X", 1, "CA", "P2", 1400, date(2026, 3, 5)),
                                   order("Y", 1, "CA", "P2", 1400, date(2026, 3, 5)),
                                   order("Z", 1, "CB", "P2", 700, date(2026, 3, 6))]})
    today = date(2026, 3, 4)
    full, lines = project(frames, today, efficiency_default=1.0), project(frames, today, efficiency_default=1.0,
                                                                          operations=False)
    assert_frame_equal(full.lines, lines.lines)
    assert lines.operations.height == 0 and full.operations.height == 3
    finish = dict(zip(full.lines.get_column("order_no"), full.lines.get_column("projected_finish")))
    assert finish == {"X": date(2026, 3, 4), "Y": date(2026, 3, 5), "Z": date(2026, 3, 6)}


def test_capacity_leaves_out_maintenance_outside_the_window():
    """Preventive maintenance of 6 h on Thu 03-05 costs that day 6 of its 14 h; one in 2025 and one after the
    window cost nothing."""
    frames = frames_of({"machines": [machine("M1")], "maintenance": [
        {"machine_code": "M1", "start": datetime(2026, 3, 5, 8), "end": datetime(2026, 3, 5, 14), "type": "preventive",
         "cost": 0.0},
        {"machine_code": "M1", "start": datetime(2025, 3, 5, 8), "end": datetime(2025, 3, 6, 14), "type": "preventive",
         "cost": 0.0},
        {"machine_code": "M1", "start": datetime(2026, 3, 20, 8), "end": datetime(2026, 3, 20, 14), "type": "preventive",
         "cost": 0.0}]})
    grid = daily_capacity(frames, date(2026, 3, 4), 3)  # Wed, Thu, Fri
    assert grid.get_column("available_h").to_list() == [14.0, 8.0, 14.0]
    assert grid.get_column("maintenance_h").to_list() == [0.0, 6.0, 0.0]


def test_stock_of_some_items_among_others():
    """A: counted 100 on 03-01, issued 30 after: 70. B (moves only): 50 − 5 = 45. C's moves are not asked for."""
    frames = frames_of({
        "stocktake": [{"date": date(2026, 3, 1), "item_code": "A", "counted_qty": 100.0}],
        "material_moves": [
            {"date": date(2026, 2, 1), "item_code": "A", "move": "receipt", "qty": 999.0, "ref": "before the count"},
            {"date": date(2026, 3, 2), "item_code": "A", "move": "issue", "qty": 30.0, "ref": "a"},
            {"date": date(2026, 3, 2), "item_code": "B", "move": "receipt", "qty": 50.0, "ref": "b"},
            {"date": date(2026, 3, 3), "item_code": "B", "move": "issue", "qty": 5.0, "ref": "c"},
            {"date": date(2026, 3, 3), "item_code": "C", "move": "receipt", "qty": 7.0, "ref": "d"}]})
    stock = stock_on_hand(frames, date(2026, 3, 4), ["A", "B", "D"])
    assert dict(zip(stock.get_column("item_code"), stock.get_column("on_hand"))) == {"A": 70.0, "B": 45.0, "D": 0.0}


def test_open_exceptions_computed_once_for_every_asker(sqlite_engine, monkeypatch):
    """The warm-up and a page asking at once: one computation, both get its list; cached_exceptions
    tells whether it is there without computing."""
    import dashboard.ui.exceptions as home

    calls = []

    def slow(engine, today, include_acknowledged=False):
        calls.append(today)
        time.sleep(0.5)
        return pl.DataFrame({"key": ["x"]})

    monkeypatch.setattr(home, "load_exceptions", slow)
    home.clear_cache()
    today = date(2026, 12, 2)
    assert home.cached_exceptions(sqlite_engine, today) is None
    got = []
    threads = [threading.Thread(target=lambda: got.append(home.open_exceptions(sqlite_engine, today))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert calls == [today] and len(got) == 3 and all(g is got[0] for g in got)
    assert home.cached_exceptions(sqlite_engine, today) is got[0]
    home.clear_cache()


def test_home_does_not_wait_for_the_warm_up(sqlite_engine, monkeypatch):
    """While the warm-up computes the list Home says "being counted" instead of computing it too; with
    the list there Home shows its count (the Exceptions list's length)."""
    from streamlit.testing.v1 import AppTest

    import dashboard.ui.exceptions as home
    from dashboard.exceptions import load_exceptions

    small_plant(sqlite_engine)
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    page = str(Path(__file__).resolve().parents[1] / "pages" / "home.py")
    home.clear_cache()
    home.announce(sqlite_engine)  # as the warm-up does when it starts
    monkeypatch.setattr(home, "load_exceptions", lambda *a, **k: pytest.fail("Home computed the list"))
    at = AppTest.from_file(page, default_timeout=60).run()
    assert not at.exception
    assert any(m.value == "**Open exceptions:** being counted…" for m in at.markdown)
    monkeypatch.setattr(home, "load_exceptions", load_exceptions)
    expected = home.open_exceptions(sqlite_engine, date.today())  # the warm-up's work, done
    home.announce(sqlite_engine, coming=False)
    at = AppTest.from_file(page, default_timeout=60).run()
    assert not at.exception
    shown = next(m.value for m in at.markdown if m.value.startswith("**Open exceptions:"))
    assert shown.startswith(f"**Open exceptions: {expected.height}**")
    home.clear_cache()

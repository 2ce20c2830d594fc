"""One projection, four planning views: finished stock covers one line, capacity makes another late,
and Capacity, Priority, MRP and Progress show the same late lines (issue 13, item 4).

Plan date Wednesday 2026-03-04 (its week W0 starts Monday 03-02). Default shift calendar: 2 × 7 h,
Monday–Saturday, so 14 h a day. One machine M1; P1 has one operation on M1 at 36 s a piece. M1 ran on
02-20 for 480 planned minutes without downtime making 800 pieces (800 × 36 s = 28,800 s = 480 min):
availability 1, performance 1, efficiency 1 → 100 pieces an hour.

Finished stock of P1: 500 received (finished_in), nothing shipped → 500.
Open lines, in the projection's sequence (earliest promised date first):
  O-OLD  CA (A)  100  promised Mon 03-02 — overdue. Stock gives 100 → nothing to make, but the
                       promised date has passed: status late (finish today 03-04, 2 days late).
  O-A    CA (A)  400  promised Thu 03-05. Stock gives the remaining 400 → on track, finish 03-04.
  O-B    CC (C) 4400  promised Fri 03-06. No stock left → 4,400 to make = 44 h on M1:
                       Wed 14 h, Thu 28 h, Fri 42 h, Sat 56 h ≥ 44 → finish Sat 03-07, 1 day late:
                       projected late, although the week's load is only 44 / 56 h = 78.6 %
                       (the hours come too late in the week, not too few in it).
Capacity: M1 in W0 needs 44 h (O-B only: the stock lines need no machine), 56 h available from Wed.
MRP: P1 takes 0.01 kg of MAT a piece (no loss), consumed at its only operation → gross 4,400 × 0.01
  = 44 kg needed on 03-04 (promised − 2 days, in W0); 30 kg on hand → projected −14 → order 14 kg,
  lead time 3 days → release 03-01, before today: a shortage. (Without the projection's stock
  netting the gross would be 4,900 × 0.01 = 49 kg.)
Priority (default weights): O-OLD 0.4 + 0.3 + 0.1 = 0.8; O-A 0.4 × 55/56 + 0.3 + 0.1 = 0.792857;
  O-B 0.4 × 54/56 + 0 + 0.1 = 0.485714 → ranks O-OLD, O-A, O-B.
Late lines on every view: O-OLD (late) and O-B (projected late); O-A on track.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.planning.capacity import machine_load
from dashboard.planning.mrp import mrp_table
from dashboard.planning.priority import priority_list
from dashboard.planning.progress import line_progress
from dashboard.planning.projection import project
from dashboard.planning.schedule import ShiftCalendar
from data_access.db import write_transaction
from dashboard.facts import load_planning_frames
from data_access.store import insert_rows, new_batch
from tests.test_planning import CUSTOMERS, frames_of, machine, order, routing

PAGES = Path(__file__).resolve().parents[1] / "pages"
TODAY = date(2026, 3, 4)
W0 = date(2026, 3, 2)
EXPECTED = {("O-OLD", 1): "late", ("O-A", 1): "on_track", ("O-B", 1): "projected_late"}
LATE = {("O-OLD", 1): "late", ("O-B", 1): "projected_late"}


def _order(no, customer, qty, promised):
    return {"order_no": no, "line_no": 1, "customer_code": customer, "product_code": "P1", "order_date": date(2026, 2, 1),
            "qty": qty, "unit_price": 2.0, "promised_date": promised}


CASE = {
    "lines": [{"line_code": "L1", "name": "Injection", "process": "injection"}],
    "machines": [{"machine_code": "M1", "line_code": "L1", "name": "M1", "active": True}],
    "products": [{"product_code": "P1", "name": "P1", "unit": "pcs", "standard_cost": 1.0, "stage": "market"}],
    "customers": [{"customer_code": "CA", "name": "Alpha", "abc_class": "A"},
                  {"customer_code": "CC", "name": "Gamma", "abc_class": "C"}],
    "materials": [{"material_code": "MAT", "name": "Resin", "unit": "kg", "standard_price": 1.0, "lead_time_days": 3,
                   "safety_stock": 0.0}],
    "routings": [{"product_code": "P1", "seq": 10, "machine_code": "M1", "ideal_cycle_s": 36.0, "labour_s": 36.0}],
    "bom": [{"product_code": "P1", "material_code": "MAT", "qty_per_unit": 0.01, "loss_rate": 0.0}],
    "orders": [_order("O-OLD", "CA", 100, date(2026, 3, 2)), _order("O-A", "CA", 400, date(2026, 3, 5)),
               _order("O-B", "CC", 4400, date(2026, 3, 6))],
    "production": [{"date": date(2026, 2, 20), "shift": "A", "machine_code": "M1", "product_code": "P1",
                    "planned_min": 480.0, "downtime_min": 0.0, "planned_qty": 800, "total_qty": 800, "good_qty": 800,
                    "defect_qty": 0, "scrap_qty": 0}],
    "material_moves": [{"date": date(2026, 2, 20), "item_code": "P1", "move": "finished_in", "qty": 500.0, "ref": "FG-1"},
                       {"date": date(2026, 2, 25), "item_code": "MAT", "move": "receipt", "qty": 30.0, "ref": "PO-1"}],
}


def _load(engine) -> None:
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "lines", "test", "seed")
        for kind, rows in CASE.items():
            insert_rows(conn, kind, rows, batch)


def _statuses(frame: pl.DataFrame) -> dict[tuple[str, int], str]:
    return {(r["order_no"], r["line_no"]): r["status"] for r in frame.iter_rows(named=True)}


def test_stock_covers_one_line_capacity_makes_another_late_on_all_four_views(engine):
    """The hand-computed case of the module docstring, on SQLite and PostgreSQL, through every view's
    data function."""
    _load(engine)
    frames = load_planning_frames(engine)
    projection = project(frames, TODAY)
    lines = {(r["order_no"], r["line_no"]): r for r in projection.lines.iter_rows(named=True)}
    assert _statuses(projection.lines) == EXPECTED
    assert projection.counts() == {"late": 1, "projected_late": 1, "open": 3}
    assert (lines[("O-OLD", 1)]["from_stock"], lines[("O-A", 1)]["from_stock"], lines[("O-B", 1)]["from_stock"]) == (100, 400, 0)
    assert lines[("O-B", 1)]["to_make"] == 4400 and lines[("O-B", 1)]["required_h"] == pytest.approx(44.0)
    assert lines[("O-B", 1)]["projected_finish"] == date(2026, 3, 7) and lines[("O-B", 1)]["lateness_days"] == 1
    assert lines[("O-A", 1)]["projected_finish"] == TODAY and lines[("O-OLD", 1)]["lateness_days"] == 2

    # Capacity: only O-B's hours, 44 of the 56 left this week → no bottleneck
    w0 = machine_load(frames, TODAY, projection=projection).filter(pl.col("week") == W0).row(0, named=True)
    assert (w0["required_h"], w0["available_h"]) == pytest.approx((44.0, 56.0))
    assert not w0["bottleneck"]

    # Priority: the ranking by score; the late flags are the projection's
    ranked = priority_list(frames, TODAY, projection=projection)
    assert ranked.get_column("order_no").to_list() == ["O-OLD", "O-A", "O-B"]
    assert ranked.get_column("score").to_list() == pytest.approx([0.8, 0.792857, 0.485714], abs=1e-6)
    assert _statuses(ranked.filter(pl.col("late"))) == LATE

    # MRP: material only for what is still to make
    mat = mrp_table(frames, TODAY, projection=projection).filter(pl.col("material_code") == "MAT").row(0, named=True)
    assert mat["gross_requirement"] == pytest.approx(44.0)
    assert mat["net_requirement"] == pytest.approx(14.0)
    assert (mat["need_date"], mat["release_date"], mat["shortage"]) == (TODAY, date(2026, 3, 1), True)

    # Progress: late first, then projected late, then on track; coverage is the stock
    progress = line_progress(frames, TODAY, projection=projection)
    assert [(r["order_no"], r["status"]) for r in progress.iter_rows(named=True)] == [
        ("O-OLD", "late"), ("O-B", "projected_late"), ("O-A", "on_track")]
    assert progress.get_column("covered_qty").to_list() == [100, 0, 400]

    # every view computed on its own (no shared projection passed) gives the same late lines
    assert _statuses(priority_list(frames, TODAY).filter(pl.col("late"))) == LATE
    assert _statuses(line_progress(frames, TODAY).filter(pl.col("status") != "on_track")) == LATE


def test_a_longer_calendar_makes_the_line_on_time_everywhere():
    """O-B alone, efficiency 1: at 2 shifts (14 h a day) 44 h end on Sat 03-07, a day late; with 3 shifts
    a day (21 h) Wed 21, Thu 42, Fri 63 ≥ 44 → finish Fri 03-06, on time."""
    frames = frames_of({"customers": CUSTOMERS, "machines": [machine("M1")], "routings": [routing("P1", 10, "M1", 36.0)],
                        "orders": [order("O-B", 1, "CC", "P1", 4400, date(2026, 3, 6))]})
    two = project(frames, TODAY, efficiency_default=1.0)
    three = project(frames, TODAY, ShiftCalendar(shifts_per_day=3), efficiency_default=1.0)
    assert two.lines.row(0, named=True)["projected_finish"] == date(2026, 3, 7)
    assert three.lines.row(0, named=True)["projected_finish"] == date(2026, 3, 6)
    assert three.counts()["projected_late"] == 0 and two.counts()["projected_late"] == 1


def test_alternative_machines_take_the_one_that_finishes_first():
    """P2's operation 10 runs on M1 (36 s) or on M2 (72 s); efficiency 1, 14 h a day from Wed 03-04.
    X 1,400 pcs: M1 14 h → Wed, M2 28 h → Thu: M1. Y 1,400: M1 is full on Wed → Thu; M2 28 h → Thu:
    tie, the lower ideal cycle wins: M1. Z 700: M1 7 h on Fri; M2 14 h on Wed: M2 (finish 03-04).
    A product with one machine per operation keeps it (the other tests of the planning engine)."""
    frames = frames_of({
        "customers": CUSTOMERS, "machines": [machine("M1"), machine("M2")],
        "routings": [routing("P2", 10, "M1", 36.0), routing("P2", 10, "M2", 72.0)],
        "orders": [order("X", 1, "CA", "P2", 1400, date(2026, 3, 13)), order("Y", 1, "CA", "P2", 1400, date(2026, 3, 13)),
                   order("Z", 1, "CA", "P2", 700, date(2026, 3, 13))]})
    projection = project(frames, TODAY, efficiency_default=1.0)
    ops = {r["order_no"]: r for r in projection.operations.iter_rows(named=True)}
    assert {k: (v["machine_code"], v["finish"]) for k, v in ops.items()} == {
        "X": ("M1", date(2026, 3, 4)), "Y": ("M1", date(2026, 3, 5)), "Z": ("M2", date(2026, 3, 4))}
    assert ops["Z"]["hours"] == pytest.approx(14.0)
    assert projection.lines.get_column("n_steps").to_list() == [1, 1, 1]  # alternatives are one operation
    load = machine_load(frames, TODAY, projection=projection, efficiency_default=1.0)
    w1 = {r["machine_code"]: r["required_h"] for r in load.filter(pl.col("week") == date(2026, 3, 9)).iter_rows(named=True)}
    assert w1 == pytest.approx({"M1": 28.0, "M2": 14.0})  # needed 03-11, in W1, on the machine the projection chose


def test_wip_between_operations_needs_only_the_later_operations():
    """P3: operation 10 on M1 (36 s), 20 on M2 (36 s). History: M1 made 300 good, M2 took 100 of them
    → 200 wait for operation 20 (wip_qty). Q orders 500: WIP gives 200, so M1 makes 300 and
    M2 500; material consumed at operation 10 is needed for 300 pieces only."""
    fact = [{"date": date(2026, 2, 20), "machine": "M1", "product": "P3", "planned_min": 480, "downtime_min": 0,
             "total_qty": 300, "good_qty": 300, "ideal_cycle_s": 36.0},
            {"date": date(2026, 2, 21), "machine": "M2", "product": "P3", "planned_min": 480, "downtime_min": 0,
             "total_qty": 100, "good_qty": 100, "ideal_cycle_s": 36.0}]
    frames = frames_of({
        "customers": CUSTOMERS, "machines": [machine("M1"), machine("M2")],
        "routings": [routing("P3", 10, "M1", 36.0), routing("P3", 20, "M2", 36.0)],
        "materials": [{"material_code": "MAT", "name": "Resin", "unit": "kg", "standard_price": 1.0, "lead_time_days": 0,
                       "safety_stock": 0.0}],
        "bom": [{"product_code": "P3", "material_code": "MAT", "qty_per_unit": 1.0, "loss_rate": 0.0}],
        "orders": [order("Q", 1, "CA", "P3", 500, date(2026, 3, 20))]}, fact=fact)
    projection = project(frames, TODAY)
    line = projection.lines.row(0, named=True)
    assert (line["from_stock"], line["from_wip"], line["to_make"]) == (0, 200, 500)
    assert {r["seq"]: r["qty"] for r in projection.operations.iter_rows(named=True)} == {10: 300, 20: 500}
    mat = mrp_table(frames, TODAY, projection=projection).filter(pl.col("gross_requirement") > 0).row(0, named=True)
    assert mat["gross_requirement"] == pytest.approx(300.0) and mat["need_date"] == date(2026, 3, 16)


# --- the four pages --------------------------------------------------------------------------------------
@pytest.fixture
def case_db(sqlite_engine, monkeypatch):
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    _load(sqlite_engine)
    return sqlite_engine


def _page(name: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=60)
    at.session_state["lang"] = "en"
    at.session_state["planning_as_of"] = TODAY
    at.run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, [m.label for m in at.metric]
    return values[0]


@pytest.mark.parametrize("page", ["planning_capacity.py", "planning_priority.py", "planning_mrp.py", "planning_progress.py"])
def test_every_planning_page_shows_the_same_late_lines(case_db, page):
    at = _page(page)
    assert _metric(at, "Late lines (promised date passed)") == "1"
    assert _metric(at, "Projected late (finish after promised date)") == "1"
    late = at.main.dataframe[-1].value  # the list of late lines at the foot of the page
    assert at.main.subheader[-1].value == "Late and projected-late lines (2)"
    assert list(zip(late["Order no."], late["Status"])) == [("O-OLD", "late"), ("O-B", "projected late")]
    assert list(late["Still to make"]) == [0, 4400]
    assert str(late["Projected finish"].iloc[1])[:10] == "2026-03-07"


def test_page_tables_agree_with_the_projection(case_db):
    capacity = _page("planning_capacity.py").dataframe[0].value
    m1_w0 = capacity[capacity["Week"] == "2026-W10 (03-02)"].iloc[0]
    assert (m1_w0["Required h"], m1_w0["Available h"], m1_w0["Load %"]) == pytest.approx((44.0, 56.0, 78.6))
    priority = _page("planning_priority.py").dataframe[0].value.set_index("Order no.")
    assert list(priority.index) == ["O-OLD", "O-A", "O-B"]
    assert list(priority["Status"]) == ["late", "on track", "projected late"]
    assert list(priority["From stock"]) == [100, 400, 0]
    assert str(priority.loc["O-B", "Expected finish"])[:10] == "2026-03-07"
    mrp = _page("planning_mrp.py")
    detail = mrp.dataframe[1].value
    assert detail.iloc[0]["Gross requirement"] == pytest.approx(44.0)
    assert mrp.dataframe[0].value.iloc[0]["Quantity to order"] == pytest.approx(14.0)
    progress = _page("planning_progress.py").dataframe[0].value
    assert list(zip(progress["Order no."], progress["Status"])) == [
        ("O-OLD", "late"), ("O-B", "projected late"), ("O-A", "on track")]
    assert list(progress["Covered by stock"]) == [100, 0, 400]


def test_the_shift_calendar_is_shared_by_the_planning_pages(case_db):
    """Three shifts set on Capacity (21 h a day) make O-B on time there and on the next page opened in
    the same session, since the calendar inputs keep their values across the planning pages."""
    at = _page("planning_capacity.py")
    at.number_input[0].set_value(3).run()
    assert _metric(at, "Projected late (finish after promised date)") == "0"
    at.switch_page(str(PAGES / "planning_progress.py")).run()
    assert not at.exception
    assert _metric(at, "Projected late (finish after promised date)") == "0"
    assert at.number_input[0].value == 3

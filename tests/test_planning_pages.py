"""AppTest of the four planning pages against a small known database (SQLite): the numbers on
screen equal the planning engine's and the hand-computed ones; an empty database explains itself.

Plan date Wednesday 2026-03-04 (week W0 from Monday 03-02, W1 from 03-09). The plant: machines M1
and M2 on line L1; P1 runs on M1 (36 s), P2 on M1 (36 s) then M2 (72 s). M1 ran on 02-20 with
availability 400/480 and performance 0.75, so its efficiency is 0.625; M2 has no history (0.85).
"""
from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.planning.capacity import machine_load
from dashboard.planning.mrp import mrp_table
from dashboard.planning.priority import priority_list
from dashboard.planning.progress import line_progress
from dashboard.ui.planning_charts import planned_orders_xlsx
from dashboard.planning.mrp import planned_orders
from data_access.db import write_transaction
from dashboard.facts import load_planning_frames
from data_access.store import insert_rows, new_batch

PAGES = Path(__file__).resolve().parents[1] / "pages"
APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
TODAY = date(2026, 3, 4)


def _order(no, customer, product, qty, promised):
    return {"order_no": no, "line_no": 1, "customer_code": customer, "product_code": product, "order_date": date(2026, 2, 1),
            "qty": qty, "unit_price": 2.0, "promised_date": promised}


PLANT = {
    "lines": [{"line_code": "L1", "name": "Injection 注塑", "process": "injection"}],
    "machines": [{"machine_code": "M1", "line_code": "L1", "name": "M1", "active": True},
                 {"machine_code": "M2", "line_code": "L1", "name": "M2", "active": True}],
    "products": [{"product_code": p, "name": p, "unit": "pcs", "standard_cost": 1.0, "stage": "market"} for p in ("P1", "P2")],
    "customers": [{"customer_code": "CA", "name": "Alpha", "abc_class": "A"},
                  {"customer_code": "CC", "name": "Gamma", "abc_class": "C"}],
    "suppliers": [{"supplier_code": "S1", "name": "Resin Co"}],
    "materials": [{"material_code": "MAT", "name": "=HYPERLINK(\"x\")", "unit": "kg", "standard_price": 1.0,
                   "lead_time_days": 10, "safety_stock": 100.0}],
    "routings": [{"product_code": "P1", "seq": 10, "machine_code": "M1", "ideal_cycle_s": 36.0, "labour_s": 36.0},
                 {"product_code": "P2", "seq": 10, "machine_code": "M1", "ideal_cycle_s": 36.0, "labour_s": 36.0},
                 {"product_code": "P2", "seq": 20, "machine_code": "M2", "ideal_cycle_s": 72.0, "labour_s": 72.0}],
    "bom": [{"product_code": "P1", "material_code": "MAT", "qty_per_unit": 2.0, "loss_rate": 0.05}],
    "orders": [_order("O1", "CA", "P1", 1000, date(2026, 3, 13)),   # 200 shipped; M1 step on 03-11 (W1)
               _order("O2", "CC", "P2", 500, date(2026, 3, 20)),    # M1 on 03-16, M2 on 03-18 (W2)
               _order("O3", "CA", "P1", 100, date(2026, 3, 2))],    # 2 days late → W0
    "shipments": [{"shipment_no": "DN1", "order_no": "O1", "line_no": 1, "ship_date": date(2026, 3, 1), "qty": 200}],
    "production": [{"date": date(2026, 2, 20), "shift": "A", "machine_code": "M1", "product_code": "P1", "planned_min": 480.0,
                    "downtime_min": 80.0, "planned_qty": 500, "total_qty": 500, "good_qty": 490, "defect_qty": 0,
                    "scrap_qty": 10}],
    "maintenance": [{"machine_code": "M1", "start": datetime(2026, 3, 10, 8), "end": datetime(2026, 3, 10, 14),
                     "type": "preventive", "cost": 100.0}],
    "stocktake": [{"date": date(2026, 2, 27), "item_code": "MAT", "counted_qty": 500.0}],
    "material_moves": [{"date": date(2026, 3, 2), "item_code": "MAT", "move": "issue", "qty": 80.0, "ref": "WO-1"},
                       {"date": date(2026, 3, 3), "item_code": "MAT", "move": "return", "qty": 10.0, "ref": "WO-1"}],
}


@pytest.fixture
def page_db(sqlite_engine, monkeypatch):
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    return sqlite_engine


@pytest.fixture
def plant_db(page_db):
    with write_transaction(page_db) as conn:
        batch = new_batch(conn, "lines", "test", "seed")
        for kind, rows in PLANT.items():
            insert_rows(conn, kind, rows, batch)
    return page_db


def metric(at: AppTest, label: str) -> str:
    """The value of the metric with this label (the late-line metrics come first on every planning page)."""
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, [m.label for m in at.metric]
    return values[0]


def run_page(name: str, lang: str = "en", today: date | None = TODAY) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=60)
    at.session_state["lang"] = lang
    if today:
        at.session_state["planning_as_of"] = today
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", ["planning_capacity.py", "planning_priority.py", "planning_mrp.py", "planning_progress.py"])
def test_empty_database_explains(page_db, page):
    at = run_page(page, today=None)
    assert any("no open order lines" in i.value for i in at.info)
    assert not at.dataframe


def test_capacity_page_shows_engine_numbers(plant_db):
    at = run_page("planning_capacity.py")
    shown = at.dataframe[0].value
    engine = machine_load(load_planning_frames(plant_db), TODAY)
    assert len(shown) == engine.height == 16  # 2 machines × 8 weeks
    m1_w1 = shown[(shown["Machine"] == "M1") & (shown["Week"] == "2026-W11 (03-09)")].iloc[0]
    # 800 × 36 s / 3600 / 0.625 = 12.8 h against 84 − 6 h maintenance = 78 h → 16.4 %
    assert m1_w1["Required h"] == pytest.approx(12.8)
    assert m1_w1["Available h"] == pytest.approx(78.0)
    assert m1_w1["Load %"] == pytest.approx(16.4)
    assert m1_w1["Efficiency (A × P)"] == pytest.approx(0.625)
    expected = engine.filter((pl.col("machine_code") == "M1") & (pl.col("week") == date(2026, 3, 9))).row(0, named=True)
    assert m1_w1["Load %"] == pytest.approx(round(expected["load"] * 100, 1))
    m2_w2 = shown[(shown["Machine"] == "M2") & (shown["Week"] == "2026-W12 (03-16)")].iloc[0]
    assert m2_w2["Required h"] == pytest.approx(round(500 * 72 / 3600 / 0.85, 1))
    assert metric(at, "Overloaded machine-weeks") == "0"
    # the shift calendar is the planner's: one 7 h shift, 5 days → M2 needs 11.8 h of 35 h
    at.number_input[0].set_value(1).run()
    at.number_input[2].set_value(5).run()
    shown = at.dataframe[0].value
    m2_w2 = shown[(shown["Machine"] == "M2") & (shown["Week"] == "2026-W12 (03-16)")].iloc[0]
    assert m2_w2["Available h"] == pytest.approx(35.0)
    # lines view: L1 in W1 sums both machines
    at.radio[0].set_value("line").run()
    lines = at.dataframe[0].value
    l1_w1 = lines[lines["Week"] == "2026-W11 (03-09)"].iloc[0]
    assert l1_w1["Available h"] == pytest.approx(35 - 6 + 35)

    # manpower beside it (labour_s = the cycles here): L1 needs 100 × 36 s = 1 h in W0, 800 × 36 s = 8 h in
    # W1, 500 × (36 + 72) s = 15 h in W2; the plant has no attendance, so nobody is scheduled: 3 line-weeks short
    staff = at.dataframe[1].value
    need = dict(zip(staff["Week"], staff["Required h"]))
    assert need["2026-W10 (03-02)"] == pytest.approx(1.0) and need["2026-W11 (03-09)"] == pytest.approx(8.0)
    assert need["2026-W12 (03-16)"] == pytest.approx(15.0)
    assert (staff["Available h"] == 0).all()
    assert metric(at, "Understaffed line-weeks") == "3"


def test_capacity_page_in_chinese_through_the_app_frame(plant_db):
    # the language is set by the app frame (dashboard/app.py), so open the page through it
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["lang"] = "zh"
    at.session_state["planning_as_of"] = TODAY
    at.run()
    at.switch_page(str(PAGES / "planning_capacity.py")).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "产能负荷"
    assert "负荷 %" in at.dataframe[0].value.columns


def test_priority_page_ranking_and_weights(plant_db):
    at = run_page("planning_priority.py")
    shown = at.dataframe[0].value
    engine = priority_list(load_planning_frames(plant_db), TODAY)
    assert list(shown["Order no."]) == engine.get_column("order_no").to_list() == ["O3", "O1", "O2"]
    # O1: due 0.4 × (56 − 9)/56 = 0.336, class A 0.3, 1 of 2 operations 0.05 → 0.686
    o1 = shown[shown["Order no."] == "O1"].iloc[0]
    assert (o1["Due pts"], o1["Class pts"], o1["Operations pts"], o1["Score"]) == pytest.approx((0.336, 0.3, 0.05, 0.686))
    assert metric(at, "Open order lines") == "3"
    # only the number of operations counts: O2 (two steps) first, the P1 lines tie → earlier promised date first
    for slider, value in zip(at.slider, (0.0, 0.0, 0.0, 1.0)):
        slider.set_value(value)
    at.run()
    assert list(at.dataframe[0].value["Order no."]) == ["O2", "O3", "O1"]


def test_priority_page_flags_lateness(plant_db):
    at = run_page("planning_priority.py")
    o3 = at.dataframe[0].value.set_index("Order no.").loc["O3"]
    # O3 (promised 03-02) is worked first from 03-04: 1.6 h fit that day → 2 days late
    assert str(o3["Expected finish"])[:10] == "2026-03-04"
    assert o3["Expected lateness (days)"] == 2 and o3["Late at current load"] == "yes"
    assert metric(at, "Late lines (promised date passed)") == "1"
    assert metric(at, "Projected late (finish after promised date)") == "0"


def test_mrp_page_netting_and_export(plant_db):
    at = run_page("planning_mrp.py")
    detail = at.dataframe[1].value
    engine = mrp_table(load_planning_frames(plant_db), TODAY)
    w = detail[detail["Material"] == "MAT"].reset_index()
    assert len(w) == 8
    # on hand 500 − 80 + 10 = 430; W0 O3 100 × 2.1 = 210 → 220; W1 O1 800 × 2.1 = 1680 → −1460 → order 1560
    assert list(w["Gross requirement"][:2]) == pytest.approx([210, 1680])
    assert list(w["Projected on hand"][:2]) == pytest.approx([220, -1460])
    assert list(w["Net requirement"][:2]) == pytest.approx([0, 1560])
    assert list(w["Net requirement"]) == pytest.approx(engine.get_column("net_requirement").to_list())
    orders = at.dataframe[0].value.iloc[0]
    assert orders["Quantity to order"] == pytest.approx(1560)
    assert str(orders["Order release date"])[:10] == "2026-03-01" and orders["Shortage"] == "yes"
    assert metric(at, "Shortages (release date already past)") == "1"
    assert at.get("download_button")


def test_mrp_export_neutralises_formulas(plant_db):
    frames = load_planning_frames(plant_db)
    data = planned_orders_xlsx(planned_orders(mrp_table(frames, TODAY), frames))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]]))
    assert row["Name"] == "'=HYPERLINK(\"x\")" and sheet.cell(2, header.index("Name") + 1).data_type == "s"
    assert row["Quantity to order"] == pytest.approx(1560) and row["Order release date"] == "2026-03-01"


def test_progress_page_behind_first(plant_db):
    # the warehouse booked P1's 490 good pieces into finished stock and the 200 shipped out of it
    with write_transaction(plant_db) as conn:
        insert_rows(conn, "material_moves", [
            {"date": date(2026, 2, 20), "item_code": "P1", "move": "finished_in", "qty": 490.0, "ref": "FG-1"},
            {"date": date(2026, 3, 1), "item_code": "P1", "move": "sales_out", "qty": 200.0, "ref": "DN1"}],
            new_batch(conn, "material_moves", "test", "fg"))
    at = run_page("planning_progress.py")
    shown = at.dataframe[0].value
    engine = line_progress(load_planning_frames(plant_db), TODAY)
    assert list(shown["Order no."]) == engine.get_column("order_no").to_list() == ["O3", "O1", "O2"]
    assert list(shown["Status"]) == ["late", "on track", "on track"]
    # P1 finished stock 490 − 200 shipped = 290: O3 (earlier promise) 100, O1 190
    assert list(shown["Covered by stock"][:2]) == [100, 190]
    assert shown.iloc[1]["Still to produce"] == 610
    weekly = at.dataframe[1].value.set_index("Week")
    assert weekly.loc["2026-W08 (02-16)", "Good output"] == 490
    assert weekly.loc["2026-W11 (03-09)", "Production needed"] == 1000


def test_planning_frames_on_both_databases(engine):
    """dashboard.facts.load_planning_frames reads the same frames from SQLite and PostgreSQL: the hand-computed
    load, ranking, MRP net requirement and quantity still to produce come out on each."""
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "lines", "test", "seed")
        for kind, rows in PLANT.items():
            insert_rows(conn, kind, rows, batch)
    frames = load_planning_frames(engine)
    m1_w1 = machine_load(frames, TODAY).filter((pl.col("machine_code") == "M1") & (pl.col("week") == date(2026, 3, 9)))
    assert m1_w1.row(0, named=True)["required_h"] == pytest.approx(12.8)
    assert m1_w1.row(0, named=True)["available_h"] == pytest.approx(78.0)
    assert priority_list(frames, TODAY).get_column("order_no").to_list() == ["O3", "O1", "O2"]
    assert mrp_table(frames, TODAY).get_column("net_requirement").to_list()[:2] == pytest.approx([0, 1560])
    # no finished stock is booked in this plant: O3 and O1 are still to produce in full
    assert line_progress(frames, TODAY).get_column("gap_qty").to_list()[:2] == [100, 800]

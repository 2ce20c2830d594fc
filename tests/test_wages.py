"""Wages (issue 16, docs/kpis.md "Wages"): pay computed by hand, then through the pay fact, the pay
sheet, the KPIs and `plantkpi payroll` (XLSX read back), on SQLite and PostgreSQL.

March 2026 (31 days):
- E-1, piece worker, ¥20/h. Piece rate of P-1001 operation 10: ¥0.10 from 2026-01-01, ¥0.12 from
  2026-03-16 (a new row: the rise mid-month). Tickets on INJ-01: 1,000 good on 03-10 (¥100) and 1,000 on
  03-20 (¥120): piece pay ¥220. Attendance 03-10: 10 h with 2 h overtime: premium 2 × 20 × 0.5 = ¥20 (piece
  workers are not paid by the hour). Total ¥240.
- E-2, hourly, ¥30/h: 03-11 worked 10 h incl. 2 h overtime: 10 × 30 = ¥300 + 2 × 30 × 0.5 = ¥30 — the
  same as 8 h at ¥30 plus 2 h at ¥45 (150 %). Total ¥330.
- E-3, salary ¥6,000, hired 03-17: employed 15 of 31 days: 6,000 × 15 / 31 = ¥2,903.23.
- E-4, salesperson of C-001, salary ¥5,000 and 1 % commission: C-001 bought 5,000 × ¥10 = ¥50,000 in
  March: ¥500. Total ¥5,500.
Pay sheet: 240 + 330 + 2,903.23 + 5,500 = ¥8,973.23; production (E-1, E-2) ¥570 against ¥600 of labour
costs booked: difference −¥30.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.commands.payroll import month_pay_sheet
from dashboard.kpi import Filters, compute_one
from data_access.db import write_transaction
from dashboard.facts import load_facts
from data_access.store import finish_batch, insert_rows, new_batch
from tests.support.examples import example_row, example_rows

MARCH = Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
TOTALS = {"E-1": 240.0, "E-2": 330.0, "E-3": 2903.23, "E-4": 5500.0}


def person(code, department, basis, rate, hired="2020-01-01", salary=None, commission=None):
    return {**example_row("employees"), "employee_code": code, "name": f"Name {code}", "department": department,
            "pay_basis": basis, "hourly_rate": rate, "hire_date": date.fromisoformat(hired), "leave_date": None,
            "monthly_salary": salary, "commission_rate": commission}


def attendance(code, day, worked, overtime):
    return {"date": day, "employee_code": code, "scheduled_h": 8.0, "worked_h": worked, "overtime_h": overtime,
            "absence": "none"}


@pytest.fixture
def march(engine):
    rows = example_rows()
    base_ticket = {"shift": "A", "machine_code": "INJ-01", "product_code": "P-1001", "scrap_qty": 0, "hours": 8.0}
    order, ship = example_row("orders"), example_row("shipments")
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "lines", "test", "cli")
        for name in ("lines", "machines", "products", "routings"):
            insert_rows(conn, name, rows[name], batch)
        insert_rows(conn, "employees", [person("E-1", "production", "piece", 20.0),
                                        person("E-2", "production", "hourly", 30.0),
                                        person("E-3", "finance", "salary", 35.0, hired="2026-03-17", salary=6000.0),
                                        person("E-4", "sales", "salary", 30.0, salary=5000.0, commission=0.01)], batch)
        insert_rows(conn, "customers", [{**example_row("customers"), "salesperson_code": "E-4"}], batch)
        insert_rows(conn, "wage_rates", [
            {"product_code": "P-1001", "seq": 10, "piece_rate": 0.10, "valid_from": date(2026, 1, 1)},
            {"product_code": "P-1001", "seq": 10, "piece_rate": 0.12, "valid_from": date(2026, 3, 16)}], batch)
        insert_rows(conn, "work_tickets", [
            {**base_ticket, "date": date(2026, 3, 10), "employee_code": "E-1", "good_qty": 1000},
            {**base_ticket, "date": date(2026, 3, 20), "employee_code": "E-1", "good_qty": 1000}], batch)
        insert_rows(conn, "attendance", [attendance("E-1", date(2026, 3, 10), 10.0, 2.0),
                                         attendance("E-2", date(2026, 3, 11), 10.0, 2.0)], batch)
        insert_rows(conn, "orders", [{**order, "qty": 5000, "unit_price": 10.0, "order_date": date(2026, 3, 1),
                                      "promised_date": date(2026, 3, 20), "requested_date": None}], batch)
        insert_rows(conn, "shipments", [{**ship, "ship_date": date(2026, 3, 15), "qty": 5000}], batch)
        insert_rows(conn, "costs", [{"month": "2026-03", "department": "production", "category": "labour",
                                     "amount": 600.0}], batch)
        finish_batch(conn, batch, 1)
    return engine


def test_pay_sheet_lines_and_totals(march):
    sheet = month_pay_sheet(march, "2026-03")
    lines = {r["employee"]: r for r in sheet.employees.iter_rows(named=True)}
    assert {e: r["total"] for e, r in lines.items()} == pytest.approx(TOTALS)
    assert lines["E-1"]["piece_pay"] == pytest.approx(220) and lines["E-1"]["overtime_premium"] == pytest.approx(20)
    assert lines["E-1"]["hourly_pay"] == 0 and lines["E-1"]["pieces"] == 2000
    assert (lines["E-2"]["hourly_pay"], lines["E-2"]["overtime_premium"]) == pytest.approx((300, 30))
    assert lines["E-4"]["commission"] == pytest.approx(500)
    assert sheet.total == pytest.approx(sum(TOTALS.values()))  # the sheet total is the sum of its lines
    pieces = {(r["rate"], r["pieces"], r["piece_pay"]) for r in sheet.piece_work.iter_rows(named=True)}
    assert pieces == {(0.10, 1000, 100.0), (0.12, 1000, 120.0)}  # one line per rate: the rise shows
    production = sheet.departments.filter(department="production").row(0, named=True)
    assert (production["total"], production["labour_cost"], production["difference"]) == pytest.approx((570, 600, -30))


def test_payroll_kpis_agree_with_the_sheet(march):
    values = compute_one(["payroll_total", "piece_pay", "hourly_pay", "overtime_premium", "salary", "commission"],
                         load_facts(march), MARCH, today=date(2026, 6, 1))
    assert values == pytest.approx({"payroll_total": 8973.23, "piece_pay": 220, "hourly_pay": 300,
                                    "overtime_premium": 50, "salary": 2903.23 + 5000, "commission": 500})


def test_payroll_command_writes_typed_numbers_in_chinese(march, tmp_path):
    out = tmp_path / "工资.xlsx"
    env = dict(os.environ, PLANTKPI_DATABASE_URL=march.url.render_as_string(hide_password=False))
    done = subprocess.run([sys.executable, "-m", "dashboard.cli", "payroll", "--month", "2026-03", "--lang", "zh",
                           "--out", str(out)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(io.BytesIO(out.read_bytes())).worksheets[0]
    header = [c.value for c in sheet[3]]
    assert header[0] == "工号" and header[-1] == "合计"
    totals = {row[0].value: row[-1].value for row in sheet.iter_rows(min_row=4) if row[0].value}
    assert totals == pytest.approx(TOTALS)
    assert {row[3].value for row in sheet.iter_rows(min_row=4)} == {"计件", "计时", "月薪"}  # words, not codes
    bad = subprocess.run([sys.executable, "-m", "dashboard.cli", "payroll", "--month", "2026-13", "--out",
                          str(tmp_path / "x.xlsx")], env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "2026-13" in bad.stderr and not (tmp_path / "x.xlsx").exists()


def test_pay_reads_the_tickets_by_column_and_keeps_no_whole_ticket_frame(march):
    """Memory (15.2): the pay fact reads only the work-ticket columns it uses (kind_frames' held reads,
    taken once), so the whole work_tickets frame is not kept beside the fact (large demo: 164 MB); the
    fact is the same as one built from the whole kinds in memory, its piece pay as computed by hand."""
    from dashboard.facts import FrameFacts, load_manpower_frames
    from dashboard.kpi.facts import FACTS
    from data_access.loaders import load_kinds

    facts = load_facts(march)
    pay = facts["pay"]
    assert "work_tickets" not in facts.cache.keys("kinds")
    piece = pay.filter(pl.col("piece_pay") > 0).sort("date")
    assert piece.select("employee", "pieces", "rate", "piece_pay").rows() == [
        ("E-1", 1000.0, 0.10, pytest.approx(1000 * 0.10)), ("E-1", 1000.0, 0.12, pytest.approx(1000 * 0.12))]
    whole = load_kinds(FACTS["pay"].inputs + FACTS["sales"].inputs + FACTS["order_shipments"].inputs
                       + FACTS["order_lines"].inputs, march)
    fresh = FrameFacts(whole)["pay"]
    key = ["date", "employee", "basis", "product", "hours"]
    assert_frame_equal(pay.sort(key), fresh.sort(key))
    # the capacity page's manpower load still gets the whole kind, read on its own
    tickets = load_manpower_frames(march)["work_tickets"]
    assert {"shift", "scrap_qty"} <= set(tickets.columns) and tickets["good_qty"].sum() == 2000

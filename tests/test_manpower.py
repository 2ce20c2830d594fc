"""Manpower load (人力负荷, issue 17 item 2), hand-computed for one week.

Today Wednesday 2026-03-04 (week W0 from 03-02, W1 from 03-09). Line INJ (machine M1) and FIN (M2).
P1: seq 10 on M1, 36 s labour; seq 20 on M2, 18 s labour. P2: seq 10 on M1, 72 s labour.
Orders: 100 × P1 and 200 × P2, promised Friday 03-13 (need dates 03-09 and 03-11: week W1).
Required labour in W1: INJ 100 × 36 + 200 × 72 = 18,000 s = 5 h; FIN 100 × 18 = 1,800 s = 0.5 h.
Three production employees: E1 and E2 on INJ (their tickets), E3 on FIN. Their usual schedule over
the last 28 days: E1 8 h on 20 days (160 h → 40/7 h a day), E2 4 h on 20 days (80 h → 20/7), E3 as E1.
W1 (7 days): E1 40 h, E2 20 h → INJ 60 h, load 5/60; E3 entered Mon–Wed of W1 ahead, 3 × 6 h = 18 h,
and the other 4 days take his usual 40/7 h: FIN 18 + 160/7 h. A quality inspector (E4) is not production staff and counts nowhere."""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from dashboard.planning.manpower import manpower_load
from dashboard.planning.projection import project
from tests.test_planning import CUSTOMERS, frames_of, machine, order

TODAY = date(2026, 3, 4)
W0, W1 = date(2026, 3, 2), date(2026, 3, 9)


def case():
    frames = frames_of({
        "customers": CUSTOMERS,
        "machines": [machine("M1", "INJ"), machine("M2", "FIN")],
        "routings": [{"product_code": "P1", "seq": 10, "machine_code": "M1", "ideal_cycle_s": 30.0, "labour_s": 36.0},
                     {"product_code": "P1", "seq": 20, "machine_code": "M2", "ideal_cycle_s": 10.0, "labour_s": 18.0},
                     {"product_code": "P2", "seq": 10, "machine_code": "M1", "ideal_cycle_s": 60.0, "labour_s": 72.0}],
        "orders": [order("O1", 1, "CA", "P1", 100, date(2026, 3, 13)), order("O2", 1, "CB", "P2", 200, date(2026, 3, 13))],
    })
    employees = pl.DataFrame({"employee": ["E1", "E2", "E3", "E4"],
                              "department": ["production", "production", "production", "quality"],
                              "hire_date": [date(2020, 1, 1)] * 4, "leave_date": [None] * 4},
                             schema_overrides={"employee": pl.Categorical, "leave_date": pl.Date})  # the fact's dtypes
    workdays = [TODAY - timedelta(days=d) for d in range(1, 29) if (TODAY - timedelta(days=d)).weekday() < 5]
    assert len(workdays) == 20
    rows = [(d, e, "production" if e != "E4" else "quality", h) for d in workdays
            for e, h in (("E1", 8.0), ("E2", 4.0), ("E3", 8.0), ("E4", 8.0))]
    rows += [(date(2026, 3, 9) + timedelta(days=i), "E3", "production", 6.0) for i in range(3)]  # entered ahead
    attendance = pl.DataFrame(rows, schema={"date": pl.Date, "employee": pl.Categorical, "department": pl.String,
                                            "scheduled_h": pl.Float64}, orient="row")
    tickets = pl.DataFrame({"date": [TODAY - timedelta(days=2)] * 4, "employee_code": ["E1", "E2", "E3", "E3"],
                            "machine_code": ["M1", "M1", "M2", "M1"], "hours": [8.0, 4.0, 6.0, 2.0]},
                           schema_overrides={"employee_code": pl.Categorical, "machine_code": pl.Categorical})  # the kind's
    projection = project(frames, TODAY)
    return projection, frames, attendance, employees, tickets


def test_one_week_by_line_hand_computed():
    projection, frames, attendance, employees, tickets = case()
    table = manpower_load(projection, frames["routings"], frames["machines"], attendance, employees, tickets, TODAY)
    w1 = {r["unit"]: r for r in table.filter(pl.col("week") == W1).iter_rows(named=True)}
    assert w1["INJ"]["required_h"] == pytest.approx(5.0)
    assert w1["INJ"]["available_h"] == pytest.approx(60.0) and w1["INJ"]["employees"] == 2
    assert w1["INJ"]["load"] == pytest.approx(5 / 60)
    assert w1["FIN"]["required_h"] == pytest.approx(0.5)
    assert w1["FIN"]["available_h"] == pytest.approx(18 + 160 / 7)  # 3 days entered ahead, 4 usual days
    assert w1["FIN"]["load"] == pytest.approx(0.5 / (18 + 160 / 7))
    # W0: nothing due; only Wed–Sun are left: E1 and E2 5 × 60/7 h
    w0 = {r["unit"]: r for r in table.filter(pl.col("week") == W0).iter_rows(named=True)}
    assert w0["INJ"]["required_h"] == 0 and w0["INJ"]["available_h"] == pytest.approx(5 * 60 / 7)
    assert not table.get_column("overloaded").any()


def test_department_row_and_overload():
    projection, frames, attendance, employees, tickets = case()
    dept = manpower_load(projection, frames["routings"], frames["machines"], attendance, employees, tickets, TODAY,
                         level="department")
    w1 = dept.filter(pl.col("week") == W1).row(0, named=True)
    assert w1["unit"] == "production" and w1["employees"] == 3  # E4 (quality) is not counted
    assert w1["required_h"] == pytest.approx(5.5) and w1["available_h"] == pytest.approx(60 + 18 + 160 / 7)
    # nobody scheduled at all: load is null, and required work is overloaded
    empty = attendance.clear()
    none = manpower_load(projection, frames["routings"], frames["machines"], empty, employees, tickets, TODAY,
                         level="department").filter(pl.col("week") == W1).row(0, named=True)
    assert none["available_h"] == 0 and none["load"] is None and none["overloaded"]

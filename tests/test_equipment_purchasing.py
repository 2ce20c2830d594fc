"""Equipment and purchasing (issue 17 items 4, 5): PM compliance, maintenance cost and hours, a machine's
history, the price trend per material, the incoming-reject Pareto per supplier, the supplier history,
the PM plan's columns in the database, the demo's PM plan and resin price rise; and the acceptance
test of issue 17: every field a clerk enters in hr_events, projects, maintenance and routings reaches
a page or a KPI (or is listed here with the reason it does not, yet)."""
from __future__ import annotations

import dataclasses
import pathlib
from datetime import date, datetime

import polars as pl
import pytest
import sqlalchemy as sa

from dashboard.kpi import Filters, compute
from dashboard.kpi.equipment import machine_history, pm_status
from dashboard.kpi.purchasing import price_trend, price_trend_filters, reject_pareto, supplier_history
from dashboard.facts import FrameFacts
from data_access.kinds import KINDS
from tests.support.examples import example_row

JAN = Filters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))


def _frames(**kinds: list[dict]) -> dict[str, pl.DataFrame]:
    machine = example_row("machines")  # INJ-01 on its line
    frames = {"machines": pl.DataFrame([machine])}
    for name, rows in kinds.items():
        frames[name] = pl.DataFrame(rows, infer_schema_length=None)
    return frames


def _pm(start, hours, planned, status="done", cost=300.0, kind="preventive", note="PM"):
    start = datetime.fromisoformat(start)
    return {"machine_code": "INJ-01", "start": start, "end": start + (datetime(2000, 1, 1, hours) - datetime(2000, 1, 1)),
            "type": kind, "cost": cost, "note": note, "status": status,
            "planned_date": date.fromisoformat(planned) if planned else None}


MAINTENANCE = [
    _pm("2026-01-04 07:00", 2, "2026-01-04"),                        # A on time (the planned day)
    _pm("2026-01-03 07:00", 3, "2026-01-04"),                        # B on time (a day early)
    _pm("2026-01-18 07:00", 4, "2026-01-11", cost=400.0),            # C late: 7 days
    _pm("2026-01-18 09:00", 3, "2026-01-18", "planned", cost=250.0),  # D still planned: missed by 25 Jan
    _pm("2026-01-31 07:00", 3, "2026-01-31", "planned", cost=0.0),   # E planned, not due on 25 Jan
    _pm("2026-01-12 10:00", 2, None, cost=500.0, kind="corrective", note="pump"),  # F a repair
    _pm("2026-01-20 07:00", 1, None, cost=200.0),                    # G PM outside the plan
]


def test_pm_compliance_cost_and_hours_by_hand():
    """Due in January as known on 25 Jan: A, B, C (done) and D (planned 18 Jan, not done) — E is not due.
    On time A, B -> 2 / 4 = 50 %; missed D, late C. Cost and hours of the work done: A 300 + B 300 +
    C 400 + F 500 + G 200 = 1,700 (D's estimate of 250 is not spent); hours 2 + 3 + 4 + 2 + 1 = 12."""
    facts = FrameFacts(_frames(maintenance=MAINTENANCE))
    row = compute(["pm_compliance", "pm_missed", "pm_late", "maintenance_cost", "maintenance_h", "repairs"], facts,
                  [], JAN, today=date(2026, 1, 25)).row(0, named=True)
    assert row == {"pm_compliance": 0.5, "pm_missed": 1.0, "pm_late": 1.0, "maintenance_cost": 1700.0,
                   "maintenance_h": 12.0, "repairs": 1.0}
    # as known on 17 Jan: C (done on the 18th) is not done yet, so missed; D is not due yet -> 2 / 3
    early = compute(["pm_compliance", "pm_missed", "pm_late"], facts, [], JAN, today=date(2026, 1, 17)).row(0)
    assert early == (pytest.approx(2 / 3), 1.0, 0.0)
    status = pm_status(facts["maintenance"], date(2026, 1, 25)).sort("planned_date", "start")
    assert status.filter(pl.col("late")).get_column("days_late").to_list() == [7]
    assert status.filter(pl.col("missed")).get_column("days_late").to_list() == [7]   # 25 − 18 Jan
    # by machine: the figures belong to INJ-01; a month without a plan has no compliance (not 0 %)
    feb = compute(["pm_compliance", "maintenance_cost"], facts, [], Filters(date_from=date(2026, 2, 1),
                  date_to=date(2026, 2, 28)), today=date(2026, 3, 1)).row(0)
    assert feb == (None, 0.0)


def test_machine_history_lists_stops_repairs_and_pm_with_their_status():
    downtime = [{"date": date(2026, 1, 12), "shift": "A", "machine_code": "INJ-01", "reason_code": "DT-X",
                 "minutes": 45.0, "start": None}]
    frames = _frames(maintenance=MAINTENANCE)
    frames["reasons"] = pl.DataFrame([example_row("reasons")])
    frames["downtime"] = pl.DataFrame([{**example_row("downtime"), **downtime[0]}])
    facts = FrameFacts(frames)
    history = machine_history(facts["downtime"], facts["maintenance"], "INJ-01", date(2026, 1, 1),
                              date(2026, 1, 31), date(2026, 1, 25))
    assert history.height == 8  # 1 stop, 1 repair, 5 planned PMs, 1 unplanned PM
    assert history.filter(pl.col("event") == "stop").get_column("minutes").to_list() == [45.0]
    assert history.filter(pl.col("event") == "repair").select("minutes", "cost").row(0) == (120.0, 500.0)
    pm = dict(history.filter(pl.col("event") == "pm").group_by("pm_status").len().iter_rows())
    assert pm == {"on_time": 2, "late": 1, "missed": 1, "planned": 1, "unplanned": 1}
    # a missed PM spent nothing; the history is newest first
    assert history.filter(pl.col("pm_status") == "missed").get_column("cost").to_list() == [None]
    assert history.get_column("date").is_sorted(descending=True)


def _po(po, line, material, day, qty, price):
    return {"po_no": po, "line_no": line, "supplier_code": "S-01", "material_code": material, "order_date": day,
            "qty": qty, "unit_price": price, "promised_date": day}


def test_price_trend_with_two_pos_in_a_month_is_weighted_by_quantity():
    """100 kg at 10.0 and 300 kg at 12.0 in January: the mean price is (1,000 + 3,600) / 400 = 11.50 (the plain
    mean of the two lines would be 11.00); against the standard 10.50 the index is 4,600 / 4,200 = 1.0952,
    and (11.50 − 10.50) × 400 = 400 is exactly the month's price variance. February: one line at 10.50."""
    material = {**example_row("materials"), "material_code": "M-R", "standard_price": 10.5}
    frames = _frames(purchase_orders=[_po("P1", 1, "M-R", date(2026, 1, 5), 100.0, 10.0),
                                      _po("P2", 1, "M-R", date(2026, 1, 20), 300.0, 12.0),
                                      _po("P3", 1, "M-R", date(2026, 2, 3), 50.0, 10.5)])
    frames["materials"] = pl.DataFrame([material])
    facts = FrameFacts(frames)
    trend = price_trend(facts, "M-R", "month", Filters(date_from=date(2026, 1, 1), date_to=date(2026, 2, 28)),
                        today=date(2026, 3, 1))
    assert trend.get_column("po_unit_price").to_list() == [pytest.approx(11.5), pytest.approx(10.5)]
    assert trend.get_column("purchase_price_index").to_list() == [pytest.approx(4600 / 4200), pytest.approx(1.0)]
    assert trend.get_column("standard_price").to_list() == [10.5, 10.5]
    ppv = compute(["purchase_price_variance"], facts, [], JAN, today=date(2026, 3, 1)).item()
    assert ppv == pytest.approx((11.5 - 10.5) * 400)


def test_price_trend_spans_the_twelve_months_ending_with_the_period():
    """A November week asks for the price trend: it covers December 2025 to November 2026, month by month
    (a week's view would show the two or three POs of those days), other filters kept."""
    week = Filters(date_from=date(2026, 11, 16), date_to=date(2026, 11, 22), supplier=("S-01",))
    year = price_trend_filters(week)
    assert (year.date_from, year.date_to, year.supplier) == (date(2025, 12, 1), date(2026, 11, 30), ("S-01",))
    facts = FrameFacts({**_frames(purchase_orders=[_po("P1", 1, "M-R", date(2025, 11, 28), 10.0, 9.0),
                                                   _po("P2", 1, "M-R", date(2025, 12, 2), 10.0, 10.0),
                                                   _po("P3", 1, "M-R", date(2026, 7, 9), 10.0, 12.0)]),
                        "materials": pl.DataFrame([{**example_row("materials"), "material_code": "M-R"}])})
    trend = price_trend(facts, "M-R", "month", price_trend_filters(Filters(date_from=date(2026, 11, 16),
                                                                          date_to=date(2026, 11, 22))),
                        today=date(2026, 12, 1))
    assert trend.get_column("po_unit_price").drop_nulls().to_list() == [pytest.approx(10.0), pytest.approx(12.0)]


def _lot(no, supplier, reason, rejected, day=date(2026, 1, 10), stage="incoming"):
    return {"date": day, "stage": stage, "lot_no": no, "item_code": "M-R", "supplier_code": supplier,
            "machine_code": None, "inspected_qty": 500, "passed_first_qty": 500 - rejected, "rejected_qty": rejected,
            "reason_code": reason, "disposition": "return"}


def test_incoming_reject_pareto_per_supplier_by_reason():
    """S-01: moisture 30 + 20 = 50, dimension 10 -> 83.3 %, then 100 %; S-02: colour 100 comes first (its 100
    rejected beat S-01's 60). An in-process reject and a lot outside the period are not counted."""
    reasons = [{**example_row("reasons"), "reason_code": c} for c in ("DF-MOIST", "DF-DIM", "DF-COLOR")]
    frames = _frames(inspections=[_lot("L1", "S-01", "DF-MOIST", 30), _lot("L2", "S-01", "DF-DIM", 10),
                                  _lot("L3", "S-01", "DF-MOIST", 20), _lot("L4", "S-02", "DF-COLOR", 100),
                                  _lot("L5", "S-01", "DF-DIM", 70, stage="in_process"),
                                  _lot("L6", "S-01", "DF-DIM", 90, day=date(2026, 2, 2))])
    frames["reasons"] = pl.DataFrame(reasons)
    frames["products"] = pl.DataFrame([example_row("products")])
    pareto = reject_pareto(FrameFacts(frames)["inspections"], JAN)
    assert pareto.select("supplier", "reason", "rejected").rows() == [
        ("S-02", "DF-COLOR", 100.0), ("S-01", "DF-MOIST", 50.0), ("S-01", "DF-DIM", 10.0)]
    assert pareto.get_column("cum_share").to_list() == [1.0, pytest.approx(50 / 60), 1.0]
    assert reject_pareto(FrameFacts(frames)["inspections"], JAN.replace(supplier=("S-01",))).height == 2


def test_planned_maintenance_without_its_date_is_refused_by_the_database(engine):
    """Migration 0011_pm_plan adds the columns and the two CHECK constraints (status choices; a planned
    row has its planned date) on SQLite and PostgreSQL."""
    from data_access.db import write_transaction
    from data_access.store import insert_rows, new_batch

    with write_transaction(engine) as conn:
        batch = new_batch(conn, "machines", "test", "seed")
        insert_rows(conn, "lines", [example_row("lines")], batch)
        insert_rows(conn, "machines", [example_row("machines")], batch)
        insert_rows(conn, "maintenance", [_pm("2026-01-04 07:00", 2, "2026-01-04", "planned")], batch)
    for bad in ({**_pm("2026-01-05 07:00", 2, None, "planned")}, {**_pm("2026-01-06 07:00", 2, None, "bogus")}):
        with pytest.raises(sa.exc.IntegrityError):
            with write_transaction(engine) as conn:
                insert_rows(conn, "maintenance", [bad], new_batch(conn, "maintenance", "test", "seed"))
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT status, planned_date FROM maintenance")).all()
    assert [(s, str(d)[:10]) for s, d in stored] == [("planned", "2026-01-04")]


def test_demo_pm_plan_and_resin_price_rise_are_plausible():
    """The demo (seed/maintenance_plan.py): PM compliance between 80 % and 97 % with some missed and late
    PMs; maintenance cost ¥20–45k a month and the same as the month's maintenance costs; the resins
    cost at least 5 % more after the rise than in the months before it."""
    from seed.demo import generate
    from seed.maintenance_plan import RESINS, rise_from

    today = date(2026, 12, 1)
    frames = generate("small", today=today)
    facts = FrameFacts(frames)
    whole = Filters(date_from=date(2025, 7, 1), date_to=date(2026, 11, 30))
    row = compute(["pm_compliance", "pm_missed", "pm_late"], facts, [], whole, today=today).row(0)
    assert 0.8 <= row[0] <= 0.97 and row[1] >= 3 and row[2] >= 3
    by_month = compute(["maintenance_cost"], facts, ["month"], whole, today=today, labels=False)
    assert by_month.get_column("maintenance_cost").is_between(20_000, 45_000).all()
    booked = (frames["costs"].filter(pl.col("category") == "maintenance").group_by("month").agg(pl.col("amount").sum())
              .select(month=(pl.col("month") + "-01").str.to_date(), booked="amount"))
    tied = by_month.join(booked, on="month")
    assert tied.height == by_month.height and (tied["maintenance_cost"] - tied["booked"]).abs().max() < 0.5
    rise = rise_from(today)
    index = compute(["purchase_price_index"], facts, [], Filters(date_from=rise.replace(month=rise.month + 1),
                    date_to=date(2026, 11, 30), material=RESINS), today=today).item()
    before = compute(["purchase_price_index"], facts, [], Filters(date_from=date(2026, 1, 1), date_to=date(2026, 6, 30),
                     material=RESINS), today=today).item()
    assert index / before >= 1.05  # the seasonal swing is high in the first half


# --- the acceptance test of issue 17 --------------------------------------------------------------

# Where a clerk's field can reach the user: the KPI engine and analyses, planning, the pages and their UI
# pieces, the report, the CLI commands, the facts and the planning projection's reads.
READERS = ("dashboard/kpi", "dashboard/planning", "dashboard/ui", "dashboard/reports", "dashboard/exceptions.py",
           "dashboard/commands", "dashboard/facts.py", "pages", "data_access/planning_data.py")
KINDS_ASKED = ("hr_events", "projects", "maintenance", "routings")
# Fields no page or KPI reads, each with the reason; the list must be exactly the fields found unread.
UNREAD_JUSTIFIED: dict[tuple[str, str], str] = {}


def _unread_fields() -> set[tuple[str, str]]:
    """A field counts as read when a reader that names its kind (or the fact built from it, or takes its
    frame as a parameter) names the field too, as a quoted column name."""
    root = pathlib.Path(__file__).resolve().parents[1]
    files = []
    for reader in READERS:
        path = root / reader
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    unread = set()
    for kind in KINDS_ASKED:
        # a reader names the kind as a quoted name or as a parameter taking the kind's frame
        naming = [s for s in texts if f'"{kind}"' in s or f"{kind}: pl.DataFrame" in s]
        for field in KINDS[kind].field_names:
            if not any(f'"{field}"' in s for s in naming):
                unread.add((kind, field))
    return unread


def test_every_field_a_clerk_enters_reaches_a_page_or_a_kpi():
    assert _unread_fields() == set(UNREAD_JUSTIFIED)


def test_the_unread_field_check_finds_a_field_nobody_reads(monkeypatch):
    """The check can fail: a field added to maintenance and named nowhere is found unread."""
    from data_access.kinds.base import Field

    kind = KINDS["maintenance"]
    monkeypatch.setitem(KINDS, "maintenance", dataclasses.replace(
        kind, fields=kind.fields + (Field("technician_shoe_size", "int", "x", "x"),), _by_name={}))
    assert ("maintenance", "technician_shoe_size") in _unread_fields()

"""Planning engine (dashboard.planning): hand-computed capacity load, priority ranking, MRP netting
and progress ordering. Today is Wednesday 2026-03-04 throughout (its week starts Monday 03-02)."""
from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from dashboard.planning.capacity import line_load, machine_load
from dashboard.planning.mrp import mrp_table, on_hand, planned_orders
from dashboard.planning.priority import PriorityWeights, priority_list
from dashboard.planning.progress import line_progress, weekly_progress
from dashboard.planning.schedule import ShiftCalendar
from data_access.loaders import schema_of
from data_access.planning_data import PLANNING_KINDS

TODAY = date(2026, 3, 4)
W0, W1, W2, W3 = date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23)

FACT_SCHEMA = {"date": pl.Date, "machine": pl.Categorical, "product": pl.Categorical, "planned_min": pl.Float64,
               "downtime_min": pl.Float64, "total_qty": pl.Int64, "good_qty": pl.Int64, "ideal_cycle_s": pl.Float64}


def frames_of(rows: dict[str, list[dict]], fact: list[dict] | None = None) -> dict[str, pl.DataFrame]:
    """Frames shaped like dashboard.facts.load_planning_frames, from plain rows."""
    out = {}
    for kind in PLANNING_KINDS:
        schema = {k: v for k, v in schema_of(kind).items() if k not in ("id", "batch_id")}
        data = [{k: r.get(k) for k in schema} for r in rows.get(kind, [])]
        out[kind] = pl.DataFrame(data, schema=schema, orient="row") if data else pl.DataFrame(schema=schema)
    out["production_fact"] = pl.DataFrame(fact or [], schema=FACT_SCHEMA, orient="row") if fact else pl.DataFrame(schema=FACT_SCHEMA)
    return out


def order(no, line, customer, product, qty, promised, order_date=date(2026, 2, 1)):
    return {"order_no": no, "line_no": line, "customer_code": customer, "product_code": product, "qty": qty,
            "unit_price": 1.0, "order_date": order_date, "promised_date": promised}


def shipment(no, line, qty, day=date(2026, 3, 1)):
    return {"shipment_no": f"DN-{no}-{line}-{day}", "order_no": no, "line_no": line, "ship_date": day, "qty": qty}


def routing(product, seq, machine, cycle):
    return {"product_code": product, "seq": seq, "machine_code": machine, "ideal_cycle_s": cycle, "labour_s": cycle}


def machine(code, line="L1", active=True):
    return {"machine_code": code, "line_code": line, "name": code, "active": active}


CUSTOMERS = [{"customer_code": "CA", "name": "A", "abc_class": "A"}, {"customer_code": "CB", "name": "B", "abc_class": "B"},
             {"customer_code": "CC", "name": "C", "abc_class": "C"}]


# --- capacity load ------------------------------------------------------------------------------------
def load_case() -> dict[str, pl.DataFrame]:
    """One machine M1 (line L1), product P1 with one step of 36 s on M1.

    Recent history (within 4 weeks): planned 480 min, downtime 80 → availability 400/480; 500 pcs
    × 36 s = 18,000 s in 24,000 operating s → performance 0.75; efficiency 0.625. A row older
    than 4 weeks (all downtime) must not count."""
    return frames_of({
        "customers": CUSTOMERS,
        "machines": [machine("M1")],
        "routings": [routing("P1", 10, "M1", 36.0)],
        "orders": [order("O1", 1, "CA", "P1", 1000, date(2026, 3, 13)),   # step on 03-11 → week W1
                   order("O2", 1, "CB", "P1", 500, date(2026, 3, 20)),    # step on 03-18 → week W2
                   order("O3", 1, "CC", "P1", 100, date(2026, 2, 20)),    # overdue → current week W0
                   order("O4", 1, "CC", "P1", 300, date(2026, 3, 13))],   # fully shipped: not open
        "shipments": [shipment("O1", 1, 200), shipment("O4", 1, 300)],
        "maintenance": [
            {"machine_code": "M1", "start": datetime(2026, 3, 10, 8), "end": datetime(2026, 3, 10, 14),
             "type": "preventive", "cost": 0.0},  # Tuesday of W1: 6 h
            {"machine_code": "M1", "start": datetime(2026, 3, 15, 8), "end": datetime(2026, 3, 15, 16),
             "type": "preventive", "cost": 0.0},  # Sunday: a day off, costs no capacity
            {"machine_code": "M1", "start": datetime(2026, 3, 17, 8), "end": datetime(2026, 3, 17, 12),
             "type": "corrective", "cost": 0.0},  # not planned: does not reduce capacity
        ],
    }, fact=[
        {"date": date(2026, 2, 20), "machine": "M1", "product": "P1", "planned_min": 480, "downtime_min": 80,
         "total_qty": 500, "good_qty": 490, "ideal_cycle_s": 36.0},
        {"date": date(2026, 1, 20), "machine": "M1", "product": "P1", "planned_min": 480, "downtime_min": 480,
         "total_qty": 0, "good_qty": 0, "ideal_cycle_s": 36.0},
    ])


def test_load_hours_and_percent_hand_computed():
    table = machine_load(load_case(), TODAY)
    assert table.height == 8 and table.get_column("week").to_list()[0] == W0
    rows = {r["week"]: r for r in table.iter_rows(named=True)}
    assert rows[W0]["efficiency"] == pytest.approx(0.625)
    # W0: O3 overdue, 100 × 36 s / 3600 / 0.625 = 1.6 h; only Wed–Sat are left: 4 days × 14 h = 56 h
    assert rows[W0]["required_h"] == pytest.approx(1.6)
    assert rows[W0]["available_h"] == pytest.approx(56.0)
    assert rows[W0]["load"] == pytest.approx(1.6 / 56)
    # W1: O1 remaining 800 → 8 h ideal / 0.625 = 12.8 h; 84 h − 6 h maintenance = 78 h
    assert rows[W1]["required_h"] == pytest.approx(12.8)
    assert rows[W1]["maintenance_h"] == pytest.approx(6.0)
    assert rows[W1]["available_h"] == pytest.approx(78.0)
    assert rows[W1]["load"] == pytest.approx(12.8 / 78)
    # W2: O2 500 → 5 h / 0.625 = 8 h; Sunday and corrective maintenance cost nothing
    assert rows[W2]["required_h"] == pytest.approx(8.0)
    assert rows[W2]["available_h"] == pytest.approx(84.0)
    assert rows[W3]["required_h"] == 0 and rows[W3]["load"] == 0
    assert not table.get_column("bottleneck").any()
    assert table.filter(pl.col("busiest")).get_column("week").to_list() == [W0, W1, W2]


def test_default_efficiency_without_history_and_overload_with_a_small_calendar():
    frames = load_case()
    frames["production_fact"] = frames["production_fact"].clear()
    small = ShiftCalendar(shifts_per_day=1, hours_per_shift=2, days_per_week=5)  # 10 h a week
    table = machine_load(frames, TODAY, calendar=small)
    w1 = table.filter(pl.col("week") == W1).row(0, named=True)
    assert w1["efficiency"] == pytest.approx(0.85)
    assert w1["required_h"] == pytest.approx(8.0 / 0.85)
    # the 6 h maintenance on Tuesday takes only that day's 2 h: 10 − 2 = 8 h
    assert w1["available_h"] == pytest.approx(8.0)
    assert w1["load"] == pytest.approx(8.0 / 0.85 / 8.0)
    assert w1["bottleneck"] and w1["busiest"]
    lines = line_load(table)
    assert lines.filter(pl.col("week") == W1).row(0, named=True)["load"] == pytest.approx(w1["load"])


def test_two_machines_line_sum_and_inactive_machine():
    frames = load_case()
    frames["machines"] = pl.concat([frames["machines"], frames_of({"machines": [machine("M2"), machine("M9", active=False)]})["machines"]])
    frames["routings"] = pl.concat([frames["routings"], frames_of({"routings": [routing("P1", 20, "M2", 72.0)]})["routings"]])
    table = machine_load(frames, TODAY)
    assert "M9" not in table.get_column("machine_code").to_list()  # inactive and no work routed there
    # O1 now has 2 steps: M1 on 03-13 − 4 = 03-09 (W1), M2 on 03-11 (W1); M2 has no history → 0.85
    w1 = {r["machine_code"]: r for r in table.filter(pl.col("week") == W1).iter_rows(named=True)}
    assert w1["M2"]["required_h"] == pytest.approx(800 * 72 / 3600 / 0.85)
    assert w1["M2"]["busiest"] and not w1["M1"]["busiest"]
    # The history holds 490 good pieces of step 1 on M1 that no step 2 took yet: WIP waiting for M2.
    # In sequence O3 (overdue) takes 100 of it, O1 the other 390, so M1 still makes 800 − 390 = 410 for O1
    line = line_load(table).filter(pl.col("week") == W1).row(0, named=True)
    assert w1["M1"]["required_h"] == pytest.approx(410 * 36 / 3600 / 0.625)
    assert line["required_h"] == pytest.approx(6.56 + 16 / 0.85)
    assert line["available_h"] == pytest.approx(78 + 84)


# --- priority --------------------------------------------------------------------------------------
def priority_case() -> dict[str, pl.DataFrame]:
    return frames_of({
        "customers": CUSTOMERS,
        "machines": [machine("M1"), machine("M2")],
        "routings": [routing("P1", 10, "M1", 36.0), routing("P2", 10, "M1", 36.0), routing("P2", 20, "M2", 36.0)],
        "orders": [order("O-1", 1, "CA", "P1", 10, date(2026, 3, 18)),   # 14 days
                   order("O-2", 1, "CC", "P2", 10, date(2026, 3, 4)),    # due today
                   order("O-4", 2, "CB", "P1", 10, date(2026, 3, 11)),   # 7 days, tie with O-3/1 and O-4/1
                   order("O-4", 1, "CB", "P1", 10, date(2026, 3, 11)),
                   order("O-3", 1, "CB", "P1", 10, date(2026, 3, 11))],
    })


def test_ranking_components_and_ties():
    ranked = priority_list(priority_case(), TODAY)
    keys = [(r["order_no"], r["line_no"]) for r in ranked.iter_rows(named=True)]
    # scores: O-1 0.4×42/56 + 0.3 + 0.1×1/2 = 0.65; O-3, O-4 0.4×49/56 + 0.15 + 0.05 = 0.55; O-2 0.4 + 0 + 0.1 = 0.5
    assert keys == [("O-1", 1), ("O-3", 1), ("O-4", 1), ("O-4", 2), ("O-2", 1)]
    assert ranked.get_column("rank").to_list() == [1, 2, 3, 4, 5]
    assert ranked.get_column("score").to_list() == pytest.approx([0.65, 0.55, 0.55, 0.55, 0.5])
    first = ranked.row(0, named=True)
    assert (first["due_points"], first["customer_points"], first["bottleneck_points"], first["operations_points"]) == \
        pytest.approx((0.3, 0.3, 0.0, 0.05))
    last = ranked.row(4, named=True)
    assert (last["due_points"], last["customer_points"], last["operations_points"]) == pytest.approx((0.4, 0.0, 0.1))


def test_weight_change_reorders():
    ranked = priority_list(priority_case(), TODAY, PriorityWeights(due=1.0, customer=0.0, bottleneck=0.0, operations=0.0))
    keys = [(r["order_no"], r["line_no"]) for r in ranked.iter_rows(named=True)]
    assert keys == [("O-2", 1), ("O-3", 1), ("O-4", 1), ("O-4", 2), ("O-1", 1)]
    assert ranked.get_column("score").to_list() == pytest.approx([1.0, 0.875, 0.875, 0.875, 0.75])
    by_class = priority_list(priority_case(), TODAY, PriorityWeights(due=0.0, customer=1.0, bottleneck=0.0, operations=0.0))
    # A first; B ties broken by promised date, order_no, line_no; C last
    assert [r["order_no"] for r in by_class.iter_rows(named=True)] == ["O-1", "O-3", "O-4", "O-4", "O-2"]


def test_bottleneck_flag_and_points():
    frames = priority_case()
    frames["orders"] = frames["orders"].with_columns(
        qty=pl.when(pl.col("order_no") == "O-2").then(5000).otherwise(pl.col("qty")))
    # O-2 step 20 on M2 lands in the current week: 5000 × 36 s = 50 h / 0.85 = 58.8 h > 56 h left
    ranked = priority_list(frames, TODAY)
    o2 = ranked.filter(pl.col("order_no") == "O-2").row(0, named=True)
    # step 10 on M1 (02-28, also the current week) overloads M1 the same way
    assert o2["bottleneck_machines"] == "M1, M2"
    assert o2["bottleneck_points"] == pytest.approx(0.2)
    assert o2["score"] == pytest.approx(0.7) and o2["rank"] == 1
    o1 = ranked.filter(pl.col("order_no") == "O-1").row(0, named=True)
    assert o1["bottleneck_machines"] == "" and o1["bottleneck_points"] == 0


def test_forward_loading_lateness():
    frames = frames_of({
        "customers": CUSTOMERS, "machines": [machine("M1")], "routings": [routing("P1", 10, "M1", 36.0)],  # 100 pcs/h
        "orders": [order("A", 1, "CA", "P1", 1600, date(2026, 3, 5)),   # 16 h
                   order("B", 1, "CC", "P1", 1600, date(2026, 3, 6))],  # 16 h
    })
    calendar = ShiftCalendar(shifts_per_day=1, hours_per_shift=8, days_per_week=5)
    ranked = priority_list(frames, TODAY, calendar=calendar, efficiency_default=1.0)
    a, b = ranked.row(0, named=True), ranked.row(1, named=True)
    assert (a["order_no"], b["order_no"]) == ("A", "B")
    # Wed 8 h, Thu 16 h cumulative: A exactly fits by Thursday 03-05 = its promised date
    assert a["expected_finish"] == date(2026, 3, 5) and a["lateness_days"] == 0 and not a["late"]
    # B needs 32 h cumulative: Fri 24 h, weekend off, Monday 03-09 32 h → 3 days late
    assert b["expected_finish"] == date(2026, 3, 9) and b["lateness_days"] == 3 and b["late"]


# --- MRP -------------------------------------------------------------------------------------------
def mrp_case() -> dict[str, pl.DataFrame]:
    return frames_of({
        "customers": CUSTOMERS, "machines": [machine("M1")], "routings": [routing("P1", 10, "M1", 36.0)],
        "materials": [{"material_code": "MAT", "name": "Resin", "unit": "kg", "standard_price": 1.0, "lead_time_days": 10,
                       "safety_stock": 100.0},
                      {"material_code": "MAT2", "name": "=cmd()", "unit": "pcs", "standard_price": 1.0,
                       "lead_time_days": 3, "safety_stock": 0.0}],
        "bom": [{"product_code": "P1", "material_code": "MAT", "qty_per_unit": 2.0, "loss_rate": 0.05}],
        "orders": [order("O1", 1, "CA", "P1", 100, date(2026, 3, 20)),   # need 03-18 (W2): 210
                   order("O2", 1, "CA", "P1", 250, date(2026, 3, 13)),   # 50 shipped; need 03-11 (W1): 420
                   order("O3", 1, "CA", "P1", 50, date(2026, 4, 24)),    # need 04-22 (W7): 105
                   order("O4", 1, "CA", "P1", 50, date(2026, 5, 15))],   # after the horizon
        "shipments": [shipment("O2", 1, 50)],
        "stocktake": [{"date": date(2026, 2, 27), "item_code": "MAT", "counted_qty": 500.0}],
        "material_moves": [
            {"date": date(2026, 2, 26), "item_code": "MAT", "move": "receipt", "qty": 999.0, "ref": "x"},  # before the count
            {"date": date(2026, 3, 2), "item_code": "MAT", "move": "issue", "qty": 80.0, "ref": "a"},
            {"date": date(2026, 3, 3), "item_code": "MAT", "move": "return", "qty": 10.0, "ref": "b"},
            {"date": date(2026, 3, 5), "item_code": "MAT", "move": "issue", "qty": 1000.0, "ref": "c"},  # after today
            {"date": date(2026, 2, 1), "item_code": "MAT2", "move": "receipt", "qty": 300.0, "ref": "d"},
            {"date": date(2026, 2, 2), "item_code": "MAT2", "move": "issue", "qty": 50.0, "ref": "e"},
            {"date": date(2026, 2, 3), "item_code": "MAT2", "move": "adjust", "qty": -20.0, "ref": "f"},
            {"date": date(2026, 2, 4), "item_code": "MAT2", "move": "scrap_out", "qty": 5.0, "ref": "g"},
        ],
        "purchase_orders": [
            {"po_no": "PO1", "line_no": 1, "supplier_code": "S1", "material_code": "MAT", "order_date": date(2026, 2, 1),
             "qty": 300.0, "unit_price": 1.0, "promised_date": date(2026, 3, 16)},
            {"po_no": "PO2", "line_no": 1, "supplier_code": "S2", "material_code": "MAT", "order_date": date(2026, 2, 2),
             "qty": 400.0, "unit_price": 1.0, "promised_date": date(2026, 3, 9)}],
        "receipts": [{"po_no": "PO1", "line_no": 1, "receipt_date": date(2026, 3, 1), "qty": 100.0, "accepted_qty": 100.0},
                     {"po_no": "PO2", "line_no": 1, "receipt_date": date(2026, 3, 1), "qty": 400.0, "accepted_qty": 400.0}],
    })


def test_on_hand_from_stocktake_or_moves():
    stock = {r["material_code"]: r for r in on_hand(mrp_case(), TODAY).iter_rows(named=True)}
    assert stock["MAT"]["on_hand"] == pytest.approx(500 - 80 + 10) and stock["MAT"]["basis"] == "stocktake"
    assert stock["MAT2"]["on_hand"] == pytest.approx(300 - 50 - 20 - 5) and stock["MAT2"]["basis"] == "moves"


def test_mrp_netting_hand_computed_table():
    table = mrp_table(mrp_case(), TODAY).filter(pl.col("material_code") == "MAT")
    cols = ["gross_requirement", "scheduled_receipts", "projected_on_hand", "net_requirement", "ending_on_hand"]
    got = [tuple(round(r[c], 6) for c in cols) for r in table.iter_rows(named=True)]
    assert got == [
        (0, 0, 430, 0, 430),          # W0
        (420, 0, 10, 90, 100),        # W1: below safety stock 100
        (210, 200, 90, 10, 100),      # W2: open PO1 200 arrives
        (0, 0, 100, 0, 100), (0, 0, 100, 0, 100), (0, 0, 100, 0, 100), (0, 0, 100, 0, 100),
        (105, 0, -5, 105, 100),       # W7; O4 is after the horizon
    ]
    rows = table.iter_rows(named=True)
    w = list(rows)
    assert (w[1]["need_date"], w[1]["release_date"], w[1]["shortage"]) == (date(2026, 3, 11), date(2026, 3, 1), True)
    assert (w[2]["need_date"], w[2]["release_date"], w[2]["shortage"]) == (date(2026, 3, 16 + 2), date(2026, 3, 8), False)
    assert (w[7]["need_date"], w[7]["release_date"], w[7]["shortage"]) == (date(2026, 4, 22), date(2026, 4, 12), False)
    assert w[0]["release_date"] is None and not w[0]["shortage"]


def test_planned_orders_for_purchasing():
    frames = mrp_case()
    orders = planned_orders(mrp_table(frames, TODAY), frames)
    assert orders.get_column("quantity").to_list() == pytest.approx([90, 10, 105])
    assert orders.get_column("supplier_code").to_list() == ["S2"] * 3  # the latest PO's supplier
    assert orders.get_column("shortage").to_list() == [True, False, False]


def test_safety_stock_top_up_without_requirement():
    frames = mrp_case()
    frames["materials"] = frames["materials"].with_columns(safety_stock=pl.lit(500.0))
    first = mrp_table(frames, TODAY).filter(pl.col("material_code") == "MAT2").row(0, named=True)
    # on hand 225 < 500: top up in the current week, needed today, released 3 days ago → shortage
    assert first["net_requirement"] == pytest.approx(275)
    assert first["need_date"] == TODAY and first["release_date"] == date(2026, 3, 1) and first["shortage"]


# --- progress ----------------------------------------------------------------------------------------
def progress_case() -> dict[str, pl.DataFrame]:
    return frames_of({
        "customers": CUSTOMERS, "machines": [machine("M1")],
        "routings": [routing("P1", 10, "M1", 36.0), routing("P2", 10, "M1", 36.0)],
        "orders": [order("X", 1, "CA", "P1", 100, date(2026, 3, 2)),    # 2 days late, 40 shipped
                   order("V", 1, "CB", "P2", 30, date(2026, 2, 25)),    # 7 days late
                   order("Y", 1, "CA", "P1", 100, date(2026, 3, 5)),    # started 03-03, half covered
                   order("Y2", 1, "CC", "P2", 10, date(2026, 3, 5)),    # started, nothing covered
                   order("Z", 1, "CA", "P1", 100, date(2026, 3, 20)),   # starts 03-18
                   order("D", 1, "CA", "P1", 20, date(2026, 2, 27))],   # shipped complete: not listed
        "shipments": [shipment("X", 1, 40), shipment("D", 1, 20)],
        # finished goods of P1: 20 + 150 received, 20 (D) + 40 (X) shipped → 110 in stock
        "material_moves": [
            {"date": date(2026, 2, 20), "item_code": "P1", "move": "finished_in", "qty": 20.0, "ref": "FG-1"},
            {"date": date(2026, 2, 24), "item_code": "P1", "move": "finished_in", "qty": 150.0, "ref": "FG-2"},
            {"date": date(2026, 3, 1), "item_code": "P1", "move": "sales_out", "qty": 20.0, "ref": "DN-D"},
            {"date": date(2026, 3, 1), "item_code": "P1", "move": "sales_out", "qty": 40.0, "ref": "DN-X"}],
    }, fact=[{"date": date(2026, 2, 24), "machine": "M1", "product": "P1", "planned_min": 480, "downtime_min": 0,
              "total_qty": 150, "good_qty": 150, "ideal_cycle_s": 36.0},
             {"date": date(2026, 3, 3), "machine": "M1", "product": "P2", "planned_min": 480, "downtime_min": 0,
              "total_qty": 0, "good_qty": 0, "ideal_cycle_s": 36.0}])


def test_progress_lines_behind_first():
    table = line_progress(progress_case(), TODAY)
    assert [(r["order_no"], r["status"]) for r in table.iter_rows(named=True)] == [
        ("V", "late"), ("X", "late"), ("Y2", "behind"), ("Y", "behind"), ("Z", "on_track")]
    rows = {r["order_no"]: r for r in table.iter_rows(named=True)}
    # P1 finished stock 110, handed out in sequence (promised date first): X 60, Y 50, Z 0
    assert (rows["X"]["covered_qty"], rows["Y"]["covered_qty"], rows["Z"]["covered_qty"]) == (60, 50, 0)
    assert rows["Y"]["gap_qty"] == 50 and rows["X"]["days_late"] == 2 and rows["V"]["days_late"] == 7
    assert rows["X"]["shipped_share"] == pytest.approx(0.4)


def test_weekly_plan_vs_actual():
    weeks = weekly_progress(progress_case(), TODAY, weeks_back=1, weeks_ahead=3, products=["P1"])
    rows = {r["week"]: r for r in weeks.iter_rows(named=True)}
    assert list(rows) == [date(2026, 2, 23), W0, W1, W2]
    # due: D 20 (02-27) in W-1; X 100 (03-02) and Y 100 (03-05) in W0; Z 100 in W2
    assert [rows[w]["due_qty"] for w in rows] == [20, 200, 0, 100]
    assert rows[W0]["shipped_qty"] == 40
    # production starts (promised − 2 days): D 02-25, X 02-28 in W-1; Y 03-03 in W0; Z 03-18 in W2
    assert [rows[w]["needed_qty"] for w in rows] == [120, 100, 0, 100]
    assert [rows[w]["produced_qty"] for w in rows] == [150, 0, 0, 0]
    assert [rows[w]["cum_gap"] for w in rows] == [-30, 70, 70, 170]

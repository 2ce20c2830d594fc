"""Hand-computed cases for every KPI of the registry, on small fact frames (pure polars, fast)."""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from dashboard.kpi import (KPIS, MEASURES, Filters, compare, compute, compute_one, cost_structure, fold_pareto,
                           item_balances, lateness_distribution, material_loss_by_material, oee_losses,
                           overdue_backlog, pareto, previous_period, rty, same_period_last_year, scrap_pareto)

D = date(2026, 3, 2)
PROD_SCHEMA = {"date": pl.Date, "shift": pl.String, "machine": pl.String, "line": pl.String, "product": pl.String,
               "planned_min": pl.Float64, "downtime_min": pl.Float64, "planned_qty": pl.Int64, "total_qty": pl.Int64,
               "good_qty": pl.Int64, "defect_qty": pl.Int64, "scrap_qty": pl.Int64, "labour_h": pl.Float64,
               "ideal_cycle_s": pl.Float64, "standard_cost": pl.Float64, "seq": pl.Int64, "first_op": pl.Boolean,
               "last_op": pl.Boolean, "input_qty": pl.Float64}


def prod(*rows: dict) -> pl.DataFrame:
    base = {"date": D, "shift": "A", "machine": "M1", "line": "L1", "product": "P1", "planned_min": 0.0,
            "downtime_min": 0.0, "planned_qty": 0, "good_qty": 0, "defect_qty": 0, "scrap_qty": 0, "labour_h": None,
            "ideal_cycle_s": 1.0, "standard_cost": 1.0, "seq": 10, "first_op": True, "last_op": True,
            "input_qty": None}  # a one-operation routing unless a test says otherwise
    out = []
    for r in rows:
        row = {**base, **r}
        row["total_qty"] = row["good_qty"] + row["defect_qty"] + row["scrap_qty"]
        out.append(row)
    return pl.DataFrame(out, schema=PROD_SCHEMA)


def test_every_kpi_is_fully_declared():
    for k in KPIS.values():
        assert k.en and k.zh and k.formula_en and k.formula_zh, k.id
        assert k.direction in (1, -1) and k.measures
        assert all(m in MEASURES for m in k.measures), k.id
    spec_ids = {"total_qty", "good_qty", "defect_qty", "scrap_qty", "plan_attainment", "throughput_rate", "yield",
                "scrap_ratio", "rework_ratio", "availability", "performance", "quality_ratio", "oee", "mtbf", "mttr",
                "labour_productivity", "scrap_cost", "fpy", "incoming_pass_rate", "otd_line", "otd_order", "otd_qty",
                "otif", "supplier_otd", "purchase_price_variance", "csat", "satisfaction_mean", "nps", "complaints",
                "complaint_ppm", "complaint_days_to_close", "complaint_cost", "cost_per_unit", "material_loss",
                "attendance_rate", "turnover", "overtime_share"}
    assert spec_ids <= set(KPIS)


def test_production_sums_and_ratios_by_hand():
    facts = {"production": prod(
        {"planned_min": 400, "downtime_min": 40, "planned_qty": 1000, "good_qty": 800, "defect_qty": 50,
         "scrap_qty": 50, "labour_h": 16, "standard_cost": 2.0},
        {"machine": "M2", "planned_min": 200, "downtime_min": 20, "planned_qty": 500, "good_qty": 380,
         "defect_qty": 10, "scrap_qty": 10, "labour_h": 8, "standard_cost": 2.0})}
    v = compute_one(list(KPIS)[:16] + ["scrap_cost"], facts)
    assert (v["total_qty"], v["good_qty"], v["defect_qty"], v["scrap_qty"]) == (1300, 1180, 60, 60)
    assert v["plan_attainment"] == pytest.approx(1180 / 1500)
    assert v["yield"] == pytest.approx(1180 / 1300)
    assert v["scrap_ratio"] == pytest.approx(60 / 1300)
    assert v["rework_ratio"] == pytest.approx(60 / 1300)
    assert v["availability"] == pytest.approx(540 / 600)
    assert v["throughput_rate"] == pytest.approx(1300 / 9.0)  # 540 operating minutes = 9 h
    assert v["labour_productivity"] == pytest.approx(1180 / 24)
    assert v["scrap_cost"] == pytest.approx(120.0)
    assert v["performance"] == pytest.approx(1300 / (540 * 60))
    assert v["mtbf"] is None and v["mttr"] is None  # no downtime fact: not known, not 0


def test_two_product_oee_weights_pieces_by_ideal_cycle():
    """P1: 10 s/pc, P2: 1 s/pc, each on its own 100-minute shift without downtime.
    Fully productive time = 10×500 + 1×1000 = 6000 s of 12000 planned s -> OEE 0.5. Pooling piece
    counts instead (good 1500 of total 5000+ ...) gives another, wrong number."""
    facts = {"production": prod(
        {"product": "P1", "ideal_cycle_s": 10.0, "planned_min": 100, "good_qty": 500, "scrap_qty": 100},
        {"product": "P2", "machine": "M2", "ideal_cycle_s": 1.0, "planned_min": 100, "good_qty": 1000,
         "scrap_qty": 3000})}
    v = compute_one(["availability", "performance", "quality_ratio", "oee", "yield"], facts)
    assert v["oee"] == pytest.approx(6000 / 12000)
    assert v["availability"] * v["performance"] * v["quality_ratio"] == pytest.approx(v["oee"])
    # naive: availability × count-based performance? use count-pooled quality (yield) instead of time-weighted
    naive = v["availability"] * v["performance"] * v["yield"]
    assert v["yield"] == pytest.approx(1500 / 4600)
    assert abs(naive - v["oee"]) > 0.1


def test_zero_denominators_give_null_never_zero_or_nan():
    facts = {"production": prod({"planned_min": 0, "good_qty": 0}), "downtime": pl.DataFrame(
        schema={"date": pl.Date, "shift": pl.String, "machine": pl.String, "line": pl.String, "reason": pl.String,
                "category": pl.String, "minutes": pl.Float64})}
    v = compute_one(["yield", "oee", "availability", "performance", "mtbf", "mttr", "plan_attainment", "total_qty"],
                    facts)
    assert v["total_qty"] == 0
    for k in ("yield", "oee", "availability", "performance", "mtbf", "mttr", "plan_attainment"):
        assert v[k] is None, k


def test_month_is_its_days_pooled_not_the_mean_of_daily_ratios():
    facts = {"production": prod(
        {"date": D, "planned_min": 100, "good_qty": 10, "scrap_qty": 90},
        {"date": D + timedelta(1), "planned_min": 900, "good_qty": 900, "scrap_qty": 0})}
    monthly = compute(["yield", "oee"], facts, ["month"]).row(0, named=True)
    daily = compute(["yield"], facts, ["day"], with_measures=True)
    assert monthly["month"] == "2026-03"
    assert monthly["yield"] == pytest.approx(daily["good"].sum() / daily["total"].sum()) == pytest.approx(910 / 1000)
    assert monthly["yield"] != pytest.approx(daily["yield"].mean())
    assert monthly["oee"] == pytest.approx(910 / (1000 * 60))


def test_grain_labels_and_dimensions():
    facts = {"production": prod({"date": date(2026, 1, 5), "good_qty": 1}, {"date": date(2026, 5, 31), "good_qty": 2,
                                                                         "line": "L2"})}
    assert compute(["good_qty"], facts, ["week"])["week"].to_list() == ["2026-W02", "2026-W22"]
    assert compute(["good_qty"], facts, ["quarter"])["quarter"].to_list() == ["2026-Q1", "2026-Q2"]
    assert compute(["good_qty"], facts, ["year"]).rows() == [(2026, 3)]
    by_line = compute(["good_qty"], facts, ["line", "month"])
    assert by_line.rows() == [("L1", "2026-01", 1), ("L2", "2026-05", 2)]
    with pytest.raises(ValueError, match="unknown dimension 'colour'"):
        compute(["good_qty"], facts, ["colour"])


def test_not_applicable_dimension_or_filter_gives_null_not_plant_figure():
    surveys = pl.DataFrame({"date": [D, D], "customer": ["C1", "C2"], "abc_class": ["A", "B"], "score": [5, 1],
                            "nps": [None, None]}, schema_overrides={"nps": pl.Int64})
    facts = {"production": prod({"planned_min": 100, "good_qty": 50}), "surveys": surveys}
    by_line = compute(["oee", "csat"], facts, ["line"])
    assert by_line.rows() == [("L1", pytest.approx(50 / 6000), None)]
    by_customer = compute(["oee", "csat"], facts, ["customer"])
    assert by_customer.rows() == [("C1", None, 1.0), ("C2", None, 0.0)]
    assert compute_one(["oee", "csat"], facts, Filters(customer="C1")) == {"oee": None, "csat": 1.0}
    nothing = compute(["csat"], facts, ["month"], Filters(line="L1"))  # no fact can honour it: no rows
    assert nothing.columns == ["month", "csat"] and nothing.height == 0


def test_filters_are_applied_before_aggregation_and_nothing_leaks():
    facts = {"production": prod({"date": D, "line": "L1", "good_qty": 1, "planned_min": 1},
                                {"date": D, "line": "L2", "good_qty": 10, "planned_min": 1},
                                {"date": D - timedelta(1), "line": "L1", "good_qty": 100, "planned_min": 1})}
    assert compute_one(["good_qty"], facts, Filters(date_from=D, line="L1")) == {"good_qty": 1}
    assert compute_one(["good_qty"], facts, Filters(date_to=D - timedelta(1))) == {"good_qty": 100}
    assert compute_one(["good_qty"], facts, Filters(line=["L1", "L2"], date_from=D)) == {"good_qty": 11}


def _downtime(rows):
    return pl.DataFrame([{"date": D, "shift": "A", "machine": "M1", "line": "L1", **r} for r in rows],
                        schema={"date": pl.Date, "shift": pl.String, "machine": pl.String, "line": pl.String,
                                "reason": pl.String, "category": pl.String, "minutes": pl.Float64})


def test_mtbf_mttr_from_production_and_downtime():
    facts = {"production": prod({"planned_min": 480, "downtime_min": 60, "good_qty": 10}),
             "downtime": _downtime([{"reason": "R1", "category": "breakdown", "minutes": 40},
                                    {"reason": "R2", "category": "breakdown", "minutes": 10},
                                    {"reason": "R3", "category": "setup", "minutes": 10}])}
    v = compute_one(["mtbf", "mttr", "downtime_min"], facts)
    assert v["mtbf"] == pytest.approx(7.0 / 2)  # 420 operating minutes = 7 h over 2 breakdowns
    assert v["mttr"] == pytest.approx(25.0)
    assert v["downtime_min"] == 60
    assert compute(["mtbf"], facts, ["product"])["mtbf"].to_list() == [None]  # downtime has no product


def test_oee_losses_waterfall_adds_up():
    facts = {"production": prod({"planned_min": 420, "downtime_min": 47, "good_qty": 18848, "scrap_qty": 423}),
             "downtime": _downtime([{"reason": "R1", "category": "breakdown", "minutes": 30},
                                    {"reason": "R2", "category": "setup", "minutes": 10}])}
    losses = oee_losses(facts)
    minutes = {(r["step"], r["category"]): r["minutes"] for r in losses.iter_rows(named=True)}
    assert minutes[("availability_loss", "breakdown")] == 30
    assert minutes[("availability_loss", "Unassigned")] == pytest.approx(7)
    assert minutes[("operating_time", None)] == 373
    assert minutes[("quality_loss", "scrap")] == pytest.approx(423 / 60)
    assert minutes[("fully_productive_time", None)] == pytest.approx(18848 / 60)
    loss_total = losses.filter(pl.col("loss_group").is_not_null())["minutes"].sum()
    assert loss_total + minutes[("fully_productive_time", None)] == pytest.approx(420)
    assert losses.filter(step="fully_productive_time")["share"].item() == pytest.approx(0.7479, abs=5e-5)


def test_pareto_sorted_other_last_and_unassigned():
    table = pl.DataFrame({"category": ["a", "b", "c", "d", None], "value": [50.0, 30.0, 1.0, 1.0, 18.0]})
    p = fold_pareto(table, min_share=0.05)
    assert p["category"].to_list() == ["a", "b", "Unassigned", "Other"]
    assert p["value"].to_list() == [50, 30, 18, 2]
    assert p["cum_share"].to_list() == pytest.approx([0.5, 0.8, 0.98, 1.0])
    assert p["share"].sum() == pytest.approx(1.0)


def test_scrap_pareto_by_reason_shows_unexplained_scrap_as_unassigned():
    scrap = pl.DataFrame({"date": [D, D], "shift": ["A", "A"], "machine": ["M1", "M1"], "line": ["L1", "L1"],
                          "product": ["P1", "P1"], "reason": ["SHORT", "FLASH"], "qty": [30, 10],
                          "value": [30.0, 10.0]})
    facts = {"production": prod({"planned_min": 1, "good_qty": 10, "scrap_qty": 50}), "scrap": scrap}
    p = scrap_pareto(facts, "reason", min_share=0)
    assert p.select("category", "value").rows() == [("SHORT", 30), ("FLASH", 10), ("Unassigned", 10)]
    assert scrap_pareto(facts, "machine")["value"].to_list() == [50]
    with pytest.raises(ValueError):
        pareto("oee", facts, "machine")


def test_rty_is_the_product_of_step_yields_and_null_for_an_unmeasured_step():
    routings = pl.DataFrame({"product": ["P1", "P1", "P2"], "seq": [10, 20, 10], "machine": ["M1", "M2", "M1"]})
    facts = {"routings": routings, "production": prod({"machine": "M1", "good_qty": 9, "scrap_qty": 1},
                                                      {"machine": "M2", "seq": 20, "first_op": False,
                                                       "good_qty": 8, "defect_qty": 2})}
    out = rty(facts)
    assert out.filter(product="P1")["rty"].item() == pytest.approx(0.72)
    assert out.filter(product="P2")["rty"].item() is None  # P2 never produced on M1


# --- delivery ---------------------------------------------------------------------------------
def _orders(lines, shipments):
    order_lines = pl.DataFrame(
        [{"order_no": o, "line_no": n, "customer": c, "abc_class": "A", "product": "P1", "order_date": D,
          "promised_date": p, "qty": float(q), "unit_price": 1.0} for o, n, c, p, q in lines])
    ships = pl.DataFrame([{"order_no": o, "line_no": n, "customer": "C", "abc_class": "A", "product": "P1",
                           "date": d, "qty": float(q)} for o, n, d, q in shipments],
                         schema={"order_no": pl.String, "line_no": pl.Int64, "customer": pl.String,
                                 "abc_class": pl.String, "product": pl.String, "date": pl.Date, "qty": pl.Float64})
    return {"order_lines": order_lines, "order_shipments": ships}


def test_delivery_on_time_late_open_and_otif():
    p = date(2026, 3, 10)
    facts = _orders(
        lines=[("SO1", 1, "C1", p, 100),     # one early shipment of 120 -> on time, OTIF (over-shipment full)
               ("SO1", 2, "C1", p, 100),     # 60 on time + 40 two days late -> late, 60 on-time qty
               ("SO2", 1, "C2", p, 50),      # two shipments on time -> on time, not OTIF
               ("SO3", 1, "C2", p, 80),      # nothing shipped, due before today -> late
               ("SO4", 1, "C2", date(2026, 3, 30), 10)],  # not yet due, open -> not counted
        shipments=[("SO1", 1, date(2026, 3, 8), 120), ("SO1", 2, p, 60), ("SO1", 2, p + timedelta(2), 40),
                   ("SO2", 1, p - timedelta(3), 20), ("SO2", 1, p, 30)])
    today = date(2026, 3, 20)
    v = compute_one(["otd_line", "otd_order", "otd_qty", "otif"], facts, today=today)
    assert v["otd_line"] == pytest.approx(2 / 4)
    assert v["otd_order"] == pytest.approx(1 / 3)  # SO2 on time; SO1 has a late line; SO3 late; SO4 not due
    assert v["otd_qty"] == pytest.approx((100 + 60 + 50 + 0) / 330)
    assert v["otif"] == pytest.approx(1 / 4)
    # a tolerance of 2 days makes SO1/2 on time
    assert compute_one(["otd_line"], facts, today=today, tolerance_days=2)["otd_line"] == pytest.approx(3 / 4)
    # before the due date nothing is late yet; only complete lines count
    assert compute_one(["otd_line"], facts, today=date(2026, 3, 9))["otd_line"] == pytest.approx(1.0)
    dist = {r["bucket"]: r["lines"] for r in lateness_distribution(facts, today=today).iter_rows(named=True)}
    assert dist == {"early": 1, "0": 1, "1-3": 1, "4-7": 0, "8-14": 1, "15-30": 0, ">30": 0}
    backlog = overdue_backlog(facts, today=today)
    assert backlog.select("order_no", "open_qty", "days_overdue").rows() == [("SO3", 80.0, 10)]
    by_customer = compute(["otd_line"], facts, ["customer"], today=today)
    assert by_customer.rows() == [("C1", 0.5), ("C2", 0.5)]


def test_supplier_otd_and_purchase_price_variance():
    po = pl.DataFrame({"po_no": ["PO1", "PO2"], "line_no": [1, 1], "supplier": ["S1", "S2"], "material": ["M", "M"],
                       "date": [D, D], "promised_date": [D + timedelta(7)] * 2, "qty": [100.0, 100.0],
                       "unit_price": [11.0, 9.5], "standard_price": [10.0, 10.0]})
    receipts = pl.DataFrame({"po_no": ["PO1", "PO2"], "line_no": [1, 1], "date": [D + timedelta(7), D + timedelta(9)],
                             "qty": [100.0, 100.0], "accepted_qty": [100.0, 100.0]})
    facts = {"po_lines": po, "po_receipts": receipts}
    v = compute_one(["supplier_otd", "purchase_price_variance"], facts, today=D + timedelta(30))
    assert v == {"supplier_otd": 0.5, "purchase_price_variance": pytest.approx(100 - 50)}
    assert compute(["supplier_otd"], facts, ["supplier"], today=D + timedelta(30)).rows() == [("S1", 1.0), ("S2", 0.0)]


def test_customer_kpis_by_hand():
    complaints = pl.DataFrame({"date": [D, D, D], "customer": ["C1", "C1", "C2"], "abc_class": ["A", "A", "B"],
                               "product": ["P1"] * 3, "reason": ["R"] * 3, "cost": [100.0, 50.0, 25.0],
                               "days_to_close": [4.0, None, 10.0]})
    facts = {"complaints": complaints, **_orders(
        [("SO1", 1, "C1", D, 10_000)], [("SO1", 1, D, 10_000)])}
    v = compute_one(["complaints", "complaint_cost", "complaint_days_to_close", "complaint_ppm"], facts, today=D)
    assert v == {"complaints": 3, "complaint_cost": 175.0, "complaint_days_to_close": 7.0,
                 "complaint_ppm": pytest.approx(300.0)}


def test_people_kpis_by_hand():
    attendance = pl.DataFrame({"date": [D, D], "employee": ["E1", "E2"], "department": ["production", "hr"],
                               "scheduled_h": [8.0, 8.0], "worked_h": [8.0, 6.0], "overtime_h": [2.0, 0.0],
                               "absence": ["none", "sick"]})
    # 10 people all of March in production, one leaves on 16 March (counted through that day)
    days = pl.date_range(date(2026, 3, 1), date(2026, 3, 31), "1d", eager=True)
    headcount = pl.DataFrame({"date": days, "department": "production",
                              "headcount": [10 if d.day <= 16 else 9 for d in days],
                              "leaves": [1 if d.day == 16 else 0 for d in days]})
    facts = {"attendance": attendance, "headcount": headcount}
    v = compute_one(["attendance_rate", "overtime_share", "turnover"], facts,
                    Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)))
    assert v["attendance_rate"] == pytest.approx(14 / 16)
    assert v["overtime_share"] == pytest.approx(2 / 14)
    assert v["turnover"] == pytest.approx(1 / ((16 * 10 + 15 * 9) / 31))


def test_headcount_by_day_counts_through_the_leave_date():
    from dashboard.kpi.facts import headcount_by_day

    employees = pl.DataFrame({"employee": ["E1", "E2"], "department": ["hr", "hr"],
                              "hire_date": [date(2026, 1, 1), date(2026, 1, 3)],
                              "leave_date": [date(2026, 1, 4), None]})
    out = headcount_by_day(employees, date(2026, 1, 6))
    assert out["headcount"].to_list() == [1, 1, 2, 2, 1, 1]
    assert out["leaves"].to_list() == [0, 0, 0, 1, 0, 0]


def test_costs_material_loss_and_balances_by_hand():
    costs = pl.DataFrame({"date": [date(2026, 3, 1)] * 2, "department": ["production", "finance"],
                          "category": ["labour", "other"], "amount": [900.0, 100.0]})
    issues = pl.DataFrame({"date": [D, D], "material": ["RES", "RES"], "qty": [110.0, -5.0], "value": [220.0, -10.0]})
    req = pl.DataFrame({"date": [D], "line": ["L1"], "product": ["P1"], "material": ["RES"], "loss_rate": [0.03],
                        "qty": [100.0], "value": [200.0]})
    facts = {"production": prod({"planned_min": 1, "good_qty": 400}), "costs": costs, "material_issues": issues,
             "bom_requirements": req}
    v = compute_one(["cost_per_unit", "material_loss", "material_loss_allowed"], facts)
    assert v["cost_per_unit"] == pytest.approx(2.5)
    assert v["material_loss"] == pytest.approx(0.05)
    assert v["material_loss_allowed"] == pytest.approx(0.03)
    by_material = material_loss_by_material(facts).row(0, named=True)
    assert by_material["excess_loss"] == pytest.approx(0.02)
    structure = cost_structure(facts)
    assert structure.select("category", "share").rows() == [("labour", 0.9), ("other", 0.1)]

    moves = pl.DataFrame({"date": [D - timedelta(5), D, D, D + timedelta(1), D + timedelta(2)],
                          "item": ["RES"] * 5, "move": ["receipt", "issue", "return", "adjust", "receipt"],
                          "qty": [100.0, 30.0, 5.0, -2.0, 50.0]})
    counts = pl.DataFrame({"date": [D + timedelta(1)], "item": ["RES"], "counted_qty": [70.0]})
    bal = item_balances({"material_moves": moves, "stocktakes": counts}, D, D + timedelta(10)).row(0, named=True)
    assert (bal["opening"], bal["closing"]) == (100.0, 123.0)
    assert (bal["book_qty"], bal["difference"]) == (73.0, -3.0)


def test_quality_kpis_by_hand():
    inspections = pl.DataFrame({"date": [D] * 3, "stage": ["incoming", "final", "final"], "supplier": ["S1", None, None],
                                "machine": [None] * 3, "line": [None] * 3, "product": [None, "P1", "P1"],
                                "reason": [None] * 3, "disposition": [None, "scrap", "rework"],
                                "inspected_qty": [100, 200, 100], "passed_first_qty": [90, 190, 80],
                                "rejected_qty": [10, 10, 20]}, schema_overrides={"supplier": pl.String,
                                                                                  "machine": pl.String,
                                                                                  "line": pl.String,
                                                                                  "reason": pl.String})
    facts = {"inspections": inspections}
    v = compute_one(["fpy", "incoming_pass_rate"], facts)
    assert v == {"fpy": pytest.approx(360 / 400), "incoming_pass_rate": pytest.approx(0.9)}
    assert compute(["fpy"], facts, ["stage"]).rows() == [("final", pytest.approx(0.9)), ("incoming", 0.9)]
    assert scrap_pareto(facts, "stage").select("category", "value").rows() == [("final", 10.0)]


def test_compare_previous_last_year_and_targets():
    facts = {"production": prod({"date": date(2026, 3, 5), "planned_min": 1, "good_qty": 120},
                                {"date": date(2026, 2, 5), "planned_min": 1, "good_qty": 100},
                                {"date": date(2025, 3, 5), "planned_min": 1, "good_qty": 80}),
             "targets": pl.DataFrame({"kpi": ["good_qty", "good_qty", "scrap_ratio"], "month": ["2026-03"] * 3,
                                      "line": [None, "L1", None], "target": [150.0, 110.0, 0.02]},
                                     schema_overrides={"line": pl.String})}
    out = compare(["good_qty", "scrap_ratio"], facts, date(2026, 3, 1), date(2026, 3, 31))
    row = out.filter(kpi="good_qty").row(0, named=True)
    assert (row["value"], row["previous"], row["same_period_last_year"], row["target"], row["status"]) == \
        (120, 100, 80, 150, "off_target")
    assert out.filter(kpi="scrap_ratio").row(0, named=True)["status"] == "on_target"  # 0 scrap <= 2 %
    line = compare(["good_qty"], facts, date(2026, 3, 1), date(2026, 3, 31), Filters(line="L1")).row(0, named=True)
    assert (line["target"], line["status"]) == (110, "on_target")
    assert previous_period(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert previous_period(date(2026, 3, 10), date(2026, 3, 16)) == (date(2026, 3, 3), date(2026, 3, 9))
    assert same_period_last_year(date(2024, 2, 1), date(2024, 2, 29)) == (date(2023, 2, 1), date(2023, 2, 28))


def test_a_sum_over_no_rows_is_null_but_rows_summing_to_zero_are_zero():
    """March 2026 has a production row with 0 good pieces (a real 0); March 2025 has no rows at all
    (before the data starts), so its sum is not known: null ("—"), and no delta is made against it."""
    facts = {"production": prod({"date": date(2026, 3, 5), "planned_min": 60, "good_qty": 0, "scrap_qty": 4},
                                {"date": date(2026, 2, 5), "planned_min": 60, "good_qty": 100})}
    march = Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert compute_one(["good_qty", "scrap_qty", "yield"], facts, march) == {"good_qty": 0, "scrap_qty": 4,
                                                                             "yield": 0.0}
    before = Filters(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
    assert compute_one(["good_qty", "scrap_qty", "yield"], facts, before) == {"good_qty": None, "scrap_qty": None,
                                                                              "yield": None}
    row = compare(["good_qty"], facts, date(2026, 3, 1), date(2026, 3, 31)).row(0, named=True)
    assert (row["value"], row["previous"], row["same_period_last_year"]) == (0, 100, None)


def test_a_month_without_complaints_had_zero_complaints():
    """Complaints only in February; shipments in February and March. March had no complaint: 0
    complaints, cost 0, complaint PPM 0 over 5,000 shipped (complaints are events: none is a 0)."""
    feb, mar = date(2026, 2, 10), date(2026, 3, 10)
    complaints = pl.DataFrame({"date": [feb], "customer": ["C1"], "abc_class": ["A"], "product": ["P1"],
                               "reason": ["R"], "cost": [80.0], "days_to_close": [None]},
                              schema_overrides={"days_to_close": pl.Float64})
    facts = {"complaints": complaints, **_orders([("SO1", 1, "C1", feb, 2_000), ("SO2", 1, "C1", mar, 5_000)],
                                                 [("SO1", 1, feb, 2_000), ("SO2", 1, mar, 5_000)])}
    out = compute(["complaints", "complaint_cost", "complaint_ppm"], facts, ["month"], today=mar)
    assert out.rows() == [("2026-02", 1, 80.0, pytest.approx(500.0)), ("2026-03", 0, 0.0, 0.0)]


def test_decimal_deliveries_adding_up_to_the_ordered_qty_complete_the_line():
    """SO2 orders 0.3 and receives 0.1 then 0.2 by the due date: complete and on time. The running
    total after SO1's 5.7 is 5.8 then 6.0, and 6.0 − 5.7 is 0.2999999999999998 in floats."""
    facts = _orders([("SO1", 1, "C1", D, 5.7), ("SO2", 1, "C1", D, 0.3)],
                    [("SO1", 1, D, 5.7), ("SO2", 1, D - timedelta(1), 0.1), ("SO2", 1, D, 0.2)])
    assert compute_one(["otd_line", "otd_qty"], facts, today=D) == {"otd_line": 1.0, "otd_qty": 1.0}


def test_facts_for_names_the_stored_facts_behind_kpis():
    from dashboard.kpi import HEADLINE, facts_for

    assert facts_for(["good_qty", "oee"]) == ["production"]
    assert facts_for(["otd_line", "csat"]) == ["order_lines", "order_shipments", "surveys"]  # delivery is derived
    assert facts_for(["complaint_ppm"]) == ["complaints", "order_shipments"]
    assert facts_for(HEADLINE) == ["production", "order_lines", "order_shipments", "surveys"]

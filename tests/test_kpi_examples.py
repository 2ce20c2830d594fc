"""The published worked examples of the KPI definitions (docs/kpis.md), through
the real path: rows written to the database
(store.new_batch/insert_rows in a write transaction), read by dashboard.facts, computed by
dashboard.kpi — on SQLite and on PostgreSQL."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from data_access.db import write_transaction
from dashboard.facts import clear_cache, load_facts
from data_access.store import insert_rows, new_batch
from dashboard.kpi import Filters, compute_one, rty

D = date(2026, 3, 2)


def write(engine, kind: str, rows: list[dict]) -> None:
    with write_transaction(engine) as conn:
        batch = new_batch(conn, kind, "test", "test")
        insert_rows(conn, kind, rows, batch)


def plant(engine, *, machines=(("M1", "L1"),), products=(("P1", 2.0),), routings=(), customers=(("C1", "A"),),
          reasons=(), suppliers=(), materials=()) -> None:
    """Master data the transactions refer to."""
    lines = sorted({line for _, line in machines})
    write(engine, "lines", [{"line_code": c, "name": c, "process": "injection"} for c in lines])
    write(engine, "machines", [{"machine_code": m, "line_code": line, "name": m, "active": True} for m, line in machines])
    write(engine, "products", [{"product_code": p, "name": p, "unit": "pcs", "standard_cost": cost, "stage": "market"}
                               for p, cost in products])
    if routings:
        write(engine, "routings", [{"product_code": p, "seq": s, "machine_code": m, "ideal_cycle_s": c, "labour_s": c}
                                   for p, s, m, c in routings])
    if customers:
        write(engine, "customers", [{"customer_code": c, "name": c, "abc_class": k} for c, k in customers])
    if reasons:
        write(engine, "reasons", [{"reason_code": r, "kind": k, "name_en": r, "name_zh": r, "category": cat}
                                  for r, k, cat in reasons])
    if suppliers:
        write(engine, "suppliers", [{"supplier_code": s, "name": s} for s in suppliers])
    if materials:
        write(engine, "materials", [{"material_code": m, "name": m, "unit": "kg", "standard_price": price,
                                     "lead_time_days": 7, "safety_stock": 0} for m, price in materials])


def production_row(day=D, shift="A", machine="M1", product="P1", planned_min=420.0, downtime_min=0.0,
                   planned_qty=0, good=0, defect=0, scrap=0, labour_h=None) -> dict:
    return {"date": day, "shift": shift, "machine_code": machine, "product_code": product,
            "planned_min": planned_min, "downtime_min": downtime_min, "planned_qty": planned_qty,
            "total_qty": good + defect + scrap, "good_qty": good, "defect_qty": defect, "scrap_qty": scrap,
            "labour_h": labour_h}


def facts_of(engine):
    clear_cache()
    return load_facts(engine)


def test_oee_vorne_worksheet(engine):
    """Shift 480 min, breaks 2×15 + 30 -> planned 420; downtime 47; ideal cycle 1.0 s; total 19,271;
    rejects 423 -> availability 0.8881, performance 0.8611, quality 0.9780, OEE 0.7479."""
    plant(engine, routings=[("P1", 10, "M1", 1.0)])
    write(engine, "production", [production_row(planned_min=420, downtime_min=47, good=19271 - 423, scrap=423)])
    values = compute_one(["availability", "performance", "quality_ratio", "oee"], facts_of(engine))
    assert round(values["availability"], 4) == 0.8881
    assert round(values["performance"], 4) == 0.8611
    assert round(values["quality_ratio"], 4) == 0.9780
    assert round(values["oee"], 4) == 0.7479
    # OEE is the product of its factors (for one product, exactly)
    assert values["oee"] == pytest.approx(values["availability"] * values["performance"] * values["quality_ratio"])


def test_csat_published_example(engine):
    """Scores 5:42, 4:32, 3:10, 2:9, 1:14 -> CSAT 74/107 = 69.16 %."""
    plant(engine)
    counts = {5: 42, 4: 32, 3: 10, 2: 9, 1: 14}
    rows = [{"date": D, "customer_code": "C1", "respondent": f"r{score}-{i}", "score": score}
            for score, n in counts.items() for i in range(n)]
    write(engine, "surveys", rows)
    values = compute_one(["csat", "satisfaction_mean"], facts_of(engine))
    assert round(values["csat"], 4) == 0.6916
    assert values["satisfaction_mean"] == pytest.approx((5 * 42 + 4 * 32 + 3 * 10 + 2 * 9 + 14) / 107)


def test_nps_published_example(engine):
    """60 promoters, 25 passives, 15 detractors -> NPS 45."""
    plant(engine)
    scores = [10] * 30 + [9] * 30 + [8] * 15 + [7] * 10 + [6] * 5 + [3] * 5 + [0] * 5
    rows = [{"date": D, "customer_code": "C1", "respondent": f"r{i}", "score": 4, "nps": s} for i, s in enumerate(scores)]
    rows.append({"date": D, "customer_code": "C1", "respondent": "no-nps", "score": 4, "nps": None})
    write(engine, "surveys", rows)
    assert round(compute_one(["nps"], facts_of(engine))["nps"], 4) == 45.0


def test_complaint_ppm_published_example(engine):
    """15 complaints, 250,000 units shipped -> 60 ppm."""
    plant(engine, reasons=[("CP-DIM", "complaint", None)])
    write(engine, "orders", [{"order_no": "SO1", "line_no": 1, "customer_code": "C1", "product_code": "P1",
                              "order_date": D, "qty": 250_000, "unit_price": 1.0, "promised_date": D}])
    write(engine, "shipments", [{"shipment_no": "DN1", "order_no": "SO1", "line_no": 1, "ship_date": D, "qty": 150_000},
                                {"shipment_no": "DN2", "order_no": "SO1", "line_no": 1, "ship_date": D + timedelta(1),
                                 "qty": 100_000}])
    write(engine, "complaints", [{"complaint_no": f"CC{i}", "date": D, "customer_code": "C1", "product_code": "P1",
                                  "reason_code": "CP-DIM", "severity": "minor", "qty_affected": 1, "cost": 10.0}
                                 for i in range(15)])
    values = compute_one(["complaint_ppm", "complaints"], facts_of(engine),
                         Filters(date_from=D, date_to=D + timedelta(1)))
    assert values["complaints"] == 15
    assert round(values["complaint_ppm"], 4) == 60.0


def test_rty_published_example(engine):
    """Step yields 0.87, 0.93, 0.95 along a three-step routing -> RTY 0.7686."""
    plant(engine, machines=[("M1", "L1"), ("M2", "L1"), ("M3", "L2")],
          routings=[("P1", 10, "M1", 2.0), ("P1", 20, "M2", 3.0), ("P1", 30, "M3", 1.0)])
    write(engine, "production", [production_row(machine="M1", good=87, scrap=13),
                                 production_row(machine="M2", good=930, defect=50, scrap=20),
                                 production_row(machine="M3", good=95, scrap=5)])
    result = rty(facts_of(engine))
    row = result.filter(product="P1").row(0, named=True)
    assert row["steps"] == 3
    assert round(row["rty"], 4) == 0.7686


def test_fpy_published_example(engine):
    """1,090 passed first of 1,200 inspected -> 90.83 %."""
    plant(engine)
    write(engine, "inspections", [
        {"date": D, "stage": "final", "lot_no": "L1", "item_code": "P1", "inspected_qty": 700,
         "passed_first_qty": 640, "rejected_qty": 60},
        {"date": D, "stage": "final", "lot_no": "L2", "item_code": "P1", "inspected_qty": 500,
         "passed_first_qty": 450, "rejected_qty": 50}])
    assert round(compute_one(["fpy"], facts_of(engine))["fpy"], 4) == 0.9083

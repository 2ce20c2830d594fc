"""dashboard.facts (SQL -> kind frames -> declared facts) and `plantkpi kpi`, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from dashboard.cli import main
from dashboard.kpi import Filters, compute, compute_one, scrap_pareto
from dashboard.facts import clear_cache, load_facts
from tests.test_kpi_examples import D, plant, production_row, write


def _two_line_plant(engine):
    plant(engine, machines=[("M1", "L1"), ("M2", "L2")], products=[("P1", 2.0), ("P2", 5.0)],
          routings=[("P1", 10, "M1", 2.0), ("P1", 20, "M2", 4.0), ("P1", 30, "M1", 9.0), ("P2", 10, "M2", 1.0)],
          reasons=[("SC-SHORT", "scrap", None), ("DT-MOLD", "downtime", "breakdown")])
    write(engine, "production", [
        production_row(machine="M1", product="P1", planned_min=100, downtime_min=10, planned_qty=3000, good=2500,
                       scrap=100, labour_h=8),
        production_row(machine="M2", product="P2", planned_min=200, downtime_min=0, planned_qty=10000, good=9000,
                       defect=500, scrap=500, labour_h=8),
        production_row(day=D - timedelta(40), machine="M2", product="P1", planned_min=100, good=100, scrap=0)])


def test_production_fact_joins_line_cycle_and_cost(engine):
    _two_line_plant(engine)
    facts = load_facts(engine)
    frame = facts["production"].sort("date", "machine")
    # P1 passes M1 twice (seq 10 at 2.0 s and seq 30 at 9.0 s): the lowest seq is used
    assert frame.select("date", "machine", "line", "product", "ideal_cycle_s", "standard_cost").rows() == [
        (D - timedelta(40), "M2", "L2", "P1", 4.0, 2.0),
        (D, "M1", "L1", "P1", 2.0, 2.0),
        (D, "M2", "L2", "P2", 1.0, 5.0)]
    out = compute(["oee", "scrap_cost", "good_qty"], facts, ["line"], Filters(date_from=D, date_to=D))
    assert out.rows() == [("L1", pytest.approx(2.0 * 2500 / 6000), 200.0, 2500),
                          ("L2", pytest.approx(9000 / 12000), 2500.0, 9000)]


def test_facts_are_cached_until_a_write(engine):
    # On SQLite this once failed: an in-process Arrow reader with its own SQLite copy read stale WAL data
    # (loaders now read SQLite in a reader process of their own).
    _two_line_plant(engine)
    first = load_facts(engine)["production"]
    assert load_facts(engine)["production"] is first  # same version: no reload
    write(engine, "production", [production_row(day=D + timedelta(1), machine="M1", product="P1", planned_min=10,
                                                good=7)])
    again = load_facts(engine)
    assert again["production"].height == first.height + 1
    assert compute_one(["good_qty"], again, Filters(date_from=D + timedelta(1)))["good_qty"] == 7


def test_unexplained_scrap_and_missing_reasons_are_unassigned(engine):
    _two_line_plant(engine)
    write(engine, "scrap", [{"date": D, "shift": "A", "machine_code": "M1", "product_code": "P1",
                             "reason_code": "SC-SHORT", "qty": 60}])
    write(engine, "inspections", [{"date": D, "stage": "final", "lot_no": "L1", "item_code": "P1", "inspected_qty": 10,
                                   "passed_first_qty": 8, "rejected_qty": 2, "reason_code": None}])
    facts = load_facts(engine)
    p = scrap_pareto(facts, "reason", Filters(date_from=D, date_to=D, line="L1"), min_share=0)
    assert p.select("category", "value").rows() == [("SC-SHORT", 60.0), ("Unassigned", 40.0)]
    assert facts["inspections"]["reason"].to_list() == ["Unassigned"]


def test_delivery_and_people_through_the_database(engine):
    plant(engine, customers=[("C1", "A"), ("C2", "C")])
    write(engine, "orders", [
        {"order_no": "SO1", "line_no": 1, "customer_code": "C1", "product_code": "P1", "order_date": D, "qty": 100,
         "unit_price": 1.0, "promised_date": D + timedelta(5)},
        {"order_no": "SO2", "line_no": 1, "customer_code": "C2", "product_code": "P1", "order_date": D, "qty": 100,
         "unit_price": 1.0, "promised_date": D + timedelta(5)}])
    write(engine, "shipments", [{"shipment_no": "DN1", "order_no": "SO1", "line_no": 1, "ship_date": D + timedelta(4),
                                 "qty": 100}])
    write(engine, "employees", [
        {"employee_code": "E1", "name": "a", "department": "production", "hire_date": date(2025, 1, 1),
         "hourly_rate": 20.0},
        {"employee_code": "E2", "name": "b", "department": "production", "hire_date": date(2025, 1, 1),
         "leave_date": date(2026, 3, 31), "hourly_rate": 20.0}])
    facts = load_facts(engine)
    by_class = compute(["otd_line"], facts, ["abc_class"], today=D + timedelta(10))
    assert by_class.rows() == [("A", 1.0), ("C", 0.0)]
    march = compute_one(["turnover"], facts, Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)))
    assert march["turnover"] == pytest.approx(1 / 2)  # 2 employed all March (leaver counted through 31 March)


def test_cli_kpi_json(sqlite_engine, monkeypatch, capsys):
    _two_line_plant(sqlite_engine)
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    clear_cache()
    assert main(["kpi", "--from", D.isoformat(), "--to", D.isoformat(), "--json"]) == 0
    values = json.loads(capsys.readouterr().out)["kpis"]
    assert values["good_qty"] == 11500
    assert values["oee"] == pytest.approx((2.0 * 2500 + 9000) / 18000)
    assert values["csat"] is None  # no surveys: null, not 0
    assert main(["kpi", "--by", "month,line", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [(r["month"], r["line"], r["good_qty"]) for r in rows] == [("2026-01", "L2", 100), ("2026-03", "L1", 2500),
                                                                      ("2026-03", "L2", 9000)]
    assert main(["kpi", "--by", "colour"]) == 2
    assert "unknown dimension 'colour'" in capsys.readouterr().err
    assert main(["kpi", "--by", "line"]) == 0
    table = capsys.readouterr().out
    assert "oee" in table and "L1" in table and "OEE" in table


def test_a_large_kind_read_in_id_ranges_equals_the_whole_read(engine, monkeypatch):
    """Production read in concurrent id ranges (forced here with a tiny SPLIT_ROWS, ids with a gap
    from a deleted row) gives the same fact, row for row, as one whole read."""
    import sqlalchemy as sa

    import data_access.kind_frames as facts_module
    from dashboard.kpi.facts import KIND_COLUMNS
    from data_access.db import write_transaction

    _two_line_plant(engine)
    write(engine, "production", [production_row(day=D - timedelta(n), machine="M1", product="P1", planned_min=10,
                                                good=n) for n in range(1, 8)])
    with write_transaction(engine) as conn:
        conn.execute(sa.text("DELETE FROM production WHERE good_qty = 3"))
    clear_cache()
    whole = load_facts(engine)["production"]
    monkeypatch.setattr(facts_module, "SPLIT_ROWS", 2)
    monkeypatch.setattr(facts_module, "parallel_reads", lambda: 3)
    plan = facts_module.read_plan(engine, ["production"], columns=KIND_COLUMNS)
    assert len(plan) == 3 and all(" WHERE id > " in q for _, q in plan)
    clear_cache()
    split = load_facts(engine)["production"]
    assert split.height == whole.height == 9
    assert split.equals(whole)
    assert split.n_chunks("all") == [1] * split.width  # parts joined into one chunk (warm queries ~2x faster)


def test_every_fact_builds_from_its_declared_inputs_in_one_round_of_reads(engine, monkeypatch):
    """Each fact reads only the kinds its declaration in dashboard.kpi.facts lists (it raises otherwise), and a
    KPI request reads everything it needs in one concurrent round (one read_sql_many call)."""
    import data_access.kind_frames as facts_module
    from data_access.loaders import clear_cache as clear_kinds

    _two_line_plant(engine)
    clear_cache()
    facts = load_facts(engine)
    for name in facts:
        assert facts[name] is not None, name
    clear_cache()
    clear_kinds()
    rounds = []
    real = facts_module.read_sql_many
    monkeypatch.setattr(facts_module, "read_sql_many",
                        lambda queries, e, **kw: rounds.append(len(queries)) or real(queries, e, **kw))
    values = compute_one(["good_qty", "oee", "otd_line", "csat", "complaints"], load_facts(engine),
                         Filters(date_from=D, date_to=D), today=D)
    # no complaint was ever recorded: not known (null), a 0 is only given from the first complaint on
    assert values["good_qty"] == 11500 and values["otd_line"] is None and values["complaints"] is None
    # production, routings, machines, products, orders, customers, shipments, surveys, complaints, reasons
    assert rounds == [10]


def test_concurrent_sessions_build_the_same_fact_and_raw_reads_are_not_kept(engine):
    """Two sessions asking for production at once both get the full fact; the raw column read it
    was built from is dropped (only the fact stays cached)."""
    from concurrent.futures import ThreadPoolExecutor

    from data_access.cache import cache_for
    from data_access.db import data_version

    _two_line_plant(engine)
    clear_cache()
    with ThreadPoolExecutor(2) as threads:
        frames = list(threads.map(lambda _: load_facts(engine)["production"], range(2)))
    assert [f.height for f in frames] == [3, 3]
    assert frames[0].sort("date", "machine").equals(frames[1].sort("date", "machine"))
    held = cache_for(engine.url, data_version(engine)).keys("reads")
    assert not any(kind == "production" for kind, _window in held)

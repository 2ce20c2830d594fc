"""The demo plant generator (seed/demo.py): deterministic, every rule of docs/kinds.md, the stories.

The rule checks below evaluate the kind declarations (bounds, enums, references, natural keys,
Rule.check expressions) on the frames themselves, independently of the database constraints.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from data_access.db import get_engine, init_db
from data_access.kinds import KINDS
from data_access.loaders import clear_cache, load_kind
from seed import demo
from seed.demo import database_is_empty, generate, load_demo, story_facts

TODAY = date(2026, 3, 18)  # 18 months from 2024-10-01; Chinese New Year 2025-01-29 and 2026-02-17 inside


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    return generate("small", today=TODAY)


def _without_system_columns(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.drop("id", "batch_id").sort(pl.all())


def _rule_violations(kind_name: str, frame: pl.DataFrame, known: dict[str, pl.DataFrame]) -> list[str]:
    """Every problem of `frame` against the declaration of `kind_name`, as readable lines."""
    kind = KINDS[kind_name]
    problems = []
    for f in kind.fields:
        col = frame[f.name].cast(pl.String) if f.is_code else frame[f.name]  # a code as its text
        blank_in_key = not f.required and f.name in kind.key and f.field_type.text
        values = col.filter(col != "") if blank_in_key else col.drop_nulls()
        if f.required and col.null_count():
            problems.append(f"{f.name}: {col.null_count()} empty values")
        if f.min is not None and values.len() and values.min() < f.min:
            problems.append(f"{f.name}: {values.min()} < {f.min}")
        if f.max is not None and values.len() and values.max() > f.max:
            problems.append(f"{f.name}: {values.max()} > {f.max}")
        if f.field_type.closed:
            bad = values.filter(~values.is_in(list(f.choices)))
            if bad.len():
                problems.append(f"{f.name}: {bad.unique().to_list()} not in {f.choices}")
        if f.field_type.text and values.len() and values.str.len_chars().max() > f.max_len:
            problems.append(f"{f.name}: longer than {f.max_len}")
        if f.field_type.monthly and values.len() and not values.str.contains(r"^\d{4}-\d{2}$").all():
            problems.append(f"{f.name}: not YYYY-MM")
        if f.ref:
            allowed = set()
            for table, column in f.ref_targets:
                # "materials|products": the target's own key, whatever this field is called
                column = column if column in known[table].columns else KINDS[table].key[0]
                allowed |= set(known[table][column].to_list())
            missing = set(values.to_list()) - allowed
            if missing:
                problems.append(f"{f.name}: {sorted(missing)[:5]} not in {f.ref}")
    duplicates = frame.filter(frame.select(kind.key).is_duplicated()).height
    if duplicates:
        problems.append(f"natural key {kind.key}: {duplicates} duplicated rows")
    for rule in kind.rules:
        failing = frame.filter(rule.check.not_().fill_null(False)).height
        if failing:
            problems.append(f"rule {rule.id}: {failing} rows")
    for columns, target in kind.composite_refs:
        orphans = frame.select(columns).join(known[target].select(columns), on=list(columns), how="anti").height
        if orphans:
            problems.append(f"{columns} -> {target}: {orphans} rows without a parent")
    return problems


# ------------------------------------------------------------------ loading, both databases
def test_demo_loads_every_kind_and_respects_every_declared_rule(engine):
    assert database_is_empty(engine)
    counts = load_demo(engine, scale="small", today=TODAY)
    assert not database_is_empty(engine)
    assert set(counts) == set(KINDS)
    loaded = {name: load_kind(name, engine) for name in KINDS}
    for name, frame in loaded.items():
        assert frame.height > 0, f"{name} is empty"
        assert frame.height == counts[name], name
        assert _rule_violations(name, frame, loaded) == [], name
    with engine.connect() as conn:
        batches = conn.exec_driver_sql("SELECT kind, rows, \"user\", source FROM batches").all()
    # one batch per kind, written by the demo user from the seed, with the right row count
    assert sorted((b.kind, b.rows) for b in batches) == sorted(counts.items())
    assert {(b.user, b.source) for b in batches} == {("demo", "seed")}
    # a second load is refused with a message, and writes nothing
    with pytest.raises(demo.DemoNotLoaded, match="already holds data"):
        load_demo(engine, scale="small", today=TODAY)
    clear_cache()
    assert load_kind("production", engine).height == counts["production"]


def test_same_seed_gives_the_same_database(tmp_path, monkeypatch):
    engines = []
    for name, fast_path_rows in (("fast", demo.FAST_PATH_ROWS), ("store", 10**9)):
        # the second load writes every kind through store.insert_rows: the bulk path stores the same values
        monkeypatch.setattr(demo, "FAST_PATH_ROWS", fast_path_rows)
        clear_cache()
        eng = get_engine(f"sqlite:///{tmp_path / name}.db")
        init_db(eng)
        load_demo(eng, scale="small", today=TODAY)
        engines.append(eng)
    for kind in KINDS:
        a = _without_system_columns(load_kind(kind, engines[0]))
        b = _without_system_columns(load_kind(kind, engines[1]))
        assert a.equals(b), kind
    other_seed = generate("small", today=TODAY, seed=demo.SEED + 1)["production"]
    assert not other_seed.equals(generate("small", today=TODAY)["production"])
    for eng in engines:
        eng.dispose()


def _fingerprint(frames: dict[str, pl.DataFrame]) -> str:
    digest = hashlib.sha256()
    for name, frame in frames.items():
        digest.update(name.encode())
        digest.update(frame.write_csv().encode())
    return digest.hexdigest()


def test_same_seed_gives_the_same_frames_in_another_process(frames):
    # another interpreter, another hash seed, one polars thread: still byte for byte the same
    script = ("from datetime import date; from seed.demo import generate; from tests.test_seed import _fingerprint; "
              "print(_fingerprint(generate('small', today=date(2026, 3, 18))))")
    env = {**os.environ, "PYTHONHASHSEED": "12345", "POLARS_MAX_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == _fingerprint(frames)


# ------------------------------------------------------------------ consistency between kinds
def test_generated_frames_respect_every_declared_rule(frames):
    for name, frame in frames.items():
        assert _rule_violations(name, frame, frames) == [], name


def test_scrap_rows_add_up_to_production_scrap(frames):
    keys = ["date", "shift", "machine_code", "product_code"]
    booked = frames["scrap"].group_by(keys).agg(pl.col("qty").sum())
    production = frames["production"].join(booked, on=keys, how="left").with_columns(pl.col("qty").fill_null(0))
    assert production.filter(pl.col("qty") != pl.col("scrap_qty")).height == 0
    assert frames["scrap"].join(frames["production"], on=keys, how="anti").height == 0
    assert production["scrap_qty"].sum() > 0


def test_downtime_minutes_equal_the_downtime_events(frames):
    keys = ["date", "shift", "machine_code"]
    events = frames["downtime"].group_by(keys).agg(pl.col("minutes").sum().alias("events"))
    per_shift = frames["production"].group_by(keys).agg(pl.col("downtime_min").sum().alias("booked"))
    both = per_shift.join(events, on=keys, how="full", coalesce=True).fill_null(0)
    assert both.filter((pl.col("booked") - pl.col("events")).abs() > 1e-6).height == 0
    assert frames["downtime"].join(per_shift, on=keys, how="anti").height == 0  # no stop without production
    # a shift has 480 minutes: no machine is booked for more than its planned 420
    assert frames["production"].group_by(keys).agg(pl.col("planned_min").sum())["planned_min"].max() <= 420


def test_every_production_row_runs_on_a_routing_of_its_product(frames):
    routed = frames["production"].join(frames["routings"], on=["product_code", "machine_code"], how="anti")
    assert routed.height == 0


def test_material_moves_match_their_source_documents(frames):
    moves = frames["material_moves"]

    def total(move: str) -> float:
        return moves.filter(pl.col("move") == move)["qty"].sum()

    assert total("sales_out") == pytest.approx(frames["shipments"]["qty"].sum())
    assert total("receipt") == pytest.approx(frames["receipts"]["accepted_qty"].sum())
    last_seq = frames["routings"].group_by("product_code").agg(pl.col("seq").max())
    last_ops = frames["routings"].join(last_seq, on=["product_code", "seq"]).select("product_code", "machine_code")
    finished = frames["production"].join(last_ops, on=["product_code", "machine_code"])["good_qty"].sum()
    assert total("finished_in") == pytest.approx(finished)
    # material issued covers the BOM need of the operation that consumes it (bom.seq, empty: the
    # first), good + scrap there (docs/kpis.md material_loss), plus a normal loss
    first = frames["routings"].group_by("product_code").agg(pl.col("seq").min().alias("first"))
    bom = frames["bom"].join(first, on="product_code").with_columns(seq=pl.col("seq").fill_null(pl.col("first")))
    need = frames["production"].join(frames["routings"].select("product_code", "machine_code", "seq"),
                                     on=["product_code", "machine_code"]) \
        .join(bom, on=["product_code", "seq"]) \
        .select(((pl.col("good_qty") + pl.col("scrap_qty")) * pl.col("qty_per_unit")).sum()).item()
    assert need < total("issue") < need * 1.1
    assert bom.filter(pl.col("seq") != pl.col("first")).height > 0  # some material is consumed at a later operation
    # no item's running balance ever goes below zero, and month-end counts stay close to it
    sign = {"receipt": 1, "return": 1, "semi_in": 1, "finished_in": 1, "adjust": 1, "issue": -1, "semi_out": -1,
            "sales_out": -1, "scrap_out": -1}
    balance = moves.with_columns(signed=pl.col("qty") * pl.col("move").replace_strict(sign, return_dtype=pl.Float64)) \
        .group_by("item_code", "date").agg(pl.col("signed").sum()).sort("item_code", "date") \
        .with_columns(balance=pl.col("signed").cum_sum().over("item_code"))
    assert balance["balance"].min() >= 0
    month_end = balance.join(frames["stocktake"], on="item_code").filter(pl.col("date") <= pl.col("date_right")) \
        .group_by("item_code", "date_right").agg(pl.col("balance").last(), pl.col("counted_qty").first())
    assert month_end.height == frames["stocktake"].height
    assert (month_end["counted_qty"] - month_end["balance"]).abs().max() <= 0.05 * month_end["balance"].max()
    gap = ((month_end["counted_qty"] - month_end["balance"]).abs() / month_end["balance"]).median()
    assert 0 < gap < 0.02


def test_people_data_agrees_with_the_employee_register(frames):
    employees = frames["employees"]
    assert 140 <= employees.filter(pl.col("leave_date").is_null()).height <= 170
    att = frames["attendance"].join(employees, on="employee_code")
    assert att.filter((pl.col("date") < pl.col("hire_date")) |
                      (pl.col("leave_date").is_not_null() & (pl.col("date") > pl.col("leave_date")))).height == 0
    hr = frames["hr_events"].join(employees, on="employee_code")
    assert hr.filter((pl.col("event") == "leave") & (pl.col("date") != pl.col("leave_date"))).height == 0
    assert hr.filter((pl.col("event") == "hire") & (pl.col("date") != pl.col("hire_date"))).height == 0
    leavers = employees.filter(pl.col("leave_date").is_not_null()).height
    assert hr.filter(pl.col("event") == "leave").height == leavers > 0


# ------------------------------------------------------------------ the calendar and the plant
def test_history_is_18_months_ending_at_today_with_open_orders_ahead(frames):
    production = frames["production"]
    months = production["date"].dt.strftime("%Y-%m").unique()
    assert months.len() == 18 and months.max() == "2026-03"
    assert TODAY - timedelta(days=3) <= production["date"].max() <= TODAY
    orders, shipments = frames["orders"], frames["shipments"]
    ahead = orders.filter(pl.col("promised_date") > TODAY)
    assert ahead["promised_date"].max() >= TODAY + timedelta(weeks=7)
    assert ahead.join(shipments, on=["order_no", "line_no"], how="semi").height < ahead.height / 10
    assert shipments["ship_date"].max() <= TODAY
    assert frames["orders"]["order_date"].max() <= TODAY
    pos, receipts = frames["purchase_orders"], frames["receipts"]
    open_po = pos.filter(pl.col("promised_date") > TODAY).join(receipts, on=["po_no", "line_no"], how="anti")
    assert open_po.height >= 5


def test_the_plant_has_four_lines_and_realistic_masters(frames):
    machines = frames["machines"].group_by("line_code").agg(pl.len()).sort("line_code")
    assert dict(machines.iter_rows()) == {"DMC": 4, "FIN": 3, "INJ": 7, "MAC": 4}
    assert 20 <= frames["products"].height <= 30
    cycles = frames["routings"].with_columns(line=pl.col("machine_code").str.slice(0, 3)) \
        .group_by("line").agg(pl.col("ideal_cycle_s").min().alias("lo"), pl.col("ideal_cycle_s").max().alias("hi"))
    ranges = {line: (lo, hi) for line, lo, hi in cycles.iter_rows()}
    assert 15 <= ranges["INJ"][0] and ranges["INJ"][1] <= 60
    assert 90 <= ranges["DMC"][0] and ranges["DMC"][1] <= 240
    assert 30 <= ranges["MAC"][0] and ranges["MAC"][1] <= 120
    assert frames["customers"]["abc_class"].unique().sort().to_list() == ["A", "B", "C"]
    reasons = frames["reasons"]
    assert set(reasons["kind"]) == {"scrap", "defect", "downtime", "complaint"}
    assert set(reasons.filter(pl.col("kind") == "downtime")["category"]) == {
        "planned", "breakdown", "setup", "minor_stop", "speed", "quality_loss"}
    assert reasons.filter(pl.col("reason_code") == "SC-FLASH")["name_zh"].item() == "披锋"
    targets = frames["targets"].filter(pl.col("month") == "2026-03")
    assert {"oee", "scrap_ratio", "otd_line", "csat", "plan_attainment", "yield", "availability",
            "complaint_ppm", "cost_per_unit"} <= set(targets["kpi"])
    assert set(targets["line_code"].drop_nulls()) == {"INJ", "DMC", "FIN", "MAC"}
    assert targets.filter(pl.col("line_code").is_null()).height > 0


# ------------------------------------------------------------------ the stories
def _scrap_ratio(frame: pl.DataFrame) -> float:
    return frame["scrap_qty"].sum() / frame["total_qty"].sum()


def test_story_one_machine_scrap_climbs(frames):
    production = frames["production"]
    start = production["date"].min()
    first_quarter = production.filter(pl.col("date") < start + timedelta(days=91))
    last_month = production.filter(pl.col("date") > TODAY - timedelta(days=30))
    machine = pl.col("machine_code") == demo.SCRAP_CLIMB_MACHINE
    before, now = _scrap_ratio(first_quarter.filter(machine)), _scrap_ratio(last_month.filter(machine))
    assert now > 2 * before
    for other in production.filter(~machine & pl.col("machine_code").str.starts_with("INJ"))["machine_code"].unique():
        one = pl.col("machine_code") == other
        assert _scrap_ratio(last_month.filter(one)) < 1.6 * _scrap_ratio(first_quarter.filter(one)), other
    # and the climb is mostly flash
    recent_scrap = frames["scrap"].filter(machine, pl.col("date") > TODAY - timedelta(days=30))
    top = recent_scrap.group_by("reason_code").agg(pl.col("qty").sum()).sort("qty", descending=True)
    assert top["reason_code"][0] == demo.SCRAP_CLIMB_REASON


def test_story_supplier_pass_rate_drops(frames):
    incoming = frames["inspections"].filter(pl.col("stage") == "incoming")
    drop_from = story_facts(TODAY)["pass_rate_drop_from"]

    def pass_rate(frame: pl.DataFrame) -> float:
        return frame["passed_first_qty"].sum() / frame["inspected_qty"].sum()

    supplier = incoming.filter(pl.col("supplier_code") == demo.PASS_RATE_SUPPLIER)
    assert pass_rate(supplier.filter(pl.col("date") < drop_from)) > 0.97
    assert pass_rate(supplier.filter(pl.col("date") >= drop_from)) < 0.93
    others = incoming.filter(pl.col("supplier_code") != demo.PASS_RATE_SUPPLIER, pl.col("date") >= drop_from)
    assert pass_rate(others) > 0.97


def test_story_late_delivery_cluster_for_one_customer(frames):
    first, last = story_facts(TODAY)["late_window"]
    due = frames["orders"].filter(pl.col("promised_date").is_between(first, last))
    shipped_on_time = frames["shipments"].join(due, on=["order_no", "line_no"]) \
        .filter(pl.col("ship_date") <= pl.col("promised_date")) \
        .group_by("order_no", "line_no").agg(pl.col("qty").sum().alias("on_time"))
    lines = due.join(shipped_on_time, on=["order_no", "line_no"], how="left") \
        .with_columns(on_time=pl.col("on_time").fill_null(0) >= pl.col("qty"))
    customer = lines.filter(pl.col("customer_code") == demo.LATE_CUSTOMER)
    assert customer.height >= 5
    assert customer["on_time"].mean() < 0.4
    assert lines.filter(pl.col("customer_code") != demo.LATE_CUSTOMER)["on_time"].mean() > 0.75


def test_story_satisfaction_dips_after_a_complaint_spike(frames):
    facts = story_facts(TODAY)
    per_month = frames["complaints"].group_by(pl.col("date").dt.strftime("%Y-%m").alias("month")).agg(pl.len())
    spike = per_month.filter(pl.col("month") == facts["complaint_spike_month"])["len"].item()
    assert spike >= 2.5 * per_month.filter(pl.col("month") != facts["complaint_spike_month"])["len"].median()
    csat = frames["surveys"].group_by(pl.col("date").dt.strftime("%Y-%m").alias("month")) \
        .agg((pl.col("score") >= 4).mean().alias("csat"))
    dip = csat.filter(pl.col("month") == facts["satisfaction_dip_month"])["csat"].item()
    assert dip < csat.filter(pl.col("month") != facts["satisfaction_dip_month"])["csat"].min()
    assert frames["complaints"]["closed_date"].null_count() > 0  # some complaints are still open


def test_story_seasonality_around_chinese_new_year(frames):
    daily = frames["production"].group_by("date").agg(pl.col("good_qty").sum())
    cny = date(2026, 2, 17)
    peak = daily.filter(pl.col("date").is_between(cny - timedelta(days=30), cny - timedelta(days=6)))
    after = daily.filter(pl.col("date").is_between(cny, cny + timedelta(days=21)))
    normal = daily.filter(pl.col("date").is_between(date(2025, 9, 1), date(2025, 9, 30)))
    # the weeks before the holiday produce more per calendar day (Sunday shifts), the weeks after far less
    assert peak["good_qty"].sum() / 25 > 1.1 * normal["good_qty"].sum() / 30
    assert after["good_qty"].sum() / 22 < 0.5 * normal["good_qty"].sum() / 30
    assert daily.filter(pl.col("date").is_between(cny - timedelta(days=3), cny + timedelta(days=7))).height == 0


def test_scales_grow_the_plant(frames):
    with pytest.raises(ValueError, match="scale"):
        generate("huge", today=TODAY)
    assert demo.SCALES["small"] < demo.SCALES["medium"] < demo.SCALES["large"]
    assert 15_000 <= frames["production"].height <= 60_000

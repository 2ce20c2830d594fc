"""One status rule, one plant calendar, coverage of comparisons and `plantkpi kpi` (issue 13 items 3, 5, 6, 7).

The status rule (dashboard.kpi.compare.target_status): on target when the value meets the target
in the KPI's direction, near target when it misses by at most 5 % of the target, off beyond.

The band-edge plant (EDGE): line L1, machine M1, product P1 (standard cost ¥2.00, ideal cycle 1 s).
One production row on 10 March 2026: planned 420 min, planned 1,000 pcs, good 905, defect 20,
scrap 25 (total 950). Plant targets for 2026-03 and what the rule must say:
  plan_attainment 905/1000 = 0.9050 vs 0.95  short 0.0450 <= 0.0475 (5 % of 0.95)  near (higher, inside)
  good_qty        905          vs 955   short 50     >  47.75                   off  (higher, outside)
  finished_qty    905 (the one operation is the last)  vs 955: as good_qty      off
  yield           905/950 = 0.95263 vs 0.95                                     on
  scrap_ratio     25/950 = 0.026316 vs 0.025  over 0.001316 > 0.00125           off  (lower, outside)
  scrap_cost      25 × 2.00 = 50 vs 48   over 2 <= 2.4                          near (lower, inside)
  rework_ratio    20/950 = 0.021053 vs 0.0201  over 0.000953 <= 0.001005        near (lower, inside)
Line target: scrap_ratio of L1 0.03 -> with the line filter L1 on target (and named a line target);
the plant figure is compared with the plant's 0.025 only.
"""
from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cli import main
from dashboard.kpi import KPIS, Filters, compare, compute, target_status
from dashboard.kpi import calendar
from dashboard.kpi.calendar import PlantCalendar
from data_access.cache import cache_for
from data_access.db import data_version, write_transaction
from dashboard.facts import clear_cache, load_facts
from data_access.store import insert_rows, new_batch
from tests.conftest import make_database, serving_database
from tests.support.examples import example_rows
from tests.test_kpi_examples import plant, production_row, write

ROOT = Path(__file__).resolve().parents[1]
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
EXPECTED_STATUS = {"plan_attainment": "near_target", "good_qty": "off_target", "finished_qty": "off_target",
                   "yield": "on_target",
                   "scrap_ratio": "off_target", "scrap_cost": "near_target", "rework_ratio": "near_target"}
PLANT_TARGETS = {"plan_attainment": 0.95, "good_qty": 955.0, "finished_qty": 955.0, "yield": 0.95, "scrap_ratio": 0.025,
                 "scrap_cost": 48.0, "rework_ratio": 0.0201}


def edge_plant(engine) -> None:
    plant(engine, machines=[("M1", "L1")], products=[("P1", 2.0)], routings=[("P1", 10, "M1", 1.0)])
    write(engine, "production", [production_row(day=date(2026, 3, 10), planned_min=420, planned_qty=1000, good=905,
                                                defect=20, scrap=25, labour_h=8)])
    write(engine, "targets", [{"kpi": k, "month": "2026-03", "line_code": None, "target": v}
                              for k, v in PLANT_TARGETS.items()]
          + [{"kpi": "scrap_ratio", "month": "2026-03", "line_code": "L1", "target": 0.03}])


# --- the rule itself --------------------------------------------------------------------------------
@pytest.mark.parametrize("kpi_id, value, target, expected", [
    ("plan_attainment", 0.95, 0.95, "on_target"),      # meets it exactly
    ("plan_attainment", 0.9026, 0.95, "near_target"),  # band ends at 0.9025
    ("plan_attainment", 0.9024, 0.95, "off_target"),
    ("scrap_ratio", 0.0200, 0.02, "on_target"),
    ("scrap_ratio", 0.0209, 0.02, "near_target"),      # band ends at 0.0210
    ("scrap_ratio", 0.0211, 0.02, "off_target"),
    ("scrap_ratio", 0.0150, 0.02, "on_target"),        # better than the target, lower is better
    ("oee", None, 0.65, None), ("oee", 0.6, None, None),
])
def test_status_rule_at_its_band_edges(kpi_id, value, target, expected):
    assert target_status(kpi_id, value, target) == expected


def test_compare_uses_plant_targets_for_the_plant_and_line_targets_for_a_line():
    facts = {"production": pl.DataFrame({
        "date": [date(2026, 3, 10)], "shift": ["A"], "machine": ["M1"], "line": ["L1"], "product": ["P1"],
        "planned_min": [420.0], "downtime_min": [0.0], "planned_qty": [1000.0], "total_qty": [950.0],
        "good_qty": [905.0], "defect_qty": [20.0], "scrap_qty": [25.0], "labour_h": [8.0], "ideal_cycle_s": [1.0],
        "standard_cost": [2.0], "last_op": [True]}),  # the product's one operation is its last
        "targets": pl.DataFrame({"kpi": [*PLANT_TARGETS, "scrap_ratio"], "month": ["2026-03"] * (len(PLANT_TARGETS) + 1),
                                 "line": [None] * len(PLANT_TARGETS) + ["L1"],
                                 "target": [*PLANT_TARGETS.values(), 0.03]},
                                schema_overrides={"line": pl.String})}
    out = compare(list(EXPECTED_STATUS), facts, *MARCH, today=date(2026, 4, 15))
    assert dict(out.select("kpi", "status").iter_rows()) == EXPECTED_STATUS
    assert set(out.get_column("target_scope")) == {"plant"}
    line = compare(["scrap_ratio"], facts, *MARCH, Filters(line="L1"), today=date(2026, 4, 15)).row(0, named=True)
    assert (line["target"], line["target_scope"], line["status"]) == (0.03, "line", "on_target")


# --- the same edges on a page tile, in the PDF and in the CLI ------------------------------------------
@pytest.fixture(scope="module")
def edge_db(tmp_path_factory):
    clear_cache()
    engine, drop = make_database("sqlite", tmp_path_factory.mktemp("edge"))
    edge_plant(engine)
    with serving_database(engine):
        yield engine
    drop()


def run_page(name: str, query: dict, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"analysis_{name}.py"), default_timeout=60)
    at.query_params.update(query)
    if lang:
        at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def tile_badge(at: AppTest, kpi_id: str) -> str:
    """The badge text of a KPI's tile ("near target"), from its markdown ':orange-badge[:material/…: near target]'."""
    badges = [m.value for m in at.get_by_key(f"tile_{kpi_id}").markdown if "-badge[" in m.value]
    assert len(badges) == 1, badges
    return badges[0].split("]")[0].split(": ")[-1].split("[")[-1]


def tile_captions(at: AppTest, kpi_id: str) -> str:
    return " ".join(c.value for c in at.get_by_key(f"tile_{kpi_id}").caption)


MARCH_QUERY = {"period": "custom", "from": "2026-03-01", "to": "2026-03-31", "grain": "day"}
LABEL = {"on_target": "on target", "near_target": "near target", "off_target": "off target"}


def test_page_tiles_show_the_status_rule_at_its_edges(edge_db):
    throughput = run_page("throughput", MARCH_QUERY)
    quality = run_page("quality", MARCH_QUERY)
    for kpi_id, expected in EXPECTED_STATUS.items():
        at = throughput if kpi_id in ("plan_attainment", "good_qty", "finished_qty", "yield") else quality
        assert tile_badge(at, kpi_id) == LABEL[expected], kpi_id
    assert "target 2.50 %" in tile_captions(quality, "scrap_ratio")   # the plant's target, not the line's 3 %
    zh = run_page("quality", MARCH_QUERY, lang="zh")
    assert (tile_badge(zh, "scrap_cost"), tile_badge(zh, "scrap_ratio")) == ("接近目标", "未达标")
    line = run_page("quality", {**MARCH_QUERY, "line": "L1"})
    assert tile_badge(line, "scrap_ratio") == "on target"
    assert "target 3.00 %" in tile_captions(line, "scrap_ratio") and "line target" in tile_captions(line, "scrap_ratio")


def test_pdf_and_xlsx_lights_follow_the_same_rule(engine, tmp_path):
    """The monthly summary PDF of 2026-03: the headline tiles finished_qty (off), plan attainment (near),
    scrap ratio (off) and scrap cost (near) carry the same words as the page tiles."""
    from dashboard.reports.pdf import render_pdf
    from dashboard.reports.summary import build_summary

    edge_plant(engine)
    summary = build_summary(engine, "2026-03", today=date(2026, 4, 15))
    assert {h.kpi: h.status for h in summary.headline if h.status} == {
        k: EXPECTED_STATUS[k] for k in ("finished_qty", "plan_attainment", "scrap_ratio", "scrap_cost")}
    path = tmp_path / "summary.pdf"
    path.write_bytes(render_pdf(summary, "en"))
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # each tile: its name, value ... its light; read the light that follows each KPI's name
    words = {}
    for name, kpi_id in (("Finished output", "finished_qty"), ("Plan attainment", "plan_attainment"),
                         ("Scrap ratio", "scrap_ratio"), ("Scrap cost", "scrap_cost")):
        after = text[text.index(name):]
        words[kpi_id] = min(((after.find(w), w) for w in LABEL.values() if after.find(w) >= 0))[1]
    assert words == {k: LABEL[EXPECTED_STATUS[k]] for k in words}
    # and the XLSX summary sheet's status column
    import io

    import openpyxl

    from dashboard.kpi import KPIS
    from dashboard.reports.xlsx import render_xlsx

    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(summary, "en")))["Summary"]
    status = {r[0].value: r[8].value for r in sheet.iter_rows() if r[0].value}
    assert {k: status[KPIS[k].en] for k in words} == {k: LABEL[EXPECTED_STATUS[k]] for k in words}


def test_cli_prints_target_and_the_same_status(engine, monkeypatch, capsys):
    edge_plant(engine)
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    clear_cache()
    ids = ",".join(EXPECTED_STATUS)
    assert main(["kpi", "--from", "2026-03-01", "--to", "2026-03-31", "--kpi", ids, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == EXPECTED_STATUS
    assert out["targets"]["scrap_ratio"] == 0.025  # the plant's, not L1's 0.03
    assert main(["kpi", "--from", "2026-03-01", "--to", "2026-03-31", "--kpi", "plan_attainment,good_qty"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[-2:] for line in lines[2:]] == [["near", "target"], ["off", "target"]]


# --- one accounting time: a month closing on the 25th ----------------------------------------------------
def cutoff_plant(engine) -> None:
    """Good pieces on both sides of two cut-offs and on a Sunday:
    Wed 25 Feb: 1 · Thu 26 Feb: 10 · Sun 22 Mar: 5 · Wed 25 Mar: 100 · Thu 26 Mar: 1000."""
    plant(engine, machines=[("M1", "L1")], routings=[("P1", 10, "M1", 1.0)])  # one operation: finished = good
    write(engine, "production", [production_row(day=d, planned_min=60, planned_qty=q, good=q) for d, q in (
        (date(2026, 2, 25), 1), (date(2026, 2, 26), 10), (date(2026, 3, 22), 5), (date(2026, 3, 25), 100),
        (date(2026, 3, 26), 1000))])
    write(engine, "targets", [{"kpi": k, "month": "2026-03", "line_code": None, "target": 120.0}
                              for k in ("good_qty", "finished_qty")])


def test_statistics_month_with_a_cut_off_on_the_25th():
    """Cut-off 25: "2026-03" runs 26 Feb .. 25 Mar (28 days in 2026), "2026-01" 26 Dec 2025 .. 25 Jan."""
    cal = PlantCalendar(month_cutoff=25)
    assert calendar.month_bounds("2026-03", cal) == (date(2026, 2, 26), date(2026, 3, 25))
    assert calendar.month_bounds("2026-01", cal) == (date(2025, 12, 26), date(2026, 1, 25))
    assert [calendar.month_of(date(2026, 2, d), cal) for d in (25, 26)] == ["2026-02", "2026-03"]
    assert calendar.month_of(date(2025, 12, 27), cal) == "2026-01"
    assert calendar.previous_period(date(2026, 2, 26), date(2026, 3, 25), cal) == (date(2026, 1, 26), date(2026, 2, 25))
    assert calendar.same_period_last_year(date(2026, 2, 26), date(2026, 3, 25), cal) == (date(2025, 2, 26),
                                                                                           date(2025, 3, 25))
    assert calendar.last_complete_month(date(2026, 3, 26), cal) == "2026-03"  # closed on the 25th
    assert calendar.last_complete_month(date(2026, 3, 25), cal) == "2026-02"
    assert calendar.week_start(date(2026, 3, 25), PlantCalendar(week_start=6)) == date(2026, 3, 22)  # a Sunday
    assert calendar.week_start(date(2026, 3, 22)) == date(2026, 3, 16)  # default: Monday


def test_cut_off_drives_cli_months_weeks_targets_and_summary(engine, monkeypatch, capsys):
    """With PLANTKPI_MONTH_CUTOFF=25 and weeks from Sunday: 2026-02 = 1; 2026-03 = 10 + 5 + 100 = 115;
    2026-04 = 1000. Weeks Sun 22 Feb..28 Feb = 1 + 10 = 11 (ISO 2026-W09), Sun 22 Mar..28 Mar
    = 5 + 100 + 1000 = 1105 (2026-W13). The 2026-03 target 120 applies to 26 Feb..25 Mar:
    115 is short by 5 <= 6 (5 % of 120): near target. The summary of 2026-03 gives 115 against 1."""
    from dashboard.reports.summary import build_summary

    cutoff_plant(engine)
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PLANTKPI_MONTH_CUTOFF", "25")
    monkeypatch.setenv("PLANTKPI_WEEK_START", "sun")
    clear_cache()
    assert main(["kpi", "--by", "month", "--kpi", "good_qty", "--json"]) == 0
    assert [(r["month"], r["good_qty"]) for r in json.loads(capsys.readouterr().out)["rows"]] == [
        ("2026-02", 1), ("2026-03", 115), ("2026-04", 1000)]
    assert main(["kpi", "--by", "week", "--kpi", "good_qty", "--json"]) == 0
    assert [(r["week"], r["good_qty"]) for r in json.loads(capsys.readouterr().out)["rows"]] == [
        ("2026-W09", 11), ("2026-W13", 1105)]
    assert main(["kpi", "--from", "2026-02-26", "--to", "2026-03-25", "--kpi", "good_qty", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["kpis"]["good_qty"], out["targets"]["good_qty"], out["status"]["good_qty"]) == (115, 120, "near_target")
    summary = build_summary(engine, "2026-03", today=date(2026, 4, 10))
    figure = summary.figure("finished_qty")
    assert (summary.date_from, summary.date_to) == (date(2026, 2, 26), date(2026, 3, 25))
    assert (figure.value, figure.previous, figure.target, figure.light) == (115, 1, 120, "amber")


def test_cut_off_on_the_page(tmp_path, monkeypatch):
    """The throughput page over 26 Feb..25 Mar with the cut-off on the 25th: a whole statistics
    month, so it is compared with 26 Jan..25 Feb (1 piece): 115, +114."""
    clear_cache()
    engine, drop = make_database("sqlite", tmp_path)
    try:
        cutoff_plant(engine)
        monkeypatch.setenv("PLANTKPI_MONTH_CUTOFF", "25")
        with serving_database(engine):
            at = run_page("throughput", {"period": "custom", "from": "2026-02-26", "to": "2026-03-25",
                                         "grain": "month"})
        assert "compared with 26 Jan 2026 – 25 Feb 2026" in at.caption[0].value
        assert "months close on day 25 (a month runs from day 26 of the month before)" in at.caption[0].value
        good = next(m for m in at.metric if m.label == KPIS["good_qty"].en)
        assert (good.value, good.delta) == ("115", "+114")
    finally:
        drop()


# --- unknown is not perfect ------------------------------------------------------------------------------
def test_comparison_half_covered_says_so_and_none_without_data():
    """Complaints recorded from 10 Feb 2026: one on 10 Feb, one on 5 Mar, none in April.
    March-April compared with January-February: 1 of 2 months with data (1 complaint, shown with
    its coverage); with March-April 2025: no data at all, so no figure (not 0 complaints)."""
    complaints = pl.DataFrame({"date": [date(2026, 2, 10), date(2026, 3, 5)], "customer": ["C1"] * 2,
                               "abc_class": ["A"] * 2, "product": ["P1"] * 2, "reason": ["R"] * 2, "cost": [1.0] * 2,
                               "days_to_close": [None, None]}, schema_overrides={"days_to_close": pl.Float64})
    row = compare(["complaints"], {"complaints": complaints}, date(2026, 3, 1), date(2026, 4, 30),
                  today=date(2026, 5, 2)).row(0, named=True)
    assert (row["value"], row["previous"], row["previous_covered"], row["previous_periods"]) == (1, 1, 1, 2)
    assert (row["same_period_last_year"], row["last_year_covered"], row["coverage_unit"]) == (None, 0, "month")
    # a period of days, with two more complaints on 6 Feb (the data start): 11..20 Feb is compared with
    # 1..10 Feb (3 complaints: two on the 6th, one on the 10th), of which 6..10 Feb follow the data start
    row = compare(["complaints"], {"complaints": complaints.with_columns(pl.lit(date(2026, 2, 6)).alias("date"))
                                   .vstack(complaints)}, date(2026, 2, 11), date(2026, 2, 20),
                  today=date(2026, 5, 2)).row(0, named=True)
    assert (row["previous"], row["previous_covered"], row["previous_periods"], row["coverage_unit"]) == (
        3, 5, 10, "day")
    by_month = compute(["complaints"], {"complaints": complaints}, ["month"],
                       Filters(date_from=date(2026, 1, 1), date_to=date(2026, 4, 30)))
    assert by_month.rows() == [("2026-02", 1), ("2026-03", 1)]  # months with rows; none before the data start


def test_page_tile_names_the_coverage_of_the_previous_period(tmp_path):
    """Production from 10 Feb 2026 (100 good) and in March (200) and April (300): the tile of
    March-April (500) is compared with January-February, of which 1 of 2 months hold data."""
    clear_cache()
    engine, drop = make_database("sqlite", tmp_path)
    try:
        plant(engine)
        write(engine, "production", [production_row(day=d, planned_min=60, planned_qty=q, good=q) for d, q in (
            (date(2026, 2, 10), 100), (date(2026, 3, 10), 200), (date(2026, 4, 10), 300))])
        with serving_database(engine):
            at = run_page("throughput", {"period": "custom", "from": "2026-03-01", "to": "2026-04-30",
                                         "grain": "month"})
        good = next(m for m in at.metric if m.label == KPIS["good_qty"].en)
        assert (good.value, good.delta) == ("500", "+400")
        assert "prev. period 1 of 2 months with data" in tile_captions(at, "good_qty")
        assert "last year" in tile_captions(at, "good_qty") and "months with data" not in \
            tile_captions(at, "good_qty").split("prev. period")[0]
    finally:
        drop()


def test_cli_months_start_where_each_kinds_data_start(engine, monkeypatch, capsys):
    """Employees hired since 2015-07 but people records (attendance) from 5 Jan 2026, complaints from
    10 Feb 2026, production in January-March 2026: no month before 2026-01 is printed, and January
    has no complaint figure (before the first complaint), February 1, March 0."""
    plant(engine, reasons=[("CP-X", "complaint", None)])
    write(engine, "employees", [{"employee_code": "E1", "name": "a", "department": "production",
                                 "hire_date": date(2015, 7, 1), "hourly_rate": 20.0}])
    write(engine, "attendance", [{"date": date(2026, 1, 5), "employee_code": "E1", "scheduled_h": 8.0,
                                  "worked_h": 8.0, "overtime_h": 0.0, "absence": "none"}])
    write(engine, "complaints", [{"complaint_no": "CC1", "date": date(2026, 2, 10), "customer_code": "C1",
                                  "product_code": "P1", "reason_code": "CP-X", "severity": "minor", "qty_affected": 1,
                                  "cost": 10.0}])
    write(engine, "production", [production_row(day=date(2026, m, 10), planned_min=60, planned_qty=10, good=10)
                                 for m in (1, 2, 3)])
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    clear_cache()
    assert main(["kpi", "--by", "month", "--kpi", "complaints,turnover,good_qty", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows[0]["month"] == "2026-01"
    assert [(r["month"], r["complaints"]) for r in rows[:3]] == [("2026-01", None), ("2026-02", 1), ("2026-03", 0)]
    assert rows[0]["turnover"] == 0.0 and rows[0]["good_qty"] == 10  # known from the first records on


# --- the CLI reaches every number -------------------------------------------------------------------------
def example_plant(engine) -> None:
    """One example row of every kind (tests/support/examples.py): scrap 6 pcs SC-SHORT, a 25-min
    DT-MOLD stop (category setup), complaint CP-DIM, 250 kg PA66 issued against (950 + 10) × 0.045
    = 43.2 kg required, PO price 18.9 vs standard 18.5 on 2,000 kg, costs ¥42,000 utilities, one
    final inspection lot without a machine (so without a line: 492 of 500 first pass)."""
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "lines", "test", "seed")
        for name, rows in example_rows().items():
            insert_rows(conn, name, rows, batch)


def cli_rows(capsys, *args) -> list[dict]:
    assert main(["kpi", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)["rows"]


def test_cli_by_reason_material_category_and_kpi(engine, monkeypatch, capsys):
    example_plant(engine)
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    clear_cache()
    by_reason = {r["reason"]: r for r in cli_rows(capsys, "--by", "reason")}
    assert by_reason["SC-SHORT"]["scrap_by_reason"] == 6
    assert by_reason["DT-MOLD"]["downtime_min"] == 25
    assert by_reason["CP-DIM"]["complaints"] == 1
    by_material = {r["material"]: r for r in cli_rows(capsys, "--by", "material")}
    assert by_material["M-PA66"]["material_loss"] == pytest.approx(250 / 43.2 - 1)
    assert by_material["M-PA66"]["purchase_price_variance"] == pytest.approx(0.4 * 2000)
    by_category = {r["category"]: r for r in cli_rows(capsys, "--by", "category")}
    assert by_category["setup"]["downtime_min"] == 25 and by_category["utilities"]["total_cost"] == 42000
    # --kpi: only those KPIs, and only the facts they need are built
    clear_cache()
    assert main(["kpi", "--kpi", "good_qty,scrap_ratio", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["kpis"] == {"good_qty": 950, "scrap_ratio": pytest.approx(10 / 980)}
    cache = cache_for(engine.url, data_version(engine))  # a request's facts (pruned to its KPIs' columns) too
    assert set(cache.keys("facts")) | {key[0] for key in cache.keys("window_facts")} == {"production"}
    assert main(["kpi", "--kpi", "good_qty,colour"]) == 2
    assert "unknown KPI 'colour'" in capsys.readouterr().err


def test_cli_names_a_missing_line(engine, monkeypatch, capsys):
    """The final inspection lot has no machine, hence no line: printed as "no line" (无产线), never None."""
    example_plant(engine)
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    clear_cache()
    assert main(["kpi", "--by", "line", "--kpi", "fpy,good_qty"]) == 0
    text = capsys.readouterr().out
    assert "None" not in text
    fpy = next(line for line in text.splitlines() if line.split()[:1] == ["no"])
    assert fpy.split()[:3] == ["no", "line", "fpy"] and "98.4 %" in fpy  # as on the tile
    assert [r["line"] for r in cli_rows(capsys, "--by", "line", "--kpi", "fpy")] == [None]


# --- the demo's targets come from its own baseline --------------------------------------------------------
def test_demo_targets_are_the_plants_own_first_year_improved():
    """Recomputed here from the generated rows, without the KPI engine: the plant's scrap ratio of
    each of the first twelve calendar months (Σ scrap / Σ total), averaged, cut by 15 % (the plan)
    is the plant target; INJ's the same over INJ's machines. The plant target is not a line's."""
    from seed.demo import generate, history_start

    today = date(2026, 11, 30)
    frames = generate("small", today=today)
    start = history_start(today)
    end = date(start.year + 1, start.month, 1) - timedelta(days=1)
    rows = (frames["production"].filter(pl.col("date").is_between(start, end))
            .join(frames["machines"].select("machine_code", "line_code"), on="machine_code"))

    def baseline(frame: pl.DataFrame) -> float:
        monthly = frame.group_by(pl.col("date").dt.strftime("%Y-%m")).agg(
            r=pl.col("scrap_qty").sum() / pl.col("total_qty").sum())
        return round(monthly.get_column("r").mean() * 0.85, 4)

    targets = frames["targets"].filter(pl.col("kpi") == "scrap_ratio", pl.col("month") == "2026-11")
    plant_target = targets.filter(pl.col("line_code").is_null()).get_column("target").item()
    line_targets = dict(targets.filter(pl.col("line_code").is_not_null()).select("line_code", "target").iter_rows())
    assert plant_target == pytest.approx(baseline(rows), abs=1e-4)
    assert line_targets["INJ"] == pytest.approx(baseline(rows.filter(pl.col("line_code") == "INJ")), abs=1e-4)
    assert plant_target not in line_targets.values()
    # the demo's recent scrap climb (story 1) is off target, not hidden by a loose target
    recent = frames["production"].filter(pl.col("date").is_between(date(2026, 11, 1), today))
    assert target_status("scrap_ratio", recent["scrap_qty"].sum() / recent["total_qty"].sum(), plant_target) \
        == "off_target"


def test_a_plant_target_derived_from_line_targets_is_shown_as_such(tmp_path, monkeypatch, capsys):
    """Only line targets for 2026-03: scrap ratio L1 2 %, L2 4 %; good_qty L1 1,000, L2 2,800.
    L1 made 1,000 (990 good, 10 scrap), L2 3,000 (2,880 good, 120 scrap). Derived plant targets:
    scrap ratio weighted by total output (0.02 × 1000 + 0.04 × 3000) / 4000 = 3.5 % against the
    plant's 130 / 4000 = 3.25 %: on target; throughput 1,000 + 2,800 = 3,800 against 3,870: on target."""
    clear_cache()
    engine, drop = make_database("sqlite", tmp_path)
    try:
        plant(engine, machines=[("M1", "L1"), ("M2", "L2")])
        write(engine, "production", [
            production_row(day=date(2026, 3, 10), machine="M1", planned_min=60, planned_qty=1000, good=990, scrap=10),
            production_row(day=date(2026, 3, 10), machine="M2", planned_min=60, planned_qty=3000, good=2880,
                           scrap=120)])
        write(engine, "targets", [{"kpi": k, "month": "2026-03", "line_code": line, "target": v} for k, line, v in (
            ("scrap_ratio", "L1", 0.02), ("scrap_ratio", "L2", 0.04), ("good_qty", "L1", 1000.0),
            ("good_qty", "L2", 2800.0))])
        monkeypatch.setenv("PLANTKPI_DATABASE_URL", engine.url.render_as_string(hide_password=False))
        assert main(["kpi", "--from", "2026-03-01", "--to", "2026-03-31", "--kpi", "scrap_ratio,good_qty",
                     "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["targets"] == {"scrap_ratio": pytest.approx(0.035), "good_qty": 3800.0}
        assert out["target_scope"] == {"scrap_ratio": "derived", "good_qty": "derived"}
        assert out["status"] == {"scrap_ratio": "on_target", "good_qty": "on_target"}
        with serving_database(engine):
            at = run_page("quality", MARCH_QUERY)
        assert "target 3.50 %" in tile_captions(at, "scrap_ratio")
        assert "derived: line targets weighted by Total output" in tile_captions(at, "scrap_ratio")
        assert tile_badge(at, "scrap_ratio") == "on target"
    finally:
        drop()


def test_bars_against_a_target_are_coloured_by_the_same_rule():
    """Target 4.0, higher is better: 5.0 on target, 3.9 near (>= 3.8, 5 % below), 3.7 off."""
    from dashboard.ui import charts

    bars = pl.DataFrame({"code": ["A", "B", "C"], "name": ["A", "B", "C"], "value": [5.0, 3.9, 3.7]})
    spec = charts.bar_chart(bars, title="t", category_title="c", value_title="v", unit="pieces", target=4.0,
                            color_by_target=+1).to_dict()
    rows = [r for values in spec["datasets"].values() for r in values if "status" in r]
    assert {r["code"]: r["status"] for r in rows} == {"A": "on_target", "B": "near_target", "C": "off_target"}


def test_monthly_summary_page_shows_the_same_status(edge_db):
    at = AppTest.from_file(str(ROOT / "pages" / "executive.py"), default_timeout=60)
    at.query_params["month"] = "2026-03"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    for kpi_id in ("finished_qty", "plan_attainment", "scrap_ratio", "scrap_cost"):
        badges = [m.value for m in at.get_by_key(f"exec_tile_{kpi_id}").markdown if "-badge[" in m.value]
        assert len(badges) == 1 and badges[0].split("]")[0].endswith(LABEL[EXPECTED_STATUS[kpi_id]]), (kpi_id, badges)


@pytest.mark.parametrize("cutoff", [None, 25, 28])
def test_grain_keys_and_their_bounds_agree_with_the_calendar(cutoff):
    """Every day of 2025-12-01 .. 2028-03-31 lies inside the bounds of its own period (week, month,
    quarter, year), and those bounds are the calendar's period_bounds of that day (cut-off 28: the
    month "2026-03" runs 1 .. 28 March, "2028-03" 29 February .. 28 March in a leap year)."""
    cal = PlantCalendar(month_cutoff=cutoff, week_start=6)
    days = pl.DataFrame({"date": pl.date_range(date(2025, 12, 1), date(2028, 3, 31), "1d", eager=True)})
    if cutoff == 28:
        assert calendar.month_bounds("2026-03", cal) == (date(2026, 3, 1), date(2026, 3, 28))
        assert calendar.month_bounds("2028-03", cal) == (date(2028, 2, 29), date(2028, 3, 28))
    for grain in ("week", "month", "quarter", "year"):
        first, last = calendar.key_bounds(grain, cal)
        keyed = days.with_columns(calendar.grain_key(grain, cal)).with_columns(first=first, last=last)
        expected = [calendar.period_bounds(d, grain, cal) for d in keyed.get_column("date").to_list()]
        assert list(zip(keyed.get_column("first").to_list(), keyed.get_column("last").to_list())) == expected, grain


def test_by_reason_gives_no_zero_downtime_for_a_complaint_reason(engine, monkeypatch, capsys):
    """CP-DIM is a complaint reason: by reason it has 1 complaint and no downtime or scrap figure
    (not "0 min"); DT-MOLD has 25 min and no complaint figure."""
    example_plant(engine)
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    clear_cache()
    rows = {r["reason"]: r for r in cli_rows(capsys, "--by", "reason", "--kpi",
                                             "complaints,downtime_min,scrap_by_reason")}
    cp = rows["CP-DIM"]
    assert (cp["complaints"], cp["downtime_min"], cp["scrap_by_reason"]) == (1, None, None)
    assert (rows["DT-MOLD"]["downtime_min"], rows["DT-MOLD"]["complaints"]) == (25, None)

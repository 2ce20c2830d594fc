"""One status rule, one plant calendar, coverage of comparisons and `plantkpi kpi` (issue 13 items 3, 5, 6, 7).

The status rule (dashboard.kpi.compare.target_status): on target when the value meets the target
in the KPI's direction, near target when it misses by at most 5 % of the target, off beyond.

The band-edge plant (EDGE): line L1, machine M1, product P1 (standard cost ¥2.00, ideal cycle 1 s).
One production row on 10 March 2026: planned 420 min, planned 1,000 pcs, good 905, defect 20,
scrap 25 (total 950). Plant targets for 2026-03 and what the rule must say:
  plan_attainment 905/1000 = 0.9050 vs 0.95  short 0.0450 <= 0.0475 (5 % of 0.95)  near (higher, inside)
  good_qty        905          vs 955   short 50     >  47.75                   off  (higher, outside)
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
from dashboard.kpi import Filters, compare, compute, target_status
from dashboard.kpi import calendar
from dashboard.kpi.calendar import PlantCalendar
from data_access import facts as facts_module
from data_access.db import write_transaction
from data_access.facts import clear_cache, load_facts
from data_access.store import insert_rows, new_batch
from tests.conftest import make_database, serving_database
from tests.support.examples import example_rows
from tests.test_kpi_examples import plant, production_row, write

ROOT = Path(__file__).resolve().parents[1]
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
EXPECTED_STATUS = {"plan_attainment": "near_target", "good_qty": "off_target", "yield": "on_target",
                   "scrap_ratio": "off_target", "scrap_cost": "near_target", "rework_ratio": "near_target"}
PLANT_TARGETS = {"plan_attainment": 0.95, "good_qty": 955.0, "yield": 0.95, "scrap_ratio": 0.025,
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
        "standard_cost": [2.0]}),
        "targets": pl.DataFrame({"kpi": [*PLANT_TARGETS, "scrap_ratio"], "month": ["2026-03"] * 7,
                                 "line": [None] * 6 + ["L1"], "target": [*PLANT_TARGETS.values(), 0.03]},
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


def run_page(name: str, query: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"analysis_{name}.py"), default_timeout=60)
    at.query_params.update(query)
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
        at = throughput if kpi_id in ("plan_attainment", "good_qty", "yield") else quality
        assert tile_badge(at, kpi_id) == LABEL[expected], kpi_id
    assert "target 2.50 %" in tile_captions(quality, "scrap_ratio")   # the plant's target, not the line's 3 %
    line = run_page("quality", {**MARCH_QUERY, "line": "L1"})
    assert tile_badge(line, "scrap_ratio") == "on target"
    assert "target 3.00 %" in tile_captions(line, "scrap_ratio") and "line target" in tile_captions(line, "scrap_ratio")


def test_pdf_lights_follow_the_same_rule(edge_db, tmp_path):
    """The monthly summary PDF of 2026-03: the headline tiles good_qty (off), plan attainment (near),
    scrap ratio (off) and scrap cost (near) carry the same words as the page tiles."""
    from dashboard.reports.pdf import render_pdf
    from dashboard.reports.summary import build_summary

    summary = build_summary(edge_db, "2026-03", today=date(2026, 4, 15))
    assert {h.kpi: h.status for h in summary.headline if h.status} == {
        k: EXPECTED_STATUS[k] for k in ("good_qty", "plan_attainment", "scrap_ratio", "scrap_cost")}
    path = tmp_path / "summary.pdf"
    path.write_bytes(render_pdf(summary, "en"))
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # each tile: its name, value ... its light; read the light that follows each KPI's name
    words = {}
    for name, kpi_id in (("Throughput (good)", "good_qty"), ("Plan attainment", "plan_attainment"),
                         ("Scrap ratio", "scrap_ratio"), ("Scrap cost", "scrap_cost")):
        after = text[text.index(name):]
        words[kpi_id] = min(((after.find(w), w) for w in LABEL.values() if after.find(w) >= 0))[1]
    assert words == {k: LABEL[EXPECTED_STATUS[k]] for k in words}


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

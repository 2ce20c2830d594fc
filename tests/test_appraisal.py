"""Department scorecards (docs/kpis.md "Appraisal", README "Command line"), hand-computed.

The plant (every case below): line L1, machine M1, product P1 (one operation). March 2026: good 900,
scrap 100 -> total 1,000, scrap_ratio 0.10, finished_qty 900, yield 0.90.
Targets for 2026-03: scrap_ratio plant 0.08, scrap_ratio on L1 0.09, finished_qty plant 600; no
target for yield.
Scorecard:
  production  scrap_ratio (plant)  weight 50 -> lower is better: 0.08 / 0.10 = 0.8, points 40
              finished_qty (plant) weight 30 -> 900 / 600 = 1.5, capped at 1.2, points 36
              yield (plant)        weight 20 -> no target: listed, not scored
              score = (40 + 36) / (50 + 30) = 0.95
  quality     scrap_ratio on L1    weight 10 -> 0.09 / 0.10 = 0.9; score 0.9
Ranking: production 1, quality 2.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from dashboard.kpi import appraisal
from dashboard.kpi.registry import KPIS
from data_access.ingest import import_upload
from data_access.kinds.scorecard import KPI_IDS
from data_access.loaders import load_kind
from tests.test_kpi_examples import facts_of, plant, production_row, write
from dashboard.ingest_messages import message

ROOT = Path(__file__).resolve().parent.parent


def seed_march(engine):
    plant(engine, routings=[("P1", 10, "M1", 1.0)])
    write(engine, "production", [production_row(day=date(2026, 3, 10), good=900, scrap=100)])
    write(engine, "targets", [{"kpi": "scrap_ratio", "month": "2026-03", "line_code": None, "target": 0.08},
                              {"kpi": "scrap_ratio", "month": "2026-03", "line_code": "L1", "target": 0.09},
                              {"kpi": "finished_qty", "month": "2026-03", "line_code": None, "target": 600}])
    write(engine, "scorecard", [
        {"department": "production", "kpi": "scrap_ratio", "weight": 50, "line_code": None},
        {"department": "production", "kpi": "finished_qty", "weight": 30, "line_code": None},
        {"department": "production", "kpi": "yield", "weight": 20, "line_code": None},
        {"department": "quality", "kpi": "scrap_ratio", "weight": 10, "line_code": "L1"}])
    return engine


@pytest.fixture
def march(engine):
    return seed_march(engine)


def test_scores_lower_is_better_cap_and_row_without_target(march):
    """The module docstring's case, computed by dashboard.kpi.appraisal on the stored rows."""
    rows = appraisal.scorecard_rows(load_kind("scorecard", march), facts_of(march), "2026-03")
    by = {(r["department"], r["kpi"]): r for r in rows.iter_rows(named=True)}
    scrap = by[("production", "scrap_ratio")]
    assert scrap["actual"] == pytest.approx(0.10) and scrap["target"] == pytest.approx(0.08)
    assert scrap["achievement"] == pytest.approx(0.8) and scrap["points"] == pytest.approx(40)
    finished = by[("production", "finished_qty")]
    assert finished["actual"] == pytest.approx(900) and finished["achievement"] == pytest.approx(1.2)
    no_target = by[("production", "yield")]
    assert no_target["actual"] == pytest.approx(0.9) and no_target["target"] is None
    assert no_target["scored"] is False and no_target["points"] is None
    line = by[("quality", "scrap_ratio")]
    assert line["line"] == "L1" and line["target"] == pytest.approx(0.09) and line["achievement"] == pytest.approx(0.9)
    scores = {r["department"]: r for r in appraisal.department_scores(rows).iter_rows(named=True)}
    assert scores["production"]["score"] == pytest.approx(0.95) and scores["production"]["rank"] == 1
    assert scores["production"]["rows"] == 3 and scores["production"]["rows_scored"] == 2
    assert scores["quality"]["score"] == pytest.approx(0.9) and scores["quality"]["rank"] == 2


def run_cli(engine, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PLANTKPI_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "dashboard.cli", "scorecard", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def test_cli_json_shape_and_scores(march):
    """`plantkpi scorecard --month 2026-03 --json`: the shape README "Command line" gives, production 0.95 first, quality 0.9;
    a bad month exits 2."""
    done = run_cli(march, "--month", "2026-03", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [d["department"] for d in out["departments"]] == ["production", "quality"]
    production = out["departments"][0]
    assert production["score"] == pytest.approx(0.95)
    assert {"kpi", "actual", "target", "achievement", "weight"} <= set(production["rows"][0])
    rows = {r["kpi"]: r for r in production["rows"]}
    assert rows["scrap_ratio"]["achievement"] == pytest.approx(0.8) and rows["scrap_ratio"]["weight"] == 50
    assert rows["yield"]["target"] is None and rows["yield"]["achievement"] is None
    assert out["departments"][1]["score"] == pytest.approx(0.9)
    assert run_cli(march, "--month", "2026-13x").returncode == 2


def test_unknown_kpi_upload_is_refused_with_row_column_value(sqlite_engine):
    """A scorecard file whose second data row (file row 3) names `oee_total` (not a KPI) is refused:
    the problem names row 3, column kpi, value oee_total; nothing is written. A weight of 0 too."""
    data = "department,kpi,weight\nproduction,oee,40\nquality,oee_total,30\nsales,otd_line,0\n".encode()
    for lang, word in (("en", "unknown KPI id"), ("zh", "未知的指标代码")):
        result = import_upload(sqlite_engine, "scorecard", data, "card.csv", "admin")
        assert not result.written
        bad = [p for p in result.problems if not p.warning]
        kpi_problem = next(p for p in bad if p.field == "kpi")
        assert (kpi_problem.row, kpi_problem.column, kpi_problem.value) == (3, "kpi", "oee_total")
        assert word in message(kpi_problem, lang)
        weight_problem = next(p for p in bad if p.field == "weight")
        assert (weight_problem.row, weight_problem.value) == (4, "0")
    assert load_kind("scorecard", sqlite_engine).height == 0


def test_scorecard_kpi_ids_are_the_registry_and_timeliness():
    """data_access cannot import the registry: its list must be the registry's ids + data_timeliness."""
    assert set(KPI_IDS) == set(KPIS) | {"data_timeliness"}


def test_achievement_rules_for_signed_and_zero_values():
    """Lower is better, actual 0 (no complaints) -> the cap 1.2; higher is better, actual 0 -> 0;
    target 0 -> not scored; lower is better 50 against 40 -> 0.8."""
    assert appraisal.achievement(-1, 0.0, 40.0) == 1.2
    assert appraisal.achievement(1, 0.0, 0.9) == 0.0
    assert appraisal.achievement(1, 0.5, 0.0) is None
    assert appraisal.achievement(-1, 50.0, 40.0) == pytest.approx(0.8)


def test_data_timeliness_hand_computed():
    """March 2026, Monday weeks; 1 March is a Sunday. Weeks ending in March: Feb 23-Mar 1, 2-8, 9-15,
    16-22, 23-29 (30 Mar-5 Apr ends in April).
    production (weekly): Feb 23-Mar 1 arrived Fri 27 Feb (on time), 2-8 arrived Mon 9th 11:00 (on
    time), 9-15 arrived Mon 16th 12:30 (late), 16-22 arrived Sun 22nd (on time), 23-29 nothing (late)
    -> 3 of 5 = 0.6.
    finance `costs` (monthly): arrived 2026-04-05 18:00 (by the 5th) -> 1 of 1 = 1.0.
    `now` 2026-04-30: every deadline has passed. On 2026-03-20 only the weeks to 15 March are due
    (on time, on time, late): 2 of 3; costs not yet.
    sales `orders` first reports on 20 March: the weeks before are not expected, 16-22 arrived on
    Mon 23rd 09:00 (on time), 23-29 nothing -> 1 of 2 = 0.5."""
    from dashboard.kpi.calendar import PlantCalendar

    arrivals = pl.DataFrame({
        "department": ["production"] * 4 + ["finance", "sales"], "kind": ["production"] * 4 + ["costs", "orders"],
        "cadence": ["weekly"] * 4 + ["monthly", "weekly"],
        "day": [date(2026, 2, 25), date(2026, 3, 4), date(2026, 3, 12), date(2026, 3, 20), date(2026, 3, 1),
                date(2026, 3, 20)],
        "arrived": [datetime(2026, 2, 27, 17), datetime(2026, 3, 9, 11), datetime(2026, 3, 16, 12, 30),
                    datetime(2026, 3, 22, 9), datetime(2026, 4, 5, 18), datetime(2026, 3, 23, 9)]})
    shares = appraisal.data_timeliness(arrivals, "2026-03", datetime(2026, 4, 30), PlantCalendar())
    assert shares == {"production": pytest.approx(0.6), "finance": 1.0, "sales": 0.5}
    early = appraisal.data_timeliness(arrivals, "2026-03", datetime(2026, 3, 20), PlantCalendar())
    assert early == {"production": pytest.approx(2 / 3)}


def test_demo_scorecard_covers_every_department_with_weights_of_100():
    """seed.appraisal: every department (all but the master-data 'admin') has rows; weights add to 100;
    every KPI is one the scorecard kind accepts."""
    from data_access.kinds.base import DEPARTMENTS
    from seed.appraisal import scorecard

    card = scorecard(pl.DataFrame({"line_code": ["L2", "L1"]}))
    sums = dict(card.group_by("department").agg(pl.col("weight").sum()).iter_rows())
    assert set(sums) == set(DEPARTMENTS) - {"admin"}
    assert all(total == 100 for total in sums.values()), sums
    assert set(card.get_column("kpi")) <= set(KPI_IDS)
    assert card.filter(pl.col("line_code").is_not_null()).get_column("line_code").to_list() == ["L1"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from data_access.loaders import clear_cache
    from seed.demo import load_demo
    from tests.conftest import make_database, serving_database

    clear_cache()
    engine, drop = make_database("sqlite", tmp_path_factory.mktemp("scorecards"))
    load_demo(engine, "small", today=date.today())
    with serving_database(engine):
        yield engine
    drop()


def test_page_in_chinese_shows_names_not_codes(demo):
    """The Scorecards page in zh on the demo: a heading per department with its Chinese name (生产部 …),
    KPI rows by their Chinese names (废品率), the ranking and trend charts, and no raw department or
    KPI code anywhere in the headings and tables."""
    from streamlit.testing.v1 import AppTest

    from dashboard.i18n import language
    from data_access.kinds.base import DEPARTMENTS

    at = AppTest.from_file(str(ROOT / "pages" / "scorecards.py"), default_timeout=120)
    at.session_state["lang"] = "zh"
    with language("zh"):
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    headings = [h.value for h in at.subheader]
    assert len(headings) == len(DEPARTMENTS) - 1
    assert any("生产部" in h for h in headings) and any("客服部" in h for h in headings)
    cells = []
    for frame in at.dataframe:
        table = frame.value
        cells += [str(c) for c in table.columns] + [str(v) for v in table.to_numpy().ravel()]
    assert "废品率" in cells and "未计分：无目标值" in cells
    codes = set(KPIS) | set(DEPARTMENTS)
    shown = headings + cells
    leaked = [text for text in shown if any(code in text.split() or code == text for code in codes)
              or any(code in text for code in codes if "_" in code)]
    assert leaked == []
    charts = []

    def walk(node):
        if getattr(node, "type", None) == "vega_lite_chart":
            charts.append(node)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    assert len(charts) == 2, "the ranking and the 12-month trend"


def test_data_timeliness_from_stored_batches_counts_in_the_score(engine):
    """Production rows of 3 March 2026 in a batch created Mon 9 March 10:00 (on time for the week
    2-8) and of 10 March in a batch created Mon 16 March 13:00 (after 12:00: late). Production reports
    from the week of 2 March on, so the weeks 2-8, 9-15, 16-22, 23-29 are expected: 1 of 4 = 0.25.
    Scorecard: production data_timeliness weight 10, target 0.9 -> achievement 0.25 / 0.9 = 0.2778,
    which is the department's score (its only row)."""
    import sqlalchemy as sa

    from dashboard.commands.scorecard import month_scorecards
    from data_access.db import write_transaction

    plant(engine, routings=[("P1", 10, "M1", 1.0)])
    write(engine, "production", [production_row(day=date(2026, 3, 3), good=10)])
    write(engine, "production", [production_row(day=date(2026, 3, 10), good=10)])
    write(engine, "targets", [{"kpi": "data_timeliness", "month": "2026-03", "line_code": None, "target": 0.9}])
    write(engine, "scorecard", [{"department": "production", "kpi": "data_timeliness", "weight": 10,
                                 "line_code": None}])
    batches = sa.table("batches", sa.column("id"), sa.column("kind"), sa.column("created_at"))
    with write_transaction(engine) as conn:
        ids = [i for (i,) in conn.execute(sa.select(batches.c.id).where(batches.c.kind == "production")
                                          .order_by(batches.c.id))]
        for batch_id, at in zip(ids, (datetime(2026, 3, 9, 10), datetime(2026, 3, 16, 13))):
            conn.execute(sa.update(batches).where(batches.c.id == batch_id).values(created_at=at))
    rows, scores = month_scorecards(engine, "2026-03", facts_of(engine), now=datetime(2026, 5, 1))
    row = rows.row(0, named=True)
    assert row["actual"] == pytest.approx(0.25) and row["target"] == pytest.approx(0.9)
    assert row["achievement"] == pytest.approx(0.25 / 0.9)
    assert scores.row(0, named=True)["score"] == pytest.approx(0.25 / 0.9)

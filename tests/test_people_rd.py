"""People exceptions and R&D projects (issue 17.1, 17.3), on a small plant computed by hand.

January 2026 (31 days); employees, all hired 2025-01-01 unless said:
  E-0001 王伟 production; E-0002 李娜 production, transferred "to:quality" on 16 Jan (and a move
  "INJ -> DMC" inside production on 8 Jan, which is no department transfer); E-0003 张敏 quality;
  E-0004 刘洋 production and E-0005 陈静 quality, both hired 20 Jan (hire events costing 1,200 and 1,800).
Attendance: E-0001..3 every day of January, scheduled 8 h, worked 8 h, except E-0003 sick on 20 Jan
  (worked 0) and injured on 21 Jan (worked 2): 93 × 8 = 744 h scheduled, 744 − 8 − 6 = 730 h worked.
  Overtime: E-0001 4.5 h on 5..12 Jan = 36.0 h (exactly the limit: not over); E-0002 the same + 0.5 h
  on 13 Jan = 36.5 h (over by 0.5 h).
HR events: injuries of E-0003 (21 Jan) and E-0001 (28 Jan).
Costs 2026-01: recruitment 3,000, welfare 1,170 (department hr).

Hand-computed:
  overtime_over_limit (Jan) = 1 (李娜); at exactly 36 h 王伟 is not listed.
  injury_rate = 2 × 200,000 / 730 = 547.945…
  absence_rate = (8 + 6) / 744 = 0.018817; sick = 8 / 744, injury = 6 / 744.
  headcount-days in January: production 1–15 Jan E-0001, E-0002 (2 × 15 = 30), 16–19 Jan E-0001 (4),
  20–31 Jan E-0001, E-0004 (2 × 12 = 24) = 58 → 58 / 31 = 1.871; quality 1 × 15 + 2 × 4 + 3 × 12 = 59
  → 59 / 31 = 1.903; the plant 117 / 31 = 3.774.
  dept_transfers = 1 (the "INJ -> DMC" move is not one).
  recruitment_cost_per_hire = 3,000 / 2 hires = 1,500; welfare_per_head = 1,170 / (117 / 31) = 310.0.
Projects (product P-1001): RD-2601 design from 2025-11-01 (56,000, budget 50,000); RD-2602 concept
  from 2026-01-10 (8,000, budget 10,000); RD-2603 concept from 2026-01-12 (12,000, no budget); RD-2604
  market 2025-06-01 .. 2025-12-20 (90,000, budget 100,000).
  By stage: concept 2 / 20,000, design 1 / 56,000, development 0, launch 0, market 1 / 90,000;
  launched: 2025-Q4 1. Days in stage on 2026-01-31: concept (21 + 19) / 2 = 20.
  Cost against budget (projects with a budget only): concept 8,000 / 10,000 = 0.8, design 56,000 /
  50,000 = 1.12, market 0.9.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.kpi import Filters, compute
from dashboard.kpi.calendar import PlantCalendar
from dashboard.kpi.people import monthly_overtime, overtime_over_limit
from dashboard.kpi.rd import launched_per_quarter, projects_by_stage
from data_access.db import write_transaction
from dashboard.facts import load_facts
from dashboard.kpi.facts import headcount_by_day
from data_access.kinds.base import DEPARTMENTS
from data_access.loaders import clear_cache
from data_access.store import insert_rows, new_batch
from tests.conftest import make_database, serving_database
from tests.support.examples import example_row

ROOT = Path(__file__).resolve().parents[1]
JAN = Filters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
JANUARY = {"period": "custom", "from": "2026-01-01", "to": "2026-01-31", "grain": "month"}
HIRED = date(2025, 1, 1)


def _employee(code, name, department, hire=HIRED):
    return {**example_row("employees"), "employee_code": code, "name": name, "department": department,
            "hire_date": hire}


def plant_rows() -> dict[str, list[dict]]:
    employees = [_employee("E-0001", "王伟", "production"), _employee("E-0002", "李娜", "production"),
                 _employee("E-0003", "张敏", "quality"), _employee("E-0004", "刘洋", "production", date(2026, 1, 20)),
                 _employee("E-0005", "陈静", "quality", date(2026, 1, 20))]
    attendance = []
    for day in (date(2026, 1, 1) + timedelta(days=i) for i in range(31)):
        for code in ("E-0001", "E-0002", "E-0003"):
            overtime = 4.5 if code != "E-0003" and 5 <= day.day <= 12 else 0.0
            if code == "E-0002" and day.day == 13:
                overtime = 0.5
            worked, absence = 8.0, "none"
            if code == "E-0003" and day.day == 20:
                worked, absence = 0.0, "sick"
            if code == "E-0003" and day.day == 21:
                worked, absence = 2.0, "injury"
            attendance.append({"date": day, "employee_code": code, "scheduled_h": 8.0, "worked_h": worked,
                               "overtime_h": overtime, "absence": absence})
    events = [
        {"date": date(2026, 1, 8), "employee_code": "E-0002", "event": "transfer", "detail": "INJ -> DMC", "cost": None},
        {"date": date(2026, 1, 16), "employee_code": "E-0002", "event": "transfer", "detail": "to:quality 调品管部",
         "cost": None},
        {"date": date(2026, 1, 20), "employee_code": "E-0004", "event": "hire", "detail": None, "cost": 1200.0},
        {"date": date(2026, 1, 20), "employee_code": "E-0005", "event": "hire", "detail": None, "cost": 1800.0},
        {"date": date(2026, 1, 21), "employee_code": "E-0003", "event": "injury", "detail": "烫伤", "cost": 3000.0},
        {"date": date(2026, 1, 28), "employee_code": "E-0001", "event": "injury", "detail": "hand cut", "cost": 500.0},
    ]
    costs = [{"month": "2026-01", "department": "hr", "category": "recruitment", "amount": 3000.0},
             {"month": "2026-01", "department": "hr", "category": "welfare", "amount": 1170.0}]
    project = example_row("projects")
    projects = [{**project, "project_code": "RD-2601", "stage": "design", "start_date": date(2025, 11, 1),
                 "end_date": None, "cost": 56000.0, "budget": 50000.0},
                {**project, "project_code": "RD-2602", "stage": "concept", "start_date": date(2026, 1, 10),
                 "end_date": None, "cost": 8000.0, "budget": 10000.0},
                {**project, "project_code": "RD-2603", "stage": "concept", "start_date": date(2026, 1, 12),
                 "end_date": None, "cost": 12000.0, "budget": None},
                {**project, "project_code": "RD-2604", "stage": "market", "start_date": date(2025, 6, 1),
                 "end_date": date(2025, 12, 20), "cost": 90000.0, "budget": 100000.0}]
    return {"products": [example_row("products")], "employees": employees, "attendance": attendance,
            "hr_events": events, "costs": costs, "projects": projects}


def load_plant(engine) -> None:
    with write_transaction(engine) as conn:
        batch = new_batch(conn, "employees", "test", "seed")
        for kind, rows in plant_rows().items():
            insert_rows(conn, kind, rows, batch)


# --- pure functions ---------------------------------------------------------------------------------

def _overtime(rows: list[tuple[date, str, float]]) -> pl.DataFrame:
    return pl.DataFrame([{"date": d, "employee": e, "department": "production", "overtime_h": h} for d, e, h in rows])


def test_overtime_at_exactly_36_hours_is_within_the_limit_and_above_is_over():
    """A: 36.0 h in January (not over); B: 36.5 h (over by 0.5 h); B in February 10 h (not over)."""
    rows = _overtime([(date(2026, 1, 5), "A", 20.0), (date(2026, 1, 20), "A", 16.0),
                      (date(2026, 1, 5), "B", 36.0), (date(2026, 1, 30), "B", 0.5), (date(2026, 2, 3), "B", 10.0)])
    names = pl.DataFrame({"employee_code": ["A", "B"], "name": ["王伟", "李娜"]})
    over = overtime_over_limit(rows, names, PlantCalendar())
    assert over.select("month", "employee", "name", "overtime_h", "over_h").rows() == [("2026-01", "B", "李娜", 36.5, 0.5)]


def test_overtime_months_follow_the_statistics_month_cut_off():
    """30 h on 10 Jan + 10 h on 27 Jan: 40 h in calendar January (over); with a cut-off on the 25th the
    27th belongs to February's statistics month: 30 h and 10 h, nobody over the limit."""
    rows = _overtime([(date(2026, 1, 10), "A", 30.0), (date(2026, 1, 27), "A", 10.0)])
    assert overtime_over_limit(rows, cal=PlantCalendar()).get_column("overtime_h").to_list() == [40.0]
    assert overtime_over_limit(rows, cal=PlantCalendar(month_cutoff=25)).height == 0
    assert sorted(monthly_overtime(rows, PlantCalendar(month_cutoff=25)).get_column("overtime_h").to_list()) == [10.0, 30.0]


def test_a_transfer_moves_headcount_between_departments():
    """Two in production from 1 Jan; B moves "to:quality" on 4 Jan: production 2, 2, 2, 1, 1; quality 0 then 1.
    A move between lines ("INJ -> DMC") and a transfer to an unknown department change nothing."""
    employees = pl.DataFrame({"employee": ["A", "B"], "department": ["production", "production"],
                              "hire_date": [date(2026, 1, 1)] * 2, "leave_date": [None, None]},
                             schema_overrides={"leave_date": pl.Date})
    events = pl.DataFrame({"date": [date(2026, 1, 2), date(2026, 1, 3), date(2026, 1, 4)],
                           "employee_code": ["B", "A", "B"], "event": ["transfer"] * 3,
                           "detail": ["INJ -> DMC", "to:nowhere", "to:quality"]})
    days = headcount_by_day(employees, date(2026, 1, 5), events, DEPARTMENTS)
    by = {d: days.filter(department=d).sort("date").get_column("headcount").to_list() for d in ("production", "quality")}
    assert by == {"production": [2, 2, 2, 1, 1], "quality": [0, 0, 0, 1, 1]}
    assert days.get_column("leaves").sum() == 0


def test_a_transfer_with_from_counts_a_register_kept_current():
    """HR updated the register to quality and wrote "to:quality from:production" on 4 Jan: before it the
    employee counted in production (2, 2, 2), from it in quality; the same headcounts as above."""
    employees = pl.DataFrame({"employee": ["A", "B"], "department": ["production", "quality"],
                              "hire_date": [date(2026, 1, 1)] * 2, "leave_date": [None, None]},
                             schema_overrides={"leave_date": pl.Date})
    events = pl.DataFrame({"date": [date(2026, 1, 4)], "employee_code": ["B"], "event": ["transfer"],
                           "detail": ["to:quality from:production 调品管部"]})
    days = headcount_by_day(employees, date(2026, 1, 5), events, DEPARTMENTS)
    by = {d: days.filter(department=d).sort("date").get_column("headcount").to_list() for d in ("production", "quality")}
    assert by == {"production": [2, 2, 2, 1, 1], "quality": [0, 0, 0, 1, 1]}


def test_projects_by_stage_and_launches_per_quarter():
    """The four projects of the module docstring, on 2026-01-31."""
    rows = pl.DataFrame([{"product": "P-1001", **{k: v for k, v in p.items() if k != "product_code"}}
                         for p in plant_rows()["projects"]])
    stages = projects_by_stage(rows, date(2026, 1, 31))
    assert stages.select("stage", "projects", "cost").rows() == [
        ("concept", 2, 20000.0), ("design", 1, 56000.0), ("development", 0, 0.0), ("launch", 0, 0.0),
        ("market", 1, 90000.0)]
    assert stages.filter(stage="concept").get_column("days_in_stage").item() == 20.0
    ratios = dict(stages.select("stage", "cost_to_budget").rows())
    assert ratios["concept"] == pytest.approx(0.8) and ratios["design"] == pytest.approx(1.12)
    assert ratios["market"] == pytest.approx(0.9) and ratios["development"] is None
    assert launched_per_quarter(rows, PlantCalendar()).rows() == [("2025-Q4", 1)]


# --- the KPIs over the database's facts (SQLite and PostgreSQL) ------------------------------------

def test_people_kpis_on_the_database(engine):
    load_plant(engine)
    facts = load_facts(engine)
    out = compute(["overtime_over_limit", "injuries", "injury_rate", "absence_rate", "absence_rate_sick",
                   "absence_rate_injury", "dept_transfers", "hires", "recruitment_cost_per_hire", "headcount",
                   "welfare_per_head"], facts, (), JAN, today=date(2026, 2, 1)).row(0, named=True)
    assert out["overtime_over_limit"] == 1
    assert out["injuries"] == 2
    assert out["injury_rate"] == pytest.approx(2 * 200_000 / 730)
    assert out["absence_rate"] == pytest.approx(14 / 744)
    assert out["absence_rate_sick"] == pytest.approx(8 / 744)
    assert out["absence_rate_injury"] == pytest.approx(6 / 744)
    assert out["dept_transfers"] == 1
    assert out["hires"] == 2
    assert out["recruitment_cost_per_hire"] == pytest.approx(1500.0)
    assert out["headcount"] == pytest.approx(117 / 31)
    assert out["welfare_per_head"] == pytest.approx(310.0)
    by_department = compute(["headcount"], facts, ("department",), JAN, today=date(2026, 2, 1))
    heads = dict(by_department.select("department", "headcount").rows())
    assert heads["production"] == pytest.approx(58 / 31)
    assert heads["quality"] == pytest.approx(59 / 31)
    moved = facts["hr_events"].filter(pl.col("to_department").is_not_null())
    assert moved.select("employee", "from_department", "to_department").rows() == [("E-0002", "production", "quality")]
    # attendance follows the transfer: 李娜's 15 days before 16 Jan in production, 16 after in quality,
    # so quality's scheduled hours are 张敏's 31 × 8 + 16 × 8 = 376
    hours = dict(compute(["attendance_rate"], facts, ("department",), JAN, today=date(2026, 2, 1), with_measures=True)
                 .select("department", "scheduled_h").rows())
    assert hours == {"production": (31 + 15) * 8.0, "quality": (31 + 16) * 8.0}


# --- pages ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def plant_db(tmp_path_factory):
    clear_cache()
    engine, drop = make_database("sqlite", tmp_path_factory.mktemp("people"))
    load_plant(engine)
    with serving_database(engine):
        yield engine
    drop()


def run_page(name: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"analysis_{name}.py"), default_timeout=60)
    at.query_params.update(JANUARY)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def table_with(at: AppTest, column: str):
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with column {column!r}"
    return found[0]


def test_people_page_in_chinese_names_the_employee_over_the_overtime_limit(plant_db):
    at = run_page("people", "zh")
    over = table_with(at, "超出小时数")
    assert over["姓名"].tolist() == ["李娜"]  # 王伟 at exactly 36 h is not over
    assert over["超出小时数"].tolist() == [0.5]
    injured = table_with(at, "说明")
    assert set(injured["姓名"]) >= {"张敏", "王伟"}
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["加班超标人数"] == "1"
    events = table_with(at, "事件")
    assert sorted(events["事件"]) == sorted(["调动", "调动", "入职", "入职", "工伤", "工伤"])


def test_people_page_hides_the_names_from_a_manager(plant_db):
    """Names are for admin, executives and HR: a production manager sees the hours, not who."""
    from dashboard.auth import CurrentUser
    from dashboard.ui.login import SESSION_USER

    at = AppTest.from_file(str(ROOT / "pages" / "analysis_people.py"), default_timeout=60)
    at.query_params.update(JANUARY)
    at.session_state[SESSION_USER] = CurrentUser("boss", "manager", "production")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    over = table_with(at, "Hours over the limit")
    assert "Name" not in over.columns and over["Employee"].tolist() == ["E-0002"]
    shown = " ".join(str(d.value.to_dict()) for d in at.dataframe)
    assert "李娜" not in shown and "张敏" not in shown


def test_rd_page_shows_projects_by_stage(plant_db):
    at = run_page("rd", "zh")
    stages = table_with(at, "阶段停留天数(平均)")
    assert dict(zip(stages["阶段"], stages["项目数"])) == {"概念化": 2, "产品化": 1, "技术化": 0, "商品化": 0,
                                                         "市场化": 1}
    assert float(dict(zip(stages["阶段"], stages["费用/预算"]))["产品化"]) == pytest.approx(1.12)  # as shown
    launched = table_with(at, "上市数")
    assert launched.values.tolist() == [["2025-Q4", 1]]


def test_rd_page_is_listed_beside_the_other_analysis_pages():
    from dashboard.navigation import pages_for

    files = [p.file for p in pages_for("executive")]
    assert "analysis_rd.py" in files and files.index("analysis_rd.py") == files.index("analysis_sales.py") + 1


# --- the demo plant --------------------------------------------------------------------------------

def test_demo_has_busy_season_overtime_exceptions_injuries_transfers_and_every_stage():
    """The demo (seed/demo.py, seed/hr_rd.py): employees over 36 h of overtime only in the weeks before a
    Chinese New Year and not many of them; at least two injuries; department transfers whose detail
    says where ("to:<department>"), each moving one person; projects in all five stages."""
    from dashboard.facts import FrameFacts
    from seed.demo import generate, story_facts

    today = date.today()
    frames = generate("small", today=today)
    facts = FrameFacts(frames)
    over = overtime_over_limit(facts["attendance"], frames["employees"], PlantCalendar())
    new_years = story_facts(today)["chinese_new_year"]
    assert 1 <= over.height <= 40
    for month in set(over.get_column("month").to_list()):
        first = date.fromisoformat(month + "-01")
        assert any(timedelta(0) <= ny - first <= timedelta(days=62) for ny in new_years), month
    assert over.get_column("name").null_count() == 0
    assert frames["hr_events"].filter(event="injury").height >= 2
    moved = facts["hr_events"].filter(pl.col("to_department").is_not_null())
    assert moved.height >= 3
    assert moved.get_column("from_department").to_list() == ["production"] * moved.height
    last = facts["headcount"].filter(pl.col("date") == today)
    staff = dict(last.select("department", "headcount").rows())
    register = frames["employees"].filter(pl.col("leave_date").is_null() | (pl.col("leave_date") >= today))
    expected = dict(register.group_by("department").len().rows())
    for department, n in pl.DataFrame({"d": moved.get_column("to_department")}).group_by("d").len().rows():
        expected[department] = expected.get(department, 0) + n
        expected["production"] -= n
    assert staff == {d: n for d, n in expected.items() if d in staff}
    assert set(frames["projects"].get_column("stage")) == {"concept", "design", "development", "launch", "market"}


def test_people_and_rd_pages_on_an_empty_database_raise_nothing(tmp_path, monkeypatch):
    clear_cache()
    engine, drop = make_database("sqlite", tmp_path)
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    try:
        for name in ("people", "rd"):
            at = run_page(name, "zh")
            assert at.info, name  # says there is nothing yet, in words
    finally:
        drop()

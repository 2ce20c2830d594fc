"""Plausibility of the small demo plant's planning (issue 13, items 4 and 9): its order intake matches
its capacity, so that a generator change that breaks realism fails here.

Ranges and where they come from:
- Median machine load over the next 4 weeks 0.5–1.0 (per machine: required ÷ available hours of the
  4 weeks, then the median over the machines). A make-to-order molding plant plans its presses at
  roughly 70–90 % and keeps the rest for changeovers, trials and rush orders; below ~50 % the plant
  has lost its orders, above 100 % it cannot deliver (a planner's rule of thumb for rough-cut capacity
  planning, not a published standard; the issue asks for 60–95 %, this test leaves a margin). The
  finishing benches and CNCs of the demo
  are sized for the presses' output and run far lower, hence a median over all machines, not a mean.
- No machine-week above 1.6: a bottleneck week is allowed (the priority list explains it) but a week
  needing more than 1.6 × its hours is beyond what overtime and Sunday shifts of a 6-day, 2-shift
  calendar can absorb (7 days × 3 shifts is 21/14 × 7/6 = 1.75 of it, and nobody plans on that).
- Projected-late lines at most 10 % of the open book, overdue lines at most 5 %: OTD in the history
  is ~87 %, the plan must not be much worse.
- Finished stock between 0.3 and 2.5 weeks of finished output: orders are promised the week after
  the output (the demo's make-to-order rhythm), so about a week of stock, never months.
- Due quantity per week over the last 8 weeks within ±15 % of the finished output (demand follows output).
- On-time delivery (lines) of the last 26 weeks 0.80–0.95: the demo's stories (one customer's slipping
  deliveries, a few late or split shipments) on an otherwise reliable plant.

Two plan dates: an ordinary summer week and the run-up to the January peak before Chinese New Year.
"""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from dashboard.planning.capacity import machine_load
from dashboard.planning.manpower import manpower_load
from dashboard.planning.projection import finished_stock, project
from dashboard.facts import load_manpower_frames, load_planning_frames
from seed.demo import load_demo
from tests.conftest import make_database

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=[date(2026, 6, 15), date(2026, 12, 1)], ids=str)
def demo(request, tmp_path_factory):
    today = request.param
    engine, drop = make_database("sqlite", tmp_path_factory.mktemp("demo-plan"))
    load_demo(engine, "small", today=today)
    frames = load_planning_frames(engine)
    frames["manpower"] = load_manpower_frames(engine)  # read here: the database is gone after the fixture
    projection = project(frames, today)
    yield today, frames, projection, machine_load(frames, today, projection=projection)
    drop()


def test_median_machine_load_and_no_impossible_week(demo):
    today, _, _, load = demo
    next4 = load.filter(pl.col("week") < load.get_column("week").min() + timedelta(weeks=4))
    per_machine = next4.group_by("machine_code").agg(load=pl.col("required_h").sum() / pl.col("available_h").sum())
    assert 0.5 <= per_machine.get_column("load").median() <= 1.0
    assert load.get_column("load").max() <= 1.6


def test_few_late_lines_and_about_a_week_of_finished_stock(demo):
    today, frames, projection, _ = demo
    counts = projection.counts()
    assert counts["projected_late"] <= 0.10 * counts["open"]
    assert counts["late"] <= 0.05 * counts["open"]
    moves = frames["material_moves"].filter(pl.col("date") > today - timedelta(weeks=8), pl.col("date") <= today)
    weekly_output = moves.filter(pl.col("move") == "finished_in").get_column("qty").sum() / 8
    stock = sum(finished_stock(frames, today, frames["products"].get_column("product_code").to_list()).values())
    assert 0.3 * weekly_output <= stock <= 2.5 * weekly_output
    orders = frames["orders"].filter(pl.col("promised_date") > today - timedelta(weeks=8), pl.col("promised_date") <= today)
    assert orders.get_column("qty").sum() / 8 == pytest.approx(weekly_output, rel=0.15)


def test_on_time_delivery_of_the_history(demo):
    today, frames, _, _ = demo
    due = frames["orders"].filter(pl.col("promised_date") <= today, pl.col("promised_date") > today - timedelta(weeks=26))
    on_time = (frames["shipments"].join(due, on=["order_no", "line_no"])
               .filter(pl.col("ship_date") <= pl.col("promised_date"))
               .group_by("order_no", "line_no").agg(on_time=pl.col("qty").sum()))
    lines = due.join(on_time, on=["order_no", "line_no"], how="left")
    otd = (lines.get_column("on_time").fill_null(0) >= lines.get_column("qty")).mean()
    assert 0.80 <= otd <= 0.95


def test_manpower_load_is_plausible(demo):
    """Manpower load (issue 17 item 2): every line-week under 200 % of its staff's scheduled hours (the
    brief's bound), and the production department as a whole between 5 % and 100 %."""
    today, frames, projection, _ = demo
    people = frames["manpower"]
    args = (projection, frames["routings"], frames["machines"], people["attendance"], people["employees"],
            people["work_tickets"], today)
    lines = manpower_load(*args)
    assert lines.height and lines.get_column("load").max() < 2.0
    department = manpower_load(*args, level="department")
    assert department.get_column("load").is_between(0.05, 1.0).all()

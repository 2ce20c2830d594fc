"""Equipment: the preventive-maintenance (PM) plan and each machine's history (docs/kpis.md, production).

PM compliance, in one place (the rules mirror delivery, dashboard.kpi.delivery):
- a PM is *planned* when it is a preventive row with a planned_date; it belongs to the period of
  its planned_date (unplanned PM work and repairs have no plan and are not counted);
- it is *done* when its status is done (empty = done) and its work started on or before `today`;
- it is *evaluated* (counts in the denominator) when it is done or its planned_date is on or
  before today; an open PM whose planned date has not come yet is not counted;
- on time: done and started on or before the planned date; late: done after it; missed: not done
  and the planned date is on or before today;
- pm_compliance = PM on time / PM evaluated (null when no PM was due).
Maintenance cost and hours count the work done (planned rows have no cost yet): hours = end − start.
"""
from __future__ import annotations

from datetime import date

import polars as pl


def pm_status(maintenance: pl.DataFrame, today: date) -> pl.DataFrame:
    """The planned PMs (maintenance fact rows, preventive with a planned_date) with their status as
    known on `today`: date (= planned_date), done, on_time, late, missed, evaluated, days_late."""
    started = pl.col("start").dt.date()
    done = (pl.col("status") == "done") & (started <= pl.lit(today))
    return (maintenance.filter((pl.col("type") == "preventive") & pl.col("planned_date").is_not_null())
            .with_columns(date=pl.col("planned_date"), done=done)
            .with_columns(on_time=pl.col("done") & (started <= pl.col("planned_date")),
                          late=pl.col("done") & (started > pl.col("planned_date")),
                          missed=~pl.col("done") & (pl.col("planned_date") <= pl.lit(today)),
                          evaluated=pl.col("done") | (pl.col("planned_date") <= pl.lit(today)))
            .with_columns(days_late=pl.when(pl.col("late")).then((started - pl.col("planned_date")).dt.total_days())
                          .when(pl.col("missed")).then((pl.lit(today) - pl.col("planned_date")).dt.total_days())))


def _pm_plan(facts, today: date, tolerance_days: int = 0) -> pl.DataFrame:
    return pm_status(facts["maintenance"], today).filter(pl.col("evaluated"))


# Derived facts the engine adds to its own (dashboard.kpi.delivery.DERIVED_FACTS): the status needs `today`.
DERIVED_FACTS = {"pm_plan": _pm_plan}
DERIVED_INPUTS = {"pm_plan": ("maintenance",)}

HISTORY_COLUMNS = ("date", "time", "event", "detail", "minutes", "cost", "planned_date", "pm_status")


def machine_history(downtime: pl.DataFrame, maintenance: pl.DataFrame, machine: str, date_from: date | None,
                    date_to: date | None, today: date) -> pl.DataFrame:
    """One machine's history, newest first: its stops (downtime: event "stop", detail = reason code),
    repairs ("repair") and PMs ("pm", pm_status on_time / late / missed / planned; a PM planned
    in the period counts there even when it was done, or not, on another day), with minutes and cost."""
    def within(col: str) -> pl.Expr:
        e = pl.lit(True)
        if date_from is not None:
            e = e & (pl.col(col) >= pl.lit(date_from))
        if date_to is not None:
            e = e & (pl.col(col) <= pl.lit(date_to))
        return e

    stops = downtime.filter((pl.col("machine") == machine) & within("date")).select(
        "date", time=pl.lit(None, pl.Datetime("us")), event=pl.lit("stop"), detail=pl.col("reason"),
        minutes=pl.col("minutes").cast(pl.Float64), cost=pl.lit(None, pl.Float64),
        planned_date=pl.lit(None, pl.Date), pm_status=pl.lit(None, pl.String))
    rows = maintenance.filter(pl.col("machine") == machine)
    repairs = rows.filter((pl.col("type") == "corrective") & within("date")).select(
        "date", time=pl.col("start"), event=pl.lit("repair"), detail=pl.col("note"),
        minutes=pl.col("hours") * 60, cost=pl.col("cost"), planned_date=pl.col("planned_date"),
        pm_status=pl.lit(None, pl.String))
    planned = pm_status(rows, today)
    pm_rows = pl.concat([
        planned.filter(within("planned_date")).with_columns(
            pm_status=pl.when(pl.col("on_time")).then(pl.lit("on_time")).when(pl.col("late")).then(pl.lit("late"))
            .when(pl.col("missed")).then(pl.lit("missed")).otherwise(pl.lit("planned"))),
        # PM work outside the plan (no planned date) is history too
        rows.filter((pl.col("type") == "preventive") & pl.col("planned_date").is_null() & within("date"))
        .with_columns(pm_status=pl.lit("unplanned")),
    ], how="diagonal_relaxed").select(
        date=pl.when(pl.col("status") == "done").then(pl.col("date")).otherwise(pl.col("planned_date")),
        time=pl.col("start"), event=pl.lit("pm"), detail=pl.col("note"),
        minutes=pl.when(pl.col("status") == "done").then(pl.col("hours") * 60),
        cost=pl.when(pl.col("status") == "done").then(pl.col("cost")), planned_date=pl.col("planned_date"),
        pm_status=pl.col("pm_status"))
    return (pl.concat([stops, repairs, pm_rows], how="vertical_relaxed")
            .sort("date", "time", descending=True, nulls_last=True).select(HISTORY_COLUMNS))

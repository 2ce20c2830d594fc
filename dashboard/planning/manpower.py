"""Manpower load (人力负荷) per line and week, beside the machine load (capacity.py).

required_h  = Σ over the operations of the one projection (projection.py: quantity still to make at
              that operation, after finished stock and WIP, in the week of its need date) of
              qty × routings.labour_s (of that product, seq and machine) / 3600 — standard labour,
              not divided by machine efficiency.
available_h = scheduled hours of the employees of the department that runs the routings (production)
              in the week, from the attendance schedule, day by day from today on while employed: the
              day's scheduled_h when the schedule was entered ahead, otherwise the employee's usual
              scheduled hours per calendar day over the last LOOKBACK_DAYS. The department of an employee is that of their latest
              attendance row (transfers move it, dashboard.kpi.facts); their line is the line on whose
              machines their work tickets of the lookback logged most hours (none: the department's
              "unassigned" staff, counted in the department row only).
load        = required_h / available_h (null when nobody is scheduled); overloaded when above 100 %.
"""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from dashboard.planning.projection import Projection
from dashboard.planning.schedule import DEFAULT_WEEKS, horizon_weeks

LABOUR_DEPARTMENT = "production"  # the department whose staff run the routings' operations
LOOKBACK_DAYS = 28
SCHEMA = {"week": pl.Date, "unit": pl.String, "employees": pl.UInt32, "required_h": pl.Float64,
          "available_h": pl.Float64, "load": pl.Float64, "overloaded": pl.Boolean}


def required_labour(projection: Projection, routings: pl.DataFrame, machines: pl.DataFrame,
                    end: date) -> pl.DataFrame:
    """week, line_code, required_h of the projected operations before `end`."""
    labour = routings.select("product_code", "seq", "machine_code", pl.col("labour_s").cast(pl.Float64))
    return (projection.operations.filter(pl.col("week") < end)
            .join(labour, on=["product_code", "seq", "machine_code"], how="left")
            .join(machines.select("machine_code", "line_code"), on="machine_code", how="left")
            .group_by("week", "line_code")
            .agg(required_h=(pl.col("qty") * pl.col("labour_s").fill_null(0.0)).sum() / 3600.0))


def staff(attendance: pl.DataFrame, employees: pl.DataFrame, tickets: pl.DataFrame, machines: pl.DataFrame,
          today: date) -> pl.DataFrame:
    """employee, line_code (null: unassigned), daily_h (usual scheduled hours per calendar day),
    hire_date, leave_date — the LABOUR_DEPARTMENT's staff."""
    since = today - timedelta(days=LOOKBACK_DAYS)
    department = (attendance.filter(pl.col("date") < today).sort("date")
                  .group_by("employee").agg(pl.col("department").last()))
    people = (employees.select("employee", "hire_date", "leave_date", register="department")
              .join(department, on="employee", how="left")
              .filter(pl.coalesce("department", "register") == LABOUR_DEPARTMENT))
    usual = (attendance.filter(pl.col("date") >= since, pl.col("date") < today)
             .group_by("employee").agg(daily_h=pl.col("scheduled_h").sum() / LOOKBACK_DAYS))
    line = (tickets.filter(pl.col("date") >= since, pl.col("date") < today)
            .join(machines.select("machine_code", "line_code"), on="machine_code", how="inner")
            .group_by(employee="employee_code", line_code="line_code").agg(pl.col("hours").sum())
            .sort("employee", pl.col("hours"), "line_code", descending=[False, True, False])
            .group_by("employee", maintain_order=True).first().select("employee", "line_code"))
    return (people.join(usual, on="employee", how="left").join(line, on="employee", how="left")
            .with_columns(pl.col("daily_h").fill_null(0.0))
            .select("employee", "line_code", "daily_h", "hire_date", "leave_date"))


def available_labour(people: pl.DataFrame, attendance: pl.DataFrame, today: date, weeks: list[date]) -> pl.DataFrame:
    """week, employee, line_code, available_h (see the module docstring)."""
    days = pl.DataFrame({"day": pl.date_range(max(weeks[0], today), weeks[-1] + timedelta(days=6), eager=True)})
    employed = (people.join(days, how="cross")
                .filter(pl.col("day") >= pl.col("hire_date"),
                        pl.col("leave_date").is_null() | (pl.col("day") <= pl.col("leave_date")))
                .with_columns(week=pl.col("day").dt.truncate("1w")))
    ahead = attendance.filter(pl.col("date") >= today).select("employee", day="date", ahead_h="scheduled_h")
    return (employed.join(ahead, on=["employee", "day"], how="left")
            .group_by("week", "employee", "line_code")
            .agg(available_h=pl.coalesce("ahead_h", "daily_h").sum()))

def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        load=pl.when(pl.col("available_h") > 0).then(pl.col("required_h") / pl.col("available_h")),
        overloaded=(pl.col("required_h") > 0) & (pl.col("required_h") > pl.col("available_h")),
    ).select(list(SCHEMA)).cast(SCHEMA).sort("week", "unit")


def manpower_load(projection: Projection, routings: pl.DataFrame, machines: pl.DataFrame, attendance: pl.DataFrame,
                  employees: pl.DataFrame, tickets: pl.DataFrame, today: date, weeks: int = DEFAULT_WEEKS,
                  level: str = "line") -> pl.DataFrame:
    """One row per week and line (level "line") or per week for the department (level "department"):
    week, unit (line_code or the department), employees, required_h, available_h, load, overloaded.
    attendance and employees are the facts of those names; tickets the work_tickets kind."""
    week_list = horizon_weeks(today, weeks)
    end = week_list[-1] + timedelta(days=7)
    required = required_labour(projection, routings, machines, end)
    available = available_labour(staff(attendance, employees, tickets, machines, today), attendance, today, week_list)
    grid = pl.DataFrame({"week": week_list})
    if level == "department":
        need = required.group_by("week").agg(pl.col("required_h").sum())
        have = available.group_by("week").agg(employees=pl.len(), available_h=pl.col("available_h").sum())
        table = grid.join(need, on="week", how="left").join(have, on="week", how="left").with_columns(
            unit=pl.lit(LABOUR_DEPARTMENT))
    else:
        have = (available.filter(pl.col("line_code").is_not_null()).group_by("week", "line_code")
                .agg(employees=pl.len(), available_h=pl.col("available_h").sum()))
        lines = pl.concat([machines.select("line_code"), have.select("line_code")]).unique().drop_nulls()
        table = (grid.join(lines, how="cross").join(required, on=["week", "line_code"], how="left")
                 .join(have, on=["week", "line_code"], how="left").rename({"line_code": "unit"}))
    return _finish(table.with_columns(pl.col("required_h", "available_h").fill_null(0.0),
                                      pl.col("employees").fill_null(0)))

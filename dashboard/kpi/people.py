"""People (人事行政部, docs/kpis.md People): the exceptions behind the HR KPIs, as plain polars.

- Overtime over the limit: PRC Labour Law art. 41 allows at most 36 hours of overtime in a month;
  an employee whose overtime in a statistics month (dashboard.kpi.calendar: the plant's cut-off)
  is *more* than 36 h is over the limit (exactly 36 h is not). `overtime_over_limit` lists them with
  their names; the engine's fact `overtime_months` (one row per employee and month) counts them
  (KPI overtime_over_limit) and the exceptions list reuses the very same function.
- Transfers between departments: an hr_events row with event "transfer" whose detail carries the new
  department as "to:<department>" (e.g. "to:quality 调品管部"; optionally the old one, "to:quality
  from:production", when HR keeps the register's department current) moves the employee to that
  department from that day on (dashboard.kpi.facts.employee_departments; headcount by department
  follows it). Any other detail ("INJ -> DMC") is a move inside the department: listed, not counted.
- The wage-rate change log: wage_rates rows by valid_from, each with the rate it replaced.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

from dashboard.kpi import calendar
from dashboard.kpi.calendar import PlantCalendar

OVERTIME_LIMIT_H = 36.0  # hours of overtime a month, PRC Labour Law art. 41
TRANSFER_PREFIX = "to:"
# attendance.absence types other than "none", with their labels
ABSENCE_TYPES = {"leave": ("leave", "请假"), "sick": ("sick", "病假"), "absent": ("absent without leave", "旷工"),
                 "injury": ("work injury", "工伤")}


def monthly_overtime(attendance: pl.DataFrame, cal: PlantCalendar | None = None) -> pl.DataFrame:
    """date (first day of the statistics month), employee, department, overtime_h: each employee's month."""
    schema = {"date": pl.Date, "employee": pl.Categorical, "department": pl.String, "overtime_h": pl.Float64}
    if attendance.height == 0:
        return pl.DataFrame(schema=schema)
    return (attendance.group_by(calendar.grain_key("month", cal).alias("date"), "employee")
            .agg(department=pl.col("department").sort_by("date").last(),
                 overtime_h=pl.col("overtime_h").cast(pl.Float64).sum())
            .select(list(schema)).sort("date", "employee"))


def overtime_over_limit(attendance: pl.DataFrame, employees: pl.DataFrame | None = None,
                        cal: PlantCalendar | None = None, limit_h: float = OVERTIME_LIMIT_H) -> pl.DataFrame:
    """month (label, e.g. "2026-12"), employee, name, department, overtime_h, over_h: the employees whose
    overtime in a statistics month exceeds `limit_h` (more than 36 h; exactly 36 h is within the limit).

    `attendance`: the attendance fact (date, employee, department, overtime_h); `employees`: the
    employees kind (employee_code, name) for the names, optional. Most overtime first within a month."""
    months = monthly_overtime(attendance, cal).filter(pl.col("overtime_h") > limit_h)
    out = months.with_columns(month=pl.col("date").alias("month")).with_columns(
        month=calendar.grain_label("month", cal), over_h=pl.col("overtime_h") - limit_h)
    if employees is not None and "name" in employees.columns:
        code = "employee_code" if "employee_code" in employees.columns else "employee"
        names = employees.select(employee=pl.col(code).cast(out.schema["employee"]), name=pl.col("name"))  # codes as text too
        out = out.join(names, on="employee", how="left")
    else:
        out = out.with_columns(name=pl.lit(None, pl.String))
    return (out.sort(["date", "overtime_h", "employee"], descending=[False, True, False])
            .select("month", "employee", "name", "department", "overtime_h", "over_h"))


def _overtime_months(facts: Mapping[str, pl.DataFrame], today: date, tolerance_days: int) -> pl.DataFrame:
    """The engine's derived fact behind KPI overtime_over_limit (plant calendar of the environment)."""
    return monthly_overtime(facts["attendance"])


# Derived facts the engine adds to its own (dashboard.kpi.delivery.DERIVED_FACTS).
DERIVED_FACTS = {"overtime_months": _overtime_months}
DERIVED_INPUTS = {"overtime_months": ("attendance",)}


def injuries(hr_events: pl.DataFrame, employees: pl.DataFrame | None = None) -> pl.DataFrame:
    """date, employee, name, department, detail, cost: the work injuries (hr_events event = injury)."""
    rows = hr_events.filter(pl.col("event") == "injury")
    if employees is not None and "name" in employees.columns and "name" not in rows.columns:
        rows = rows.join(employees.select(employee=pl.col("employee_code").cast(rows.schema["employee"]),
                                          name=pl.col("name")), on="employee", how="left")
    if "name" not in rows.columns:
        rows = rows.with_columns(name=pl.lit(None, pl.String))
    return rows.sort("date", "employee").select("date", "employee", "name", "department", "detail", "cost")


def transfers(hr_events: pl.DataFrame) -> pl.DataFrame:
    """date, employee, name, from_department, to_department, detail: every transfer event; to_department
    is null for a move inside a department (a detail without "to:<department>")."""
    rows = hr_events.filter(pl.col("event") == "transfer")
    for column in ("name", "from_department", "to_department"):
        if column not in rows.columns:
            rows = rows.with_columns(pl.lit(None, pl.String).alias(column))
    return rows.sort("date", "employee").select("date", "employee", "name", "from_department", "to_department",
                                                "detail")


def wage_rate_changes(wage_rates: pl.DataFrame) -> pl.DataFrame:
    """product_code, seq, valid_from, piece_rate, previous_rate, change (share, null for a first rate):
    the wage-rate change log, newest first."""
    return (wage_rates.sort("product_code", "seq", "valid_from")
            .with_columns(previous_rate=pl.col("piece_rate").shift(1).over("product_code", "seq"))
            .with_columns(change=pl.when(pl.col("previous_rate") > 0)
                          .then(pl.col("piece_rate") / pl.col("previous_rate") - 1))
            .sort(["valid_from", "product_code", "seq"], descending=[True, False, False])
            .select("product_code", "seq", "valid_from", "piece_rate", "previous_rate", "change"))

"""Period comparisons and targets: value, previous period, same period last year, target, status.

The one status rule (every tile, the monthly summary page, the PDF, the XLSX and the CLI use
target_status()): a value is
- on target   when it meets the target in the KPI's direction,
- near target when it misses it by at most NEAR_BAND (5 %) of the target
              (plan attainment 92 % against 95 %: 3 points short, 3.2 % of the target: near),
- off target  beyond that; no status without a value or a target.

Plant and line targets are distinct: a plant figure is compared with a plant target (a targets
row without a line), a line's figure (the filter names exactly one line) with that line's. Without
a plant target, one is derived from the line targets by a stated rule and shown as derived
(period_target).
Periods are the plant's statistics months and weeks (dashboard.kpi.calendar).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import polars as pl

from dashboard.kpi import calendar
from dashboard.kpi.calendar import PlantCalendar, month_bounds, months_of, previous_period, same_period_last_year
from dashboard.kpi.engine import Filters, compute_one, data_starts, measures_table
from dashboard.kpi.registry import kpi

STATUSES = ("on_target", "near_target", "off_target")
NEAR_BAND = 0.05  # near target: short of it by at most 5 % of the target
LIGHTS = {"on_target": "green", "near_target": "amber", "off_target": "red", None: "none"}


def target_status(kpi_id: str, value: float | None, target: float | None) -> str | None:
    """on_target | near_target | off_target (see the module docstring), None without value or target."""
    return status_by_direction(kpi(kpi_id).direction, value, target)


def status_by_direction(direction: int, value: float | None, target: float | None) -> str | None:
    """The rule for a direction (+1 higher is better, -1 lower is better)."""
    if value is None or target is None:
        return None
    shortfall = direction * (target - value)  # > 0: worse than the target
    if shortfall <= 0:
        return "on_target"
    return "near_target" if shortfall <= NEAR_BAND * abs(target) else "off_target"


status = target_status  # the name dashboard.kpi exported before the near band


def light(status_: str | None) -> str:
    """The traffic-light colour of a status: green, amber, red, none."""
    return LIGHTS[status_]


def target_for(kpi_id: str, targets: pl.DataFrame | None, date_from: date, date_to: date,
               line: str | None = None, cal: PlantCalendar | None = None) -> float | None:
    """The target of the period: the line's (or the plant's when line is None: rows without a
    line only) targets of the statistics months the period touches, summed for sums (counts,
    pieces, currency), averaged for ratios; None unless every month has one."""
    if targets is None or targets.height == 0:
        return None
    months = months_of(date_from, date_to, cal)
    rows = targets.filter((pl.col("kpi") == kpi_id) & pl.col("month").is_in(months)
                          & (pl.col("line").is_null() if line is None else pl.col("line") == line))
    if rows.get_column("month").n_unique() < len(months):
        return None
    values = rows.group_by("month").agg(pl.col("target").first()).get_column("target")
    return float(values.sum() if kpi(kpi_id).additive else values.mean())


def weight_measure(kpi_id: str) -> str | None:
    """The measure line targets are weighted by when a plant target is derived: a ratio's
    denominator (the second of its two measures); None for KPIs of another shape."""
    k = kpi(kpi_id)
    return k.measures[1] if not k.additive and len(k.measures) == 2 else None


def period_target(kpi_id: str, facts: Mapping[str, pl.DataFrame], date_from: date, date_to: date,
                  filters: Filters | None = None, cal: PlantCalendar | None = None, **kw
                  ) -> tuple[float | None, str | None]:
    """(target, scope) of a period's figure. scope "line": the filter names one line, its target.
    "plant": a plant target row. "derived" (no plant target, but lines have theirs): for a sum the
    sum of the line targets, for a ratio the line targets weighted by each line's denominator in
    the period (e.g. scrap ratio by total output) — only when every line with data has a target."""
    filters = filters or Filters()
    targets = facts["targets"] if "targets" in facts else None
    line = filters.line[0] if filters.line and len(filters.line) == 1 else None
    own = target_for(kpi_id, targets, date_from, date_to, line, cal)
    if own is not None or line is not None or filters.line or targets is None or targets.height == 0:
        return own, (None if own is None else "line" if line else "plant")
    lines = (targets.filter((pl.col("kpi") == kpi_id) & pl.col("line").is_not_null())
             .get_column("line").unique().sort().to_list())
    per_line = {code: target_for(kpi_id, targets, date_from, date_to, code, cal) for code in lines}
    per_line = {code: value for code, value in per_line.items() if value is not None}
    if not per_line:
        return None, None
    k = kpi(kpi_id)
    weight = k.measures[0] if k.additive else weight_measure(kpi_id)
    if weight is None:
        return None, None
    period = filters.replace(date_from=date_from, date_to=date_to)
    weights = measures_table([weight], facts, ["line"], period, cal=cal, **kw).filter(pl.col(weight) != 0)
    with_data = dict(weights.select("line", weight).iter_rows())
    if not with_data or any(code not in per_line for code in with_data):
        return None, None  # a line (or output without a line) that has no target: no honest plant figure
    if k.additive:
        return float(sum(per_line.values())), "derived"
    total = sum(with_data.values())
    return float(sum(per_line[code] * w for code, w in with_data.items()) / total), "derived"


def coverage(date_from: date, date_to: date, start: date | None, cal: PlantCalendar | None = None
             ) -> tuple[int, int, str]:
    """(covered, total, unit) of a period whose KPI data start on `start`: statistics months
    holding data when the period is whole months (a month the data start in counts), else days."""
    cal = cal or calendar.current()
    if calendar.whole_months(date_from, date_to, cal):
        months = months_of(date_from, date_to, cal)
        covered = len(months) if start is None else sum(month_bounds(m, cal)[1] >= start for m in months)
        return covered, len(months), "month"
    total = (date_to - date_from).days + 1
    if start is None:
        return total, total, "day"
    return max(0, (date_to - max(start, date_from)).days + 1), total, "day"


_SCHEMA = {"kpi": pl.String, "value": pl.Float64, "previous": pl.Float64, "same_period_last_year": pl.Float64,
           "target": pl.Float64, "target_scope": pl.String, "status": pl.String,
           "previous_covered": pl.Int64, "previous_periods": pl.Int64,
           "last_year_covered": pl.Int64, "last_year_periods": pl.Int64, "coverage_unit": pl.String}


def compare(kpi_ids: Iterable[str], facts: Mapping[str, pl.DataFrame], date_from: date, date_to: date,
            filters: Filters | None = None, **kw) -> pl.DataFrame:
    """kpi, value, previous, same_period_last_year, target, target_scope (plant | line | derived, see
    period_target), status,
    and the coverage of the two comparisons: previous_covered of previous_periods (months or
    days, coverage_unit) hold data, likewise last_year_*. A comparison without any data is null.

    The target is the line's when the filter names exactly one line, else the plant's (or derived)."""
    kpi_ids = list(kpi_ids)
    cal = kw.pop("cal", None) or calendar.current()
    filters = (filters or Filters()).replace(date_from=date_from, date_to=date_to)
    prev_from, prev_to = previous_period(date_from, date_to, cal)
    ly_from, ly_to = same_period_last_year(date_from, date_to, cal)
    now = compute_one(kpi_ids, facts, filters, cal=cal, **kw)
    prev = compute_one(kpi_ids, facts, filters.replace(date_from=prev_from, date_to=prev_to), cal=cal, **kw)
    last_year = compute_one(kpi_ids, facts, filters.replace(date_from=ly_from, date_to=ly_to), cal=cal, **kw)
    starts = data_starts(kpi_ids, facts, today=kw.get("today"), tolerance_days=kw.get("tolerance_days", 0))
    rows = []
    for k in kpi_ids:
        target, scope = period_target(k, facts, date_from, date_to, filters, cal, **kw)
        prev_cov = coverage(prev_from, prev_to, starts[k], cal)
        ly_cov = coverage(ly_from, ly_to, starts[k], cal)
        rows.append({"kpi": k, "value": now[k],
                     "previous": prev[k] if prev_cov[0] else None,
                     "same_period_last_year": last_year[k] if ly_cov[0] else None,
                     "target": target, "target_scope": scope,
                     "status": target_status(k, now[k], target),
                     "previous_covered": prev_cov[0], "previous_periods": prev_cov[1],
                     "last_year_covered": ly_cov[0], "last_year_periods": ly_cov[1], "coverage_unit": prev_cov[2]})
    return pl.DataFrame(rows, schema=_SCHEMA)


def comparison_window(date_from: date, date_to: date, cal: PlantCalendar | None = None
                      ) -> tuple[tuple[date, date], ...]:
    """The date ranges compare() reads: the period, the previous period and the same period last
    year — a window for dashboard.facts.load_facts(..., window=...)."""
    cal = cal or calendar.current()
    return ((date_from, date_to), previous_period(date_from, date_to, cal), same_period_last_year(date_from, date_to, cal))


__all__ = ["LIGHTS", "comparison_window", "NEAR_BAND", "STATUSES", "compare", "coverage", "light", "month_bounds", "months_of", "period_target",
           "status_by_direction", "weight_measure",
           "previous_period", "same_period_last_year", "status", "target_for", "target_status"]

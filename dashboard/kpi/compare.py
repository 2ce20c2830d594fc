"""Period comparisons and targets: value, previous period, same period last year, target, status."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import polars as pl

from dashboard.kpi.engine import Filters, compute_one
from dashboard.kpi.registry import kpi


def _month_end(d: date) -> date:
    nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    """Whole months -> the same number of months before; otherwise the same number of days before."""
    if date_from.day == 1 and date_to == _month_end(date_to):
        months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
        start = _add_months(date_from, -months)
        return start, date_from - timedelta(days=1)
    length = (date_to - date_from).days + 1
    return date_from - timedelta(days=length), date_from - timedelta(days=1)


def same_period_last_year(date_from: date, date_to: date) -> tuple[date, date]:
    end = _shift_year(date_to, -1)
    if date_to == _month_end(date_to):
        end = _month_end(end)
    return _shift_year(date_from, -1), end


def months_of(date_from: date, date_to: date) -> list[str]:
    out, d = [], date(date_from.year, date_from.month, 1)
    while d <= date_to:
        out.append(f"{d.year:04d}-{d.month:02d}")
        d = _add_months(d, 1)
    return out


def target_for(kpi_id: str, targets: pl.DataFrame | None, date_from: date, date_to: date,
               line: str | None = None) -> float | None:
    """The target of the period: the line's (or the plant's when line is None) monthly targets,
    summed for sums (counts, pieces, currency), averaged for ratios; None unless every month has one."""
    if targets is None or targets.height == 0:
        return None
    months = months_of(date_from, date_to)
    rows = targets.filter((pl.col("kpi") == kpi_id) & pl.col("month").is_in(months)
                          & (pl.col("line").is_null() if line is None else pl.col("line") == line))
    if rows.get_column("month").n_unique() < len(months):
        return None
    values = rows.group_by("month").agg(pl.col("target").first()).get_column("target")
    return float(values.sum() if kpi(kpi_id).additive else values.mean())


def status(kpi_id: str, value: float | None, target: float | None) -> str | None:
    """"on_target" when the value meets the target in the KPI's direction, else "off_target"."""
    if value is None or target is None:
        return None
    return "on_target" if kpi(kpi_id).direction * (value - target) >= 0 else "off_target"


def compare(kpi_ids: Iterable[str], facts: Mapping[str, pl.DataFrame], date_from: date, date_to: date,
            filters: Filters | None = None, **kw) -> pl.DataFrame:
    """kpi, value, previous, same_period_last_year, target, status for one period.

    The target is the line's when the filter names exactly one line, else the plant's."""
    kpi_ids = list(kpi_ids)
    filters = (filters or Filters()).replace(date_from=date_from, date_to=date_to)
    prev_from, prev_to = previous_period(date_from, date_to)
    ly_from, ly_to = same_period_last_year(date_from, date_to)
    now = compute_one(kpi_ids, facts, filters, **kw)
    prev = compute_one(kpi_ids, facts, filters.replace(date_from=prev_from, date_to=prev_to), **kw)
    last_year = compute_one(kpi_ids, facts, filters.replace(date_from=ly_from, date_to=ly_to), **kw)
    targets = facts["targets"] if "targets" in facts else None
    line = filters.line[0] if filters.line and len(filters.line) == 1 else None
    rows = []
    for k in kpi_ids:
        target = target_for(k, targets, date_from, date_to, line)
        rows.append({"kpi": k, "value": now[k], "previous": prev[k], "same_period_last_year": last_year[k],
                     "target": target, "status": status(k, now[k], target)})
    return pl.DataFrame(rows, schema={"kpi": pl.String, "value": pl.Float64, "previous": pl.Float64,
                                      "same_period_last_year": pl.Float64, "target": pl.Float64,
                                      "status": pl.String})

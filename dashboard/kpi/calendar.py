"""The plant's statistics calendar (记帐时间, docs/kpis.md): which days make a month and a week.

Many plants close their statistics month on a cut-off day: with a cut-off on the 25th the
month "2026-11" runs 2026-10-26 .. 2026-11-25 (the days after the cut-off belong to the next
month). Without a cut-off the months are calendar months. Weeks start on the plant's first day
of the week (Monday unless set). Quarters are three statistics months, a year twelve.

Every monthly and weekly figure goes through this module: the engine's grains (month, week,
quarter, year), period labels, the filter bar's presets, previous period / same period last
year, targets (a target row's month is a statistics month) and the monthly summary.

The setting (docs: README "Plant calendar"), read from the environment on every call so that
the pages, the CLI and the reports agree:
    PLANTKPI_MONTH_CUTOFF  last day of the statistics month, 1..28; empty or 0 = calendar month
    PLANTKPI_WEEK_START    first day of the week: mon, tue, ..., sun (or 1..7, Monday = 1)
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CUTOFF_ENV, WEEK_START_ENV = "PLANTKPI_MONTH_CUTOFF", "PLANTKPI_WEEK_START"


class CalendarSettingError(ValueError):
    """A plant calendar setting that cannot be used; the message is in the user's language."""

    def __init__(self, key: str, **params):
        from dashboard.i18n import t

        super().__init__(t(key, **params))
        self.key, self.params = key, params


@dataclass(frozen=True)
class PlantCalendar:
    month_cutoff: int | None = None  # last day of the statistics month (1..28); None: calendar month
    week_start: int = 0              # first day of the week, 0 = Monday .. 6 = Sunday

    def __post_init__(self):
        if self.month_cutoff is not None and not 1 <= self.month_cutoff <= 28:
            raise CalendarSettingError("status.calendar.bad_cutoff", value=self.month_cutoff)
        if not 0 <= self.week_start <= 6:
            raise CalendarSettingError("status.calendar.bad_week_start", value=self.week_start)


def current() -> PlantCalendar:
    """The plant's calendar from the environment (see the module docstring)."""
    cutoff_text = (os.environ.get(CUTOFF_ENV) or "").strip()
    week_text = (os.environ.get(WEEK_START_ENV) or "").strip().lower()
    try:
        cutoff = int(cutoff_text) if cutoff_text else None
    except ValueError:
        raise CalendarSettingError("status.calendar.bad_cutoff", value=cutoff_text) from None
    if week_text in WEEKDAYS:
        week = WEEKDAYS.index(week_text)
    elif week_text.isdigit():
        week = int(week_text) - 1
    elif week_text:
        raise CalendarSettingError("status.calendar.bad_week_start", value=week_text)
    else:
        week = 0
    return PlantCalendar(cutoff or None, week)


def _cal(cal: PlantCalendar | None) -> PlantCalendar:
    return cal if cal is not None else current()


# --- months as labels "YYYY-MM" ------------------------------------------------------------------
def _month_index(label: str) -> int:
    return int(label[:4]) * 12 + int(label[5:7]) - 1


def _label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def add_months(month: str, months: int) -> str:
    """"2026-11" + 2 -> "2027-01"."""
    return _label(_month_index(month) + months)


def month_of(day: date, cal: PlantCalendar | None = None) -> str:
    """The statistics month holding `day` (with a cut-off on the 25th, 2026-10-26 is in "2026-11")."""
    cal = _cal(cal)
    index = day.year * 12 + day.month - 1
    if cal.month_cutoff is not None and day.day > cal.month_cutoff:
        index += 1
    return _label(index)


def month_bounds(month: str, cal: PlantCalendar | None = None) -> tuple[date, date]:
    """First and last day (inclusive) of a statistics month."""
    cal = _cal(cal)
    index = _month_index(month)
    if cal.month_cutoff is None:
        start = date(index // 12, index % 12 + 1, 1)
        nxt = index + 1
        return start, date(nxt // 12, nxt % 12 + 1, 1) - timedelta(days=1)
    prev = index - 1
    return (date(prev // 12, prev % 12 + 1, cal.month_cutoff) + timedelta(days=1),
            date(index // 12, index % 12 + 1, cal.month_cutoff))


def months_of(date_from: date, date_to: date, cal: PlantCalendar | None = None) -> list[str]:
    """The statistics months the period touches, oldest first."""
    cal = _cal(cal)
    first, last = _month_index(month_of(date_from, cal)), _month_index(month_of(date_to, cal))
    return [_label(i) for i in range(first, last + 1)]


def whole_months(date_from: date, date_to: date, cal: PlantCalendar | None = None) -> int | None:
    """How many statistics months the period is, when it is whole months; else None."""
    cal = _cal(cal)
    months = months_of(date_from, date_to, cal)
    if month_bounds(months[0], cal)[0] == date_from and month_bounds(months[-1], cal)[1] == date_to:
        return len(months)
    return None


def last_complete_month(today: date, cal: PlantCalendar | None = None) -> str:
    """The latest statistics month that ended before `today`."""
    return add_months(month_of(today, cal), -1)


# --- weeks, quarters, years --------------------------------------------------------------------
def week_start(day: date, cal: PlantCalendar | None = None) -> date:
    """The first day of the plant's week holding `day`."""
    return day - timedelta(days=(day.weekday() - _cal(cal).week_start) % 7)


def quarter_of(month: str) -> tuple[int, int]:
    """(year, quarter) of a statistics month."""
    return int(month[:4]), (int(month[5:7]) - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int, cal: PlantCalendar | None = None) -> tuple[date, date]:
    first = f"{year:04d}-{3 * quarter - 2:02d}"
    return month_bounds(first, cal)[0], month_bounds(add_months(first, 2), cal)[1]


def year_bounds(year: int, cal: PlantCalendar | None = None) -> tuple[date, date]:
    return month_bounds(f"{year:04d}-01", cal)[0], month_bounds(f"{year:04d}-12", cal)[1]


def period_bounds(day: date, grain: str, cal: PlantCalendar | None = None) -> tuple[date, date]:
    """The period (of `grain`) holding `day`."""
    cal = _cal(cal)
    if grain == "day":
        return day, day
    if grain == "week":
        start = week_start(day, cal)
        return start, start + timedelta(days=6)
    month = month_of(day, cal)
    if grain == "month":
        return month_bounds(month, cal)
    if grain == "quarter":
        return quarter_bounds(*quarter_of(month), cal)
    if grain == "year":
        return year_bounds(int(month[:4]), cal)
    raise ValueError(f"unknown grain {grain!r}")


def period_end(start: date, grain: str, cal: PlantCalendar | None = None) -> date:
    """The last day of the period (of `grain`) that starts on `start`."""
    return period_bounds(start, grain, cal)[1]


def label_date(start: date, grain: str, cal: PlantCalendar | None = None) -> date:
    """A date whose calendar month / ISO week names the period starting on `start` (for labels):
    the first day of the statistics month (quarter: of its first month), the week's fourth day."""
    if grain == "week":
        return start + timedelta(days=3)
    if grain in ("month", "quarter", "year"):
        month = month_of(start, cal)
        return date(int(month[:4]), int(month[5:7]), 1)
    return start


# --- comparisons -------------------------------------------------------------------------------
def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def previous_period(date_from: date, date_to: date, cal: PlantCalendar | None = None) -> tuple[date, date]:
    """Whole statistics months -> the same number of months before; otherwise as many days before."""
    cal = _cal(cal)
    months = whole_months(date_from, date_to, cal)
    if months:
        first = add_months(month_of(date_from, cal), -months)
        return month_bounds(first, cal)[0], date_from - timedelta(days=1)
    length = (date_to - date_from).days + 1
    return date_from - timedelta(days=length), date_from - timedelta(days=1)


def same_period_last_year(date_from: date, date_to: date, cal: PlantCalendar | None = None
                          ) -> tuple[date, date]:
    """Whole statistics months -> the same months a year before; otherwise the dates a year before."""
    cal = _cal(cal)
    if whole_months(date_from, date_to, cal):
        return (month_bounds(add_months(month_of(date_from, cal), -12), cal)[0],
                month_bounds(add_months(month_of(date_to, cal), -12), cal)[1])
    return _shift_year(date_from, -1), _shift_year(date_to, -1)


# --- the engine's grains (polars) ----------------------------------------------------------------
def _month_anchor(d: pl.Expr, cal: PlantCalendar) -> pl.Expr:
    """First day of the calendar month that names d's statistics month."""
    first = d.dt.truncate("1mo")
    if cal.month_cutoff is None:
        return first
    return pl.when(d.dt.day() > cal.month_cutoff).then(first.dt.offset_by("1mo")).otherwise(first)


def _start_of_named(anchor: pl.Expr, cal: PlantCalendar) -> pl.Expr:
    """The first day of the statistics month named by `anchor` (a first of month)."""
    if cal.month_cutoff is None:
        return anchor
    return anchor.dt.offset_by("-1mo") + pl.duration(days=cal.month_cutoff)


def grain_key(grain: str, cal: PlantCalendar | None = None, column: str = "date") -> pl.Expr:
    """The period of `grain` holding each date: its first day (years as integers)."""
    cal = _cal(cal)
    d = pl.col(column)
    if grain == "day":
        key = d
    elif grain == "week":
        key = d - pl.duration(days=(d.dt.weekday().cast(pl.Int32) - 1 - cal.week_start + 7) % 7)
    elif grain == "month":
        key = _start_of_named(_month_anchor(d, cal), cal)
    elif grain == "quarter":
        key = _start_of_named(_month_anchor(d, cal).dt.truncate("1q"), cal)
    elif grain == "year":
        key = _month_anchor(d, cal).dt.year()
    else:
        raise ValueError(f"unknown grain {grain!r}")
    return key.alias(grain)


_STEP = {"week": "1w", "month": "1mo", "quarter": "3mo"}


def key_bounds(grain: str, cal: PlantCalendar | None = None) -> tuple[pl.Expr, pl.Expr]:
    """First and last day (polars) of the periods whose grain_key is in column `grain`."""
    cal = _cal(cal)
    c = pl.col(grain)
    if grain == "day":
        return c, c
    if grain == "year":  # an integer: the statistics year
        if cal.month_cutoff is None:
            return pl.date(c, 1, 1), pl.date(c, 12, 31)
        return pl.date(c - 1, 12, cal.month_cutoff + 1), pl.date(c, 12, cal.month_cutoff)
    if grain == "week" or cal.month_cutoff is None:
        return c, c.dt.offset_by(_STEP[grain]).dt.offset_by("-1d")  # keys are the periods' real first days
    # a statistics month ends on the cut-off day of the month it is named after
    anchor = _month_anchor(c, cal)
    last_month = anchor if grain == "month" else anchor.dt.truncate("1q").dt.offset_by("2mo")
    return c, last_month + pl.duration(days=cal.month_cutoff - 1)


def grain_label(grain: str, cal: PlantCalendar | None = None) -> pl.Expr:
    """Readable labels of grain_key's period starts: 2026-W02, 2026-01, 2026-Q1 (days, years as they are)."""
    cal = _cal(cal)
    c = pl.col(grain)
    if grain == "week":
        return (c + pl.duration(days=3)).dt.strftime("%G-W%V")  # the ISO week holding most of its days
    if grain == "month":
        return _month_anchor(c, cal).dt.strftime("%Y-%m")
    if grain == "quarter":
        anchor = _month_anchor(c, cal)
        return pl.concat_str(anchor.dt.year().cast(pl.String), pl.lit("-Q"), anchor.dt.quarter().cast(pl.String))
    return c


__all__ = ["CalendarSettingError", "PlantCalendar", "WEEKDAYS", "add_months", "current", "grain_key", "grain_label",
           "key_bounds",
           "label_date", "last_complete_month", "month_bounds", "month_of", "months_of", "period_bounds",
           "period_end", "previous_period", "quarter_bounds", "quarter_of", "same_period_last_year", "week_start",
           "whole_months", "year_bounds"]

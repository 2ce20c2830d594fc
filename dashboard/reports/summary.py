"""The executive monthly summary as data (docs/auth.md, executive; docs/architecture.md "Pages"):
one month, no formatting.

    summary = build_summary(engine, "2026-03")            # or parse_month("last", today)
    summary.headline      -> Headline per KPI: value, previous month, same month last year,
                             target, traffic light, changes, 13-month series
    summary.scrap_reasons -> the month's top five scrap reasons
    summary.late_customers, summary.open_complaints, summary.missing_data, summary.commentary

The page, the PDF, the XLSX and the CLI all render this one object, so they cannot disagree.
Every figure comes from the KPI engine (dashboard.kpi); this module only picks and arranges.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl
from sqlalchemy.engine import Engine

from dashboard.i18n.master_names import with_english
from dashboard.kpi import KPIS, MONTHLY_HEADLINE, Filters, compare, compute, overdue_backlog, scrap_pareto
from dashboard.kpi import calendar
from dashboard.kpi.compare import NEAR_BAND, light, months_of, target_status
from dashboard.kpi.explain import explain, part_text, rank_dimensions, sentence
from data_access.commentary import MonthNote, get_commentary
from dashboard.facts import load_facts
from data_access.status import data_status

HEADLINE = MONTHLY_HEADLINE  # defined once, in dashboard.kpi.registry
SERIES_MONTHS = 13       # the month and the twelve before it: the same month last year is on the sparkline
NEAR_TARGET = NEAR_BAND  # amber = near target: the one status rule of dashboard.kpi.compare
TOP_REASONS = 5
TOP_CUSTOMERS = 10
TOP_EXCEPTIONS = 5
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}


# --- months (the plant's statistics months, dashboard.kpi.calendar) ---------------------------------
def last_complete_month(today: date) -> str:
    return calendar.last_complete_month(today)


def parse_month(text: str, today: date | None = None) -> str:
    """"YYYY-MM" or "last" (the last complete month before `today`) -> "YYYY-MM"."""
    text = (text or "").strip()
    if text.lower() == "last":
        return last_complete_month(today or date.today())
    if not _MONTH.match(text):
        raise ValueError(text)
    return text


def month_bounds(month: str) -> tuple[date, date]:
    return calendar.month_bounds(month)


def shift_month(month: str, months: int) -> str:
    return calendar.add_months(month, months)


# --- the summary ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Headline:
    kpi: str
    value: float | None
    previous: float | None
    same_month_last_year: float | None
    target: float | None
    status: str | None          # on_target | near_target | off_target | None (compare.target_status)
    series: tuple[tuple[str, float | None], ...]  # (YYYY-MM, value), oldest first, SERIES_MONTHS long
    previous_covered: tuple[int, int] = (1, 1)    # months of the previous month with data (0 or 1 of 1)
    last_year_covered: tuple[int, int] = (1, 1)

    @property
    def light(self) -> str:
        """green | amber | red | none: the colour of the status (one rule for page, PDF and XLSX)."""
        return light(self.status)

    @property
    def unit(self) -> str:
        return KPIS[self.kpi].unit

    @property
    def change_previous(self) -> float | None:
        return None if self.value is None or self.previous is None else self.value - self.previous

    @property
    def change_last_year(self) -> float | None:
        return (None if self.value is None or self.same_month_last_year is None
                else self.value - self.same_month_last_year)


@dataclass(frozen=True)
class MonthlySummary:
    month: str
    date_from: date
    date_to: date
    today: date
    headline: tuple[Headline, ...]
    scrap_reasons: pl.DataFrame    # reason, name_en, name_zh, qty, share, cum_share
    late_customers: pl.DataFrame   # customer, name, abc_class, due_lines, late_lines, still_open, otd_line
    open_complaints: pl.DataFrame  # complaint_no, date, customer, customer_name, product, reason, name_en,
    #                                name_zh, severity, qty_affected, cost, days_open
    missing_data: pl.DataFrame     # department, kind, missing_weeks (Mondays of weeks in the month without a record)
    commentary: MonthNote | None
    causes: dict[str, tuple[Cause, ...]] = field(default_factory=dict)  # headline KPI -> its top causes
    # the most severe open exceptions (dashboard.exceptions) at the month's end or today, whichever is first
    top_exceptions: pl.DataFrame = field(default_factory=lambda: _no_exceptions())

    @property
    def has_data(self) -> bool:
        """Anything recorded for the month. Headcount comes from master data, not records, and a
        sum over no records is 0, so neither tells that something was recorded."""
        return any(h.value is not None and (h.value != 0 or not KPIS[h.kpi].additive)
                   for h in self.headline if h.kpi != "headcount")

    def figure(self, kpi_id: str) -> Headline:
        return next(h for h in self.headline if h.kpi == kpi_id)


def traffic_light(kpi_id: str, value: float | None, target: float | None) -> str:
    """green on target, amber near it (within NEAR_TARGET of the target), red beyond; none
    without a value or a target — compare.target_status() in colours."""
    return light(target_status(kpi_id, value, target))


def headline_figures(facts: Mapping[str, pl.DataFrame], month: str, today: date,
                     kpi_ids: tuple[str, ...] = HEADLINE) -> tuple[Headline, ...]:
    date_from, date_to = month_bounds(month)
    compared = compare(list(kpi_ids), facts, date_from, date_to, today=today)
    first = shift_month(month, -(SERIES_MONTHS - 1))
    months = months_of(month_bounds(first)[0], date_to)
    trend = compute(list(kpi_ids), facts, ["month"], Filters(date_from=month_bounds(first)[0], date_to=date_to),
                    today=today)
    by_month = {row["month"]: row for row in trend.iter_rows(named=True)}
    out = []
    for row in compared.iter_rows(named=True):
        k = row["kpi"]
        series = tuple((m, by_month[m][k] if m in by_month else None) for m in months)
        out.append(Headline(k, row["value"], row["previous"], row["same_period_last_year"], row["target"],
                            row["status"], series, (row["previous_covered"], row["previous_periods"]),
                            (row["last_year_covered"], row["last_year_periods"])))
    return tuple(out)


def top_scrap_reasons(facts: Mapping[str, pl.DataFrame], filters: Filters, today: date, n: int = TOP_REASONS
                      ) -> pl.DataFrame:
    """The n largest scrap reasons of the period (scrap Pareto by reason, shares of all scrap)."""
    pareto = scrap_pareto(facts, "reason", filters, today=today, min_share=0.0, max_categories=n)
    top = pareto.filter(pl.col("category") != "Other").head(n)
    reasons = facts["reasons"].select(reason=pl.col("reason_code").cast(pl.String), name_en="name_en", name_zh="name_zh")
    return (top.rename({"category": "reason", "value": "qty"}).join(reasons, on="reason", how="left")
            .with_columns(pl.col("name_en").fill_null(pl.col("reason")), pl.col("name_zh").fill_null(pl.col("reason")))
            .select("reason", "name_en", "name_zh", "qty", "share", "cum_share"))


def late_customers(facts: Mapping[str, pl.DataFrame], filters: Filters, today: date, n: int = TOP_CUSTOMERS
                   ) -> pl.DataFrame:
    """Customers with late order lines among the lines due in the period, most late lines first.

    Late as the delivery rules of dashboard.kpi.delivery say: a due line that is not on time
    (complete after its promised date, or due and still open on `today`), so late lines = due
    lines − on-time lines of the engine; still_open counts those not yet shipped in full (the
    engine's overdue backlog)."""
    otd = compute(["otd_line"], facts, ["customer"], filters, today=today, with_measures=True)
    backlog = overdue_backlog(facts, filters, today=today).group_by("customer").agg(still_open=pl.len())
    customers = with_english(facts["customers"], customer="customer_code", name="name",
                             abc_class="abc_class")
    return (otd.with_columns(late_lines=(pl.col("due_lines") - pl.col("on_time_lines")).cast(pl.Int64))
            .filter(pl.col("late_lines") > 0)
            .join(backlog, on="customer", how="left").join(customers, on="customer", how="left")
            .select("customer", "name", "name_en", "abc_class", pl.col("due_lines").cast(pl.Int64), "late_lines",
                    pl.col("still_open").fill_null(0).cast(pl.Int64), "otd_line")
            .sort(["late_lines", "customer"], descending=[True, False]).head(n))


def open_complaints(facts: Mapping[str, pl.DataFrame], date_to: date) -> pl.DataFrame:
    """Complaints received by the end of the period and not closed by then, most severe first."""
    complaints = facts["complaints"].filter(
        (pl.col("date") <= date_to) & (pl.col("closed_date").is_null() | (pl.col("closed_date") > date_to)))
    reasons = facts["reasons"].select(reason="reason_code", name_en="name_en", name_zh="name_zh")
    customers = with_english(facts["customers"], customer="customer_code", customer_name="name")
    return (complaints.join(reasons, on="reason", how="left").join(customers, on="customer", how="left")
            .with_columns(pl.col("name_en").fill_null(pl.col("reason")), pl.col("name_zh").fill_null(pl.col("reason")),
                          days_open=(pl.lit(date_to) - pl.col("date")).dt.total_days().cast(pl.Int64),
                          _rank=pl.col("severity").replace_strict(_SEVERITY_ORDER, default=9, return_dtype=pl.Int64))
            .sort(["_rank", "date", "complaint_no"])
            .select("complaint_no", "date", "customer", "customer_name", "customer_name_en", "product", "reason", "name_en", "name_zh",
                    "severity", "qty_affected", "cost", "days_open"))


def missing_data(engine: Engine, month: str) -> pl.DataFrame:
    """Departments and data kinds without any record in a week of the month (data_status of the
    Home page, looked at from just after the month). A week counts for the month when it overlaps
    it; monthly kinds (costs) are missing when the month has no record."""
    date_from, date_to = month_bounds(month)
    first_week = calendar.week_start(date_from)
    weeks = (calendar.week_start(date_to) - first_week).days // 7 + 1
    status = data_status(engine, today=calendar.week_start(date_to) + timedelta(days=7), weeks=weeks,
                         week_start=calendar.week_start)
    return (status.with_columns(pl.col("missing_weeks").list.eval(pl.element().filter(pl.element() >= first_week)))
            .filter(pl.col("missing_weeks").list.len() > 0)
            .select("department", "kind", "missing_weeks"))


# --- causes of the biggest changes (docs/kpis.md "Explaining a change") ---------------------------------
CAUSE_RELATIVE = 0.05   # a headline KPI "moved" when it changed by 5 % of its previous value or more
CAUSE_POINTS = 0.01     # ... or, for a ratio, by one percentage point or more
TOP_CAUSES = 2


@dataclass(frozen=True)
class Cause:
    """One member's part of a headline KPI's change against the previous month, in both languages."""
    kpi: str
    dim: str
    member: str
    rate: float
    mix: float
    total: float
    text_en: str        # "INJ-03 +0.14 pp (rate)"
    text_zh: str
    sentence_en: str    # the KPI's whole sentence ("Scrap ratio +0.15 pp: INJ-03 …")
    sentence_zh: str

    def text(self, lang: str) -> str:
        return self.text_zh if lang == "zh" else self.text_en


def moved(kpi_id: str, value: float | None, previous: float | None) -> bool:
    if value is None or previous is None or value == previous:
        return False
    change = abs(value - previous)
    if KPIS[kpi_id].unit == "ratio" and change >= CAUSE_POINTS - 1e-12:
        return True
    return change >= CAUSE_RELATIVE * abs(previous) if previous else True


def headline_causes(facts: Mapping[str, pl.DataFrame], headline: tuple[Headline, ...], month: str, today: date,
                    n: int = TOP_CAUSES) -> dict[str, tuple[Cause, ...]]:
    """For each headline KPI that moved beyond the threshold, its n largest member parts along the
    dimension that explains most of the change (dashboard.kpi.explain.rank_dimensions)."""
    after = Filters(*month_bounds(month))
    before = Filters(*month_bounds(shift_month(month, -1)))
    out: dict[str, tuple[Cause, ...]] = {}
    for h in headline:
        if not moved(h.kpi, h.value, h.previous):
            continue
        ranks = rank_dimensions(h.kpi, facts, before, after, today=today)
        if not ranks:
            continue
        e = explain(h.kpi, facts, ranks[0].dim, before, after, today=today)
        texts = {lang: sentence(e, lang) for lang in ("en", "zh")}
        out[h.kpi] = tuple(Cause(h.kpi, e.dim, p["member"], p["rate"], p["mix"], p["total"],
                                 part_text(e, p, "en"), part_text(e, p, "zh"), texts["en"], texts["zh"])
                           for p in e.top(n).iter_rows(named=True))
    return out


def _no_exceptions() -> pl.DataFrame:
    from dashboard.exceptions import empty

    return empty()


def top_exceptions(engine: Engine, date_to: date, today: date, n: int = TOP_EXCEPTIONS) -> pl.DataFrame:
    """The n most severe exceptions open the day after the month (its off-target KPIs are the
    month's), or today for the running month; acknowledged ones hidden unless they worsened. The list
    is remembered for the data version (dashboard.exceptions.open_exceptions): a rerun of the Executive
    page does not project every open order line again."""
    from dashboard.exceptions import open_exceptions

    return open_exceptions(engine, min(today, date_to + timedelta(days=1))).head(n)


def build_summary(engine: Engine, month: str, *, today: date | None = None,
                  facts: Mapping[str, pl.DataFrame] | None = None) -> MonthlySummary:
    """Everything the executive summary shows for one month ("YYYY-MM")."""
    today = today or date.today()
    facts = facts if facts is not None else load_facts(engine)
    date_from, date_to = month_bounds(month)
    filters = Filters(date_from=date_from, date_to=date_to)
    headline = headline_figures(facts, month, today)
    return MonthlySummary(
        month=month, date_from=date_from, date_to=date_to, today=today,
        headline=headline,
        scrap_reasons=top_scrap_reasons(facts, filters, today),
        late_customers=late_customers(facts, filters, today),
        open_complaints=open_complaints(facts, date_to),
        missing_data=missing_data(engine, month),
        commentary=get_commentary(engine, month),
        causes=headline_causes(facts, headline, month, today),
        top_exceptions=top_exceptions(engine, date_to, today),
    )


__all__ = ["HEADLINE", "Cause", "Headline", "headline_causes", "moved", "MonthlySummary", "NEAR_TARGET", "build_summary", "headline_figures",
           "last_complete_month", "late_customers", "missing_data", "month_bounds", "open_complaints",
           "parse_month", "shift_month", "top_scrap_reasons", "traffic_light"]

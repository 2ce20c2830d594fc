"""The HR exceptions section of the People page (人力资源异常超标分析): overtime over the 36 h limit and
work injuries with the employees behind them, absence by type, transfers and headcount by department,
the wage-rate change log. The names are shown to admin, executives and HR clerks only."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi import Filters, compute
from dashboard.kpi.charts_data import rows_behind
from dashboard.kpi.people import ABSENCE_TYPES, OVERTIME_LIMIT_H, injuries, overtime_over_limit, transfers, \
    wage_rate_changes
from dashboard.ui import charts
from dashboard.ui.login import current_user
from dashboard.ui.memo import cached
from dashboard.ui.names import names
from dashboard.ui.tables import data_table
from dashboard.ui.tiles import kpi_name

NAME_ROLES = ("admin", "executive")
HR_EVENTS = ("hire", "leave", "transfer", "injury", "wage_change")
NAME_DEPARTMENTS = ("hr",)


def may_see_names() -> bool:
    """Admin, executives and HR clerks (and the single user of an installation without accounts)."""
    user = current_user()
    return user is None or user.role in NAME_ROLES or (user.role == "clerk" and user.department in NAME_DEPARTMENTS)


def _headers(frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
    return frame.select([pl.col(c).alias(h) for c, h in columns.items() if c in frame.columns])


def _col(c: str) -> str:
    return t(f"ppl2.col.{c}") if c in ("name", "over_h", "from_department", "to_department", "detail", "seq", "event",
                                         "valid_from", "piece_rate", "previous_rate", "change", "headcount") \
        else t(f"analysis.col.{c}")


def hr_exceptions(facts: Mapping[str, pl.DataFrame], filters: Filters, today: date) -> None:
    st.header(t("ppl2.exceptions"))
    show_names = may_see_names()
    if not show_names:
        st.caption(t("ppl2.names_hidden"))
    departments = names(facts, "department")
    people = facts["employees"]

    def named(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
        out = frame.with_columns([pl.col(c).replace_strict(departments, default=pl.col(c)) for c in columns
                                  if c in frame.columns])
        return out if show_names else out.drop([c for c in ("name",) if c in out.columns])

    st.subheader(t("ppl2.overtime_limit", limit=f"{OVERTIME_LIMIT_H:g}"))
    over = overtime_over_limit(rows_behind("attendance", facts, filters, newest_first=False), people)
    if over.height == 0:
        st.info(t("ppl2.overtime_none", limit=f"{OVERTIME_LIMIT_H:g}"))
    else:
        cols = ("month", "employee", "name", "department", "overtime_h", "over_h")
        data_table(_headers(named(over, "department"), {c: _col(c) for c in cols}), t("ppl2.overtime_limit",
                   limit=f"{OVERTIME_LIMIT_H:g}"), "ppl2_overtime")

    st.subheader(t("ppl2.injuries"))
    hurt = injuries(rows_behind("hr_events", facts, filters, newest_first=False))
    if hurt.height == 0:
        st.info(t("ppl2.injuries_none"))
    else:
        cols = ("date", "employee", "name", "department", "detail", "cost")
        data_table(_headers(named(hurt, "department"), {c: _col(c) for c in cols}), t("ppl2.injuries"),
                   "ppl2_injuries")

    left, right = st.columns(2)
    with left:
        ids = [f"absence_rate_{a}" for a in ABSENCE_TYPES]
        rates = cached(compute, ids, facts, (), filters, today=today)
        bars = pl.DataFrame({"code": ids, "name": [kpi_name(i) for i in ids],
                             "value": [rates.get_column(i)[0] for i in ids]}).drop_nulls("value")
        if bars.height:
            charts.draw(charts.bar_chart(bars, title=t("ppl2.absence"), category_title=t("analysis.col.absence"),
                                         value_title=kpi_name("absence_rate"), unit="ratio"), "ppl2_absence")
    with right:
        st.subheader(t("ppl2.transfers"))
        moves = transfers(rows_behind("hr_events", facts, filters, newest_first=False))
        cols = ("date", "employee", "name", "from_department", "to_department", "detail")
        data_table(_headers(named(moves, "from_department", "to_department"), {c: _col(c) for c in cols}),
                   t("ppl2.transfers"), "ppl2_transfers")

    st.subheader(t("ppl2.headcount_department"))
    heads = cached(compute, ["headcount"], facts, ("month", "department"), filters, today=today)
    if heads.height:
        table = (heads.drop_nulls("headcount")
                 .with_columns(pl.col("department").replace_strict(departments, default=pl.col("department")),
                               pl.col("headcount").round(1))
                 .pivot("department", index="month", values="headcount").sort("month"))
        data_table(table.rename({"month": _col("month")}), t("ppl2.headcount_department"), "ppl2_headcount")

    if show_names:  # every HR event of the period (hires with their cost, leaves, pay changes, ...)
        st.subheader(t("ppl2.events"))
        events = rows_behind("hr_events", facts, filters).with_columns(
            pl.col("event").replace_strict({e: t(f"ppl2.event.{e}") for e in HR_EVENTS}, default=pl.col("event")))
        cols = ("date", "employee", "name", "department", "event", "detail", "cost")
        data_table(_headers(named(events, "department"), {c: _col(c) for c in cols}), t("ppl2.events"), "ppl2_events")

    st.subheader(t("ppl2.wage_rates"))
    rates = wage_rate_changes(facts["wage_rates"]) if "wage_rates" in facts else pl.DataFrame()
    if rates.height and filters.date_to is not None:
        rates = rates.filter(pl.col("valid_from") <= filters.date_to)
    cols = ("product_code", "seq", "valid_from", "piece_rate", "previous_rate", "change")
    data_table(_headers(rates, {**{c: _col(c) for c in cols}, "product_code": t("analysis.col.product")}),
               t("ppl2.wage_rates"), "ppl2_wage_rates")

"""Headline KPIs of the last complete month for the Home page: throughput, scrap ratio, OEE,
OTD, CSAT, each with its deltas and target status (the same tiles as the analysis pages)."""
from __future__ import annotations

from datetime import date

import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.i18n import t
from dashboard.kpi import HEADLINE, Filters, calendar
from dashboard.ui.filters import period_dates
from dashboard.ui.tiles import kpi_tiles, tile_rows
from dashboard.facts import load_facts


def last_complete_month(today: date) -> tuple[date, date]:
    return period_dates("last_month", today)


def _headline_request(engine: Engine, today: date | None) -> tuple[list[str], object, Filters, date]:
    """Home's question: the headline KPIs of the last complete month (kpi ids, facts, filters, today)."""
    today = today or date.today()
    start, end = last_complete_month(today)
    return list(HEADLINE), load_facts(engine), Filters(date_from=start, date_to=end), today


def headline_figures(engine: Engine, today: date | None = None):
    """The tiles' figures (dashboard.ui.tiles.tile_rows, remembered by dashboard.ui.memo): the warm-up
    computes them before the first sign-in, so Home's first run finds them."""
    return tile_rows(*_headline_request(engine, today))


def headline_tiles(engine: Engine, today: date | None = None) -> None:
    ids, facts, filters, today = _headline_request(engine, today)
    st.subheader(t("home.headline", month=calendar.month_of(filters.date_to)))
    kpi_tiles(ids, facts, filters, today, per_row=len(HEADLINE), key="home_headline")


__all__ = ["headline_figures", "headline_tiles", "last_complete_month"]

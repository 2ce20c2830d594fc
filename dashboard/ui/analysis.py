"""Shared scaffolding of the eight analysis pages: meeting mode, title, filter bar, the period
caption, filters a page's data cannot honour, drill-down state, names for codes, empty data.

    page = analysis_page("quality", applicable=("line", "machine", "product", "shift"))
    if page.empty("production"):
        st.stop()
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.i18n import t
from dashboard.kpi import Filters
from dashboard.kpi.charts_data import has_rows
from dashboard.kpi.compare import previous_period, same_period_last_year
from dashboard.kpi.facts import FACTS
from dashboard.ui.drill_url import remembered
from dashboard.ui.filters import DIMS, FilterState, calendar_note, filter_bar
from dashboard.ui.meeting import meeting_toggle
from dashboard.ui.memo import cached
from dashboard.ui.names import display_name, names, with_names  # names for codes (re-exported)
from dashboard.ui.page_frame import page_frame
from dashboard.ui.tiles import fmt_period
from dashboard.facts import load_facts

# The pickers the production fact honours (its declared dims: line, machine, product, shift)
PRODUCTION_DIMS = tuple(d for d in FACTS["production"].dims if d in DIMS)


def today() -> date:
    return date.today()


@dataclass
class AnalysisPage:
    engine: Engine
    facts: Mapping[str, pl.DataFrame]
    today: date
    state: FilterState
    filters: Filters
    meeting: bool

    @property
    def grain(self) -> str:
        return self.state.grain

    def empty(self, *facts: str, filters: Filters | None = None) -> bool:
        """True (and says so in words) when none of the facts has rows for the period and filters."""
        if any(cached(has_rows, fact, self.facts, filters or self.filters) for fact in facts):
            return False
        self.say_empty()
        return True

    def say_empty(self) -> None:
        st.info(t("analysis.empty", period=fmt_period(self.filters.date_from, self.filters.date_to)))

    def drill(self, dim: str, code: str | None, filters: Filters | None = None, *, rows_only: bool = False) -> Filters:
        """The filters narrowed to the clicked category (and a note saying so), or unchanged."""
        filters = filters or self.filters
        code = remembered(dim, code)  # the click, or the URL's drill-down (dashboard.ui.drill_url)
        if not code:
            return filters
        value = display_name(self.facts, dim, code)
        st.info(t("analysis.drill.rows" if rows_only else "analysis.drill", dim=t(f"analysis.dim.{dim}"), value=value),
                icon=":material/filter_alt:")
        return filters.replace(**{dim: (code,)})


def analysis_page(page: str, applicable: Sequence[str]) -> AnalysisPage:
    """Draw the page head (title, meeting switch, filter bar, period caption) and return the context."""
    engine = page_frame(login=False).engine  # signed in by the app frame (dashboard/app.py)
    facts = load_facts(engine)
    now = today()
    head, switch = st.columns([5, 1], vertical_alignment="center")
    with switch:
        meeting = meeting_toggle(page)
    head.title(t(f"nav.analysis.{page}"))
    state = filter_bar(facts, now, page)
    filters = state.filters(applicable)
    prev = previous_period(state.date_from, state.date_to)
    last_year = same_period_last_year(state.date_from, state.date_to)
    st.caption(t("analysis.period_caption", period=fmt_period(state.date_from, state.date_to),
                 previous=fmt_period(*prev), last_year=fmt_period(*last_year))
               + ("" if calendar_note() is None else " · " + calendar_note()))
    ignored = state.ignored(applicable)
    if ignored:
        st.caption(t("analysis.ignored", dims=", ".join(t(f"analysis.dim.{d}") for d in ignored)))
    return AnalysisPage(engine, facts, now, state, filters, meeting)


__all__ = ["AnalysisPage", "PRODUCTION_DIMS", "analysis_page", "cached", "display_name", "names", "today", "with_names"]

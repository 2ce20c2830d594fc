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

from dashboard.i18n import current_lang, set_lang, t
from dashboard.kpi import OTHER, UNASSIGNED, Filters
from dashboard.kpi.charts_data import has_rows
from dashboard.kpi.compare import previous_period, same_period_last_year
from dashboard.ui.filters import FilterState, calendar_note, filter_bar
from dashboard.ui.meeting import meeting_toggle
from dashboard.ui.memo import cached
from dashboard.ui.tiles import fmt_period
from data_access.db import get_engine
from data_access.facts import load_facts
from data_access.kinds.base import DEPARTMENTS

PRODUCTION_DIMS = ("line", "machine", "product", "shift")


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

    def drill(self, dim: str, code: str | None, filters: Filters | None = None, *, names_of: str | None = None,
              rows_only: bool = False) -> Filters:
        """The filters narrowed to the clicked category (and a note saying so), or unchanged."""
        filters = filters or self.filters
        if not code:
            return filters
        value = display_name(self.facts, names_of or dim, code)
        st.info(t("analysis.drill.rows" if rows_only else "analysis.drill", dim=t(f"analysis.dim.{dim}"), value=value),
                icon=":material/filter_alt:")
        return filters.replace(**{dim: (code,)})


def analysis_page(page: str, applicable: Sequence[str]) -> AnalysisPage:
    """Draw the page head (title, meeting switch, filter bar, period caption) and return the context."""
    if st.session_state.get("lang"):  # the app frame sets it too; a page run on its own (tests) needs it
        set_lang(st.session_state.lang)
    engine = get_engine()
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


# --- names for codes -----------------------------------------------------------------------------------
_MASTER = {"line": ("lines", "line_code"), "machine": ("machines", "machine_code"),
           "product": ("products", "product_code"), "customer": ("customers", "customer_code"),
           "supplier": ("suppliers", "supplier_code"), "material": ("materials", "material_code")}


def names(facts: Mapping[str, pl.DataFrame], dim: str) -> dict[str, str]:
    """{code: display name} for a dimension in the current language."""
    lang = current_lang()
    out: dict[str, str] = {OTHER: t("kpi.other"), UNASSIGNED: t("kpi.unassigned")}
    if dim == "reason":
        reasons = facts["reasons"]
        column = "name_zh" if lang == "zh" else "name_en"
        out.update({c: (n or c) for c, n in reasons.select("reason_code", column).iter_rows()})
    elif dim in _MASTER:
        kind, code = _MASTER[dim]
        if dim in ("machine",):  # machine codes are what the floor says
            return out
        out.update({c: f"{c} {n}" if n else c for c, n in facts[kind].select(code, "name").iter_rows()})
    elif dim in ("category", "loss"):
        for c in ("breakdown", "setup", "minor_stop", "planned", "speed", "scrap", "rework", "no_ideal_cycle"):
            out[c] = t(f"kpi.loss.{c}")
        out["quality_loss"] = t("kpi.loss.quality_loss_category")
    elif dim == "stage":
        out.update({s: t(f"analysis.stage.{s}") for s in ("incoming", "in_process", "final")})
    elif dim == "cost_category":
        out.update({c: t(f"analysis.cost.{c}") for c in ("labour", "material", "utilities", "welfare", "recruitment",
                                                        "complaint", "maintenance", "transport", "other")})
    elif dim == "department":
        out.update({d: (zh if lang == "zh" else en) for d, (en, zh) in DEPARTMENTS.items()})
    return out


def display_name(facts: Mapping[str, pl.DataFrame], dim: str, code: str) -> str:
    return names(facts, dim).get(code, code)


def with_names(frame: pl.DataFrame, code_column: str, facts: Mapping[str, pl.DataFrame], dim: str) -> pl.DataFrame:
    """Adds `code` and `name` (display text) for a code column."""
    mapping = names(facts, dim)
    return frame.with_columns(code=pl.col(code_column).cast(pl.String)).with_columns(
        name=pl.col("code").replace_strict(mapping, default=pl.col("code"), return_dtype=pl.String))


__all__ = ["AnalysisPage", "PRODUCTION_DIMS", "analysis_page", "cached", "display_name", "names", "today", "with_names"]

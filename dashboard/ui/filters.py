"""The global filter bar of the analysis pages, whose whole state lives in the URL query string.

    ?period=last_month&grain=week&line=INJ,DMC&machine=INJ-03
    ?period=custom&from=2026-01-01&to=2026-01-31

A copied link restores the view. Moving to another analysis page keeps the filters: the state
is also kept in session_state and written back to the URL when a page opens without any.

How URL and widgets stay in step: after every run the bar remembers the query it wrote. When
the URL differs from it at the start of a run, the URL was changed from outside (a pasted link,
the first load, another page) and wins: its values are pushed into the widgets. Otherwise the
widgets win and the URL is rewritten from them.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl
import streamlit as st

from dashboard.i18n import current_lang, t
from dashboard.kpi import Filters
from dashboard.kpi import calendar
from dashboard.kpi.dimensions import DIMENSION_BY_NAME, PICKER_DIMENSIONS, allowed, members
from dashboard.ui.memo import cached
from dashboard.ui.names import picker_labels

PRESETS = ("this_week", "last_week", "this_month", "last_month", "quarter_to_date", "year_to_date",
           "last_12_months", "custom")
GRAIN_CHOICES = ("day", "week", "month", "quarter")
DIMS = PICKER_DIMENSIONS  # declared in dashboard.kpi.dimensions
QUERY_NAMES = {d: DIMENSION_BY_NAME[d].query_name for d in DIMS}
PARAMS = ("period", "from", "to", "grain", *QUERY_NAMES.values())
DEFAULT_PRESET, DEFAULT_GRAIN = "last_month", "day"

_WRITTEN = "_flt_written"  # the query this bar wrote last
_SAVED = "_flt_saved"      # the same, kept across pages
_KEY = "flt_"              # widget keys: flt_period, flt_from, ...


def period_dates(preset: str, today: date, custom: tuple[date, date] | None = None) -> tuple[date, date]:
    """Inclusive dates of a preset, in the plant's statistics weeks and months (dashboard.kpi.calendar).
    "last_12_months" is the twelve whole months before this one."""
    week = calendar.week_start(today)
    month = calendar.month_of(today)
    if preset == "this_week":
        return week, today
    if preset == "last_week":
        return week - timedelta(days=7), week - timedelta(days=1)
    if preset == "this_month":
        return calendar.month_bounds(month)[0], today
    if preset == "last_month":
        return calendar.month_bounds(calendar.add_months(month, -1))
    if preset == "quarter_to_date":
        return calendar.quarter_bounds(*calendar.quarter_of(month))[0], today
    if preset == "year_to_date":
        return calendar.year_bounds(int(month[:4]))[0], today
    if preset == "last_12_months":
        first = calendar.month_bounds(calendar.add_months(month, -12))[0]
        return first, calendar.month_bounds(month)[0] - timedelta(days=1)
    if preset == "custom" and custom:
        start, end = custom
        return (start, end) if start <= end else (end, start)
    raise ValueError(f"unknown period {preset!r}")


def calendar_note() -> str | None:
    """The plant's statistics calendar in words, when it is not calendar months from Monday."""
    cal = calendar.current()
    if cal == calendar.PlantCalendar():
        return None
    months = (t("status.calendar.calendar_months") if cal.month_cutoff is None
              else t("status.calendar.cutoff", day=cal.month_cutoff, next=cal.month_cutoff + 1))
    return t("status.calendar.caption", months=months, week_start=t(f"status.weekday.{cal.week_start}"))


@dataclass(frozen=True)
class FilterState:
    """What the filter bar holds: period preset (and its dates), grain and dimension choices."""

    preset: str = DEFAULT_PRESET
    date_from: date | None = None
    date_to: date | None = None
    grain: str = DEFAULT_GRAIN
    dims: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    # --- query string ---------------------------------------------------------------------------
    @classmethod
    def from_query(cls, query: Mapping[str, str], today: date) -> FilterState:
        preset = query.get("period") or DEFAULT_PRESET
        if preset not in PRESETS:
            preset = DEFAULT_PRESET
        custom = None
        if preset == "custom":
            try:
                custom = (date.fromisoformat(query.get("from", "")), date.fromisoformat(query.get("to", "")))
            except ValueError:
                preset = DEFAULT_PRESET
        date_from, date_to = period_dates(preset, today, custom)
        grain = query.get("grain") if query.get("grain") in GRAIN_CHOICES else DEFAULT_GRAIN
        dims = {}
        for dim, name in QUERY_NAMES.items():
            values = tuple(v for v in (query.get(name) or "").split(",") if v)
            if values:
                dims[dim] = values
        return cls(preset, date_from, date_to, grain, dims)

    def to_query(self) -> dict[str, str]:
        out = {"period": self.preset}
        if self.preset == "custom":
            out["from"], out["to"] = self.date_from.isoformat(), self.date_to.isoformat()
        out["grain"] = self.grain
        for dim, name in QUERY_NAMES.items():
            if self.dims.get(dim):
                out[name] = ",".join(self.dims[dim])
        return out

    # --- for the engine --------------------------------------------------------------------------
    def filters(self, applicable: Sequence[str] = DIMS) -> Filters:
        """Engine filters with the period and the dimension choices this page's data can honour."""
        return Filters(date_from=self.date_from, date_to=self.date_to,
                       **{d: v for d, v in self.dims.items() if d in applicable and v})

    def ignored(self, applicable: Sequence[str]) -> list[str]:
        return [d for d, v in self.dims.items() if v and d not in applicable]


# --- options from master data -----------------------------------------------------------------------
def filter_options(facts: Mapping[str, pl.DataFrame], lang: str | None = None) -> dict[str, dict[str, str]]:
    """{dimension: {code: label}} of every picker: master rows "code · name" in `lang` (part of the memo
    key), fixed choices and observed values (shifts: the codes used in production) as they are."""
    out = {}
    for dim in DIMS:
        d = DIMENSION_BY_NAME[dim]
        out[dim] = (picker_labels(facts, d.master, d.code, lang) if d.master
                    else {c: c for c in members(facts, dim)})
    return out


def narrowed_options(facts: Mapping[str, pl.DataFrame], options: Mapping[str, Mapping[str, str]], dim: str,
                     chosen: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """A picker's options given the other choices: the machines of the chosen lines (and with a routing
    for a chosen product); all of them when nothing narrows it."""
    keep = allowed(facts, dim, {k: tuple(v) for k, v in chosen.items() if v})
    return dict(options[dim]) if keep is None else {c: n for c, n in options[dim].items() if c in keep}


# --- the bar ------------------------------------------------------------------------------------------
def _query_now() -> dict[str, str]:
    return {k: st.query_params[k] for k in PARAMS if k in st.query_params}


def _push(state: FilterState, options: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Write a state into the widgets; returns the unknown codes dropped."""
    ss = st.session_state
    ss[_KEY + "period"] = state.preset
    ss[_KEY + "from"], ss[_KEY + "to"] = state.date_from, state.date_to
    ss[_KEY + "grain"] = state.grain
    dropped = []
    for dim in DIMS:
        chosen = state.dims.get(dim, ())
        known = [v for v in chosen if v in options.get(dim, {})]
        dropped += [v for v in chosen if v not in options.get(dim, {})]
        ss[_KEY + dim] = known
    return dropped


def _read(today: date) -> FilterState:
    ss = st.session_state
    preset = ss[_KEY + "period"]
    custom = (ss[_KEY + "from"], ss[_KEY + "to"]) if preset == "custom" else None
    if preset == "custom" and (custom[0] is None or custom[1] is None):
        preset, custom = DEFAULT_PRESET, None
    date_from, date_to = period_dates(preset, today, custom)
    dims = {d: tuple(ss[_KEY + d]) for d in DIMS if ss.get(_KEY + d)}
    return FilterState(preset, date_from, date_to, ss[_KEY + "grain"], dims)


def filter_bar(facts: Mapping[str, pl.DataFrame], today: date, page_id: str = "") -> FilterState:
    """Draw the bar (top of the page, so meeting mode can hide the sidebar) and return its state.

    `page_id` names the page: widgets of another page are new widgets to Streamlit (they would
    start from their defaults), so the state is pushed into them whenever the page changes."""
    options = cached(filter_options, facts, lang=current_lang())  # 2,000 machines and products on the large demo: once per data version
    ss = st.session_state
    query = _query_now()
    if not query and ss.get(_SAVED):  # a page opened without filters: keep those of the last page
        query = dict(ss[_SAVED])
    widget_keys = [_KEY + k for k in ("period", "from", "to", "grain", *DIMS)]
    if query != ss.get(_WRITTEN) or ss.get("_flt_page") != page_id or any(k not in ss for k in widget_keys):
        dropped = _push(FilterState.from_query(query, today), options)
        if dropped:
            st.warning(t("analysis.filter.unknown", codes=", ".join(dropped)))

    with st.container(border=True, key="analysis_filter_bar"):
        c = st.columns([1.3, 1.0, 1.0, 1.2, 1.4, 1.4])
        c[0].selectbox(t("analysis.filter.period"), PRESETS, key=_KEY + "period",
                       format_func=lambda p: t(f"analysis.preset.{p}"))
        if ss[_KEY + "period"] == "custom":
            c[1].date_input(t("analysis.filter.from"), key=_KEY + "from", format="YYYY-MM-DD")
            c[2].date_input(t("analysis.filter.to"), key=_KEY + "to", format="YYYY-MM-DD")
        else:
            dates = period_dates(ss[_KEY + "period"], today)
            ss[_KEY + "from"], ss[_KEY + "to"] = dates
            c[1].markdown(f"**{t('analysis.filter.from')}**  \n{dates[0].isoformat()}")
            c[2].markdown(f"**{t('analysis.filter.to')}**  \n{dates[1].isoformat()}")
        c[3].selectbox(t("analysis.filter.grain"), GRAIN_CHOICES, key=_KEY + "grain",
                       format_func=lambda g: t(f"analysis.grain.{g}"))
        cells = dict(zip(DIMS, [*c[4:], *st.columns(4)]))
        # Product is drawn after machine but narrows it: its choice is read from the state (a widget
        # changed in this run is already there), so each picker knows all the other choices.
        stale = []
        for dim in DIMS:
            offered = narrowed_options(facts, options, dim, {k: ss.get(_KEY + k) or () for k in DIMS if k != dim})
            kept = [v for v in ss.get(_KEY + dim) or () if v in offered]
            if len(kept) < len(ss.get(_KEY + dim) or ()):  # a choice the others rule out: dropped, said below
                stale += [options[dim].get(v, v) for v in ss[_KEY + dim] if v not in offered]
                ss[_KEY + dim] = kept
            cells[dim].multiselect(t(DIMENSION_BY_NAME[dim].label_key), list(offered), key=_KEY + dim,
                                   format_func=offered.get, placeholder=t("analysis.filter.all"))
        if stale:
            st.info(t("analysis.filter.narrowed", codes=", ".join(stale)), icon=":material/filter_alt_off:")

    state = _read(today)
    written = state.to_query()
    if _query_now() != written:
        for k in PARAMS:
            if k in st.query_params and k not in written:
                del st.query_params[k]
        st.query_params.update(written)
    ss[_WRITTEN] = ss[_SAVED] = written
    ss["_flt_page"] = page_id
    return state


__all__ = ["DIMS", "FilterState", "calendar_note", "PRESETS", "filter_bar", "filter_options", "narrowed_options",
           "period_dates"]

""""Why?" under a KPI tile (docs/kpis.md; issue 19): the change against the previous period explained
by the members of a dimension — a sentence in the user's language, a waterfall from the previous
value to the current one through the top members, a dimension picker that starts on the dimension
explaining most, and a button per member that applies it as a filter of the page.

The popover computes nothing until it is opened (its open state reruns the page); the figures
come from dashboard.kpi.explain, remembered per data version (ui.memo).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import altair as alt
import polars as pl
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard.i18n import current_lang, t
from dashboard.kpi import KPIS, OTHER, UNASSIGNED, Filters
from dashboard.kpi.compare import previous_period
from dashboard.kpi.registry import term_label
from dashboard.kpi.explain import (ExplainError, decomposable, dimensions_for, explain, fmt_signed, oee_factors, rank_dimensions,
                                   sentence)
from dashboard.ui.charts import BLUE, GREEN, RED, _finish, draw
from dashboard.ui.memo import cached
from dashboard.ui.names import names

FILTER_KEY = "flt_"  # the filter bar's widget keys (dashboard.ui.filters)
FILTERABLE = ("line", "machine", "product", "customer", "abc_class", "shift")  # dims of the filter bar
TOP_MEMBERS = 6       # members drawn in the waterfall (the rest: "Other")
BUTTONS = 3           # members offered as a filter
# The analysis page a KPI of the monthly summary links to (its member links open it filtered).
ANALYSIS_PAGE = {"good_qty": "throughput", "plan_attainment": "throughput", "scrap_ratio": "quality",
                 "scrap_cost": "quality", "oee": "equipment", "otd_line": "delivery", "csat": "customer",
                 "complaint_ppm": "customer", "cost_per_unit": "materials"}


def why_popover(kpi_id: str, facts: Mapping[str, pl.DataFrame], filters: Filters, today: date, *,
                key: str = "tiles", before: Filters | None = None, filterable: bool = True) -> None:
    """The "Why?" button of a tile; the explanation is computed only while it is open.

    With `filterable`, a member button sets the page's filter bar; without (the monthly summary),
    a member link opens the KPI's analysis page filtered to the member and the same period."""
    if filters.date_from is None or filters.date_to is None:
        return
    pop = st.popover(t("explain.why"), key=f"why_{key}_{kpi_id}", on_change="rerun", type="tertiary",
                     icon=":material/query_stats:", help=t("explain.why_help"))
    if not pop.open:
        return
    with pop:
        try:
            _why(kpi_id, facts, filters, today, key=f"{key}_{kpi_id}", before=before, filterable=filterable)
        except ExplainError as exc:  # a filter the KPI's data cannot honour: said in words, no traceback
            st.info(t(exc.key, **exc.params))


def previous_filters(filters: Filters) -> Filters:
    start, end = previous_period(filters.date_from, filters.date_to)
    return filters.replace(date_from=start, date_to=end)


def _why(kpi_id, facts, filters: Filters, today: date, *, key: str, before: Filters | None, filterable: bool):
    lang = current_lang()
    k = KPIS[kpi_id]
    before = before or previous_filters(filters)
    if not decomposable(kpi_id) or not dimensions_for(kpi_id, facts, today=today):
        st.info(t("explain.not.not_decomposable", kpi=k.name(lang)))
        return
    ranks = cached(rank_dimensions, kpi_id, facts, before, filters, today=today)
    if not ranks:
        e = cached(explain, kpi_id, facts, dimensions_for(kpi_id, facts, today=today)[0], before, filters,
                   today=today)
        st.info(sentence(e, lang) if not e.explained else t("explain.nothing"))
        return
    dims = [r.dim for r in ranks]
    labels = {d: t(f"analysis.dim.{d}") for d in dims}
    labels[dims[0]] = t("explain.dim_best", dim=labels[dims[0]])
    state = f"why_dim_{key}"
    if st.session_state.get(state) not in dims:
        st.session_state[state] = dims[0]
    dim = st.selectbox(t("explain.dim"), dims, key=state, format_func=labels.get)
    e = cached(explain, kpi_id, facts, dim, before, filters, today=today)
    shown = names(facts, dim)
    st.markdown(_escape(sentence(e, lang, shown)))
    if kpi_id == "oee":
        _oee_line(facts, before, filters, today)
    if e.explained and e.parts.height:
        draw(waterfall_chart(e, shown), key=f"why_chart_{key}")
        den = " + ".join(term_label(term, lang) for term in k.denominator)
        st.caption(t(f"explain.method.{e.method}", den=den))
        if dim in FILTERABLE:
            if filterable:
                _filter_buttons(e, dim, shown, key)
            elif kpi_id in ANALYSIS_PAGE:
                _filter_links(e, dim, shown, filters, ANALYSIS_PAGE[kpi_id])


def _escape(text: str) -> str:
    """Markdown without surprises: codes like C-007 or P_1 must not turn into formatting."""
    for ch in ("\\", "*", "_", "`", "#", "[", "]", "$", "~"):
        text = text.replace(ch, "\\" + ch)
    return text


def _oee_line(facts, before: Filters, after: Filters, today: date) -> None:
    factors = cached(oee_factors, facts, before, after, today=today)
    if factors.height:
        parts = t("explain.sep").join(f"{t('explain.factor.' + r['factor'])} {fmt_signed(r['part'], 'ratio')}"
                                      for r in factors.iter_rows(named=True))
        st.caption(t("explain.oee_factors", parts=parts))


def waterfall_data(e, names: Mapping[str, str] | None = None, top: int = TOP_MEMBERS) -> pl.DataFrame:
    """step, label, start, end, part, kind (total | up | down), order: previous value -> members -> current.

    Members beyond `top` are folded into "Other" (the parts still reach the current value)."""
    names = names or {}
    members = e.parts.filter(pl.col("member") != OTHER)
    shown = members.head(top)
    rest = e.parts.get_column("total").sum() - shown.get_column("total").sum()
    steps = [(m, names.get(m, m), v) for m, v in shown.select("member", "total").iter_rows()]
    if abs(rest) > 1e-15 * max(1.0, abs(e.change or 0)):
        steps.append((OTHER, t("kpi.other"), rest))
    before_label = t("explain.target") if e.method == "vs_target" else t("explain.previous")
    rows = [("before", before_label, 0.0, e.before, e.before, "total")]
    level = e.before
    for code, label, part in steps:
        rows.append((code, label, level, level + part, part, "up" if part >= 0 else "down"))
        level += part
    rows.append(("after", t("explain.current"), 0.0, e.after, e.after, "total"))
    return pl.DataFrame(rows, schema={"step": pl.String, "label": pl.String, "start": pl.Float64, "end": pl.Float64,
                                      "part": pl.Float64, "kind": pl.String}, orient="row").with_row_index("order")


def waterfall_chart(e, names: Mapping[str, str] | None = None, *, height: int = 300):
    """Bars from the previous value to the current one through the members' parts (altair)."""
    k = KPIS[e.kpi]
    data = waterfall_data(e, names)
    levels = pl.concat([data.get_column("start").filter(data.get_column("kind") != "total"),
                        data.get_column("end")])
    low, high = levels.min(), levels.max()
    pad = (high - low) * 0.15 or abs(high) * 0.05 or 1.0
    floor = max(low - pad, 0.0) if low >= 0 else low - pad
    data = data.with_columns(start=pl.when(pl.col("kind") == "total").then(pl.lit(floor)).otherwise(pl.col("start")))
    good = k.direction > 0  # a rise is good for higher-is-better KPIs: green, else red
    colours = alt.Scale(domain=["total", "up", "down"], range=[BLUE, GREEN if good else RED, RED if good else GREEN])
    fmt = ".2%" if k.unit == "ratio" else ",.2f"
    order = data.get_column("label").to_list()
    tooltip = [alt.Tooltip("label:N", title=t("explain.col.member")),
               alt.Tooltip("part:Q", title=t("explain.col.total"), format=fmt)]
    bars = alt.Chart(data).mark_bar().encode(
        x=alt.X("label:N", sort=order, axis=alt.Axis(title=None, labelAngle=-30, labelLimit=160, labelOverlap=False)),
        y=alt.Y("start:Q", title=k.name(current_lang()), scale=alt.Scale(domain=[floor, high + pad], zero=False),
                axis=alt.Axis(format=(".2%" if high - low < 0.02 else ".1%") if k.unit == "ratio" else ",.0f")),
        y2="end:Q", color=alt.Color("kind:N", scale=colours, legend=None), tooltip=tooltip)
    return _finish(bars, height)


def _apply_filter(dim: str, code: str) -> None:
    st.session_state[FILTER_KEY + dim] = [code]


def _filter_buttons(e, dim: str, names: Mapping[str, str], key: str) -> None:
    members = [m for m in e.parts.get_column("member").to_list() if m not in (OTHER, UNASSIGNED)][:BUTTONS]
    if not members:
        return
    for col, code in zip(st.columns(len(members)), members):
        col.button(t("explain.apply", member=names.get(code, code)), key=f"why_apply_{key}_{code}",
                   on_click=_apply_filter, args=(dim, code), help=t("explain.apply_help"), icon=":material/filter_alt:")


def _filter_links(e, dim: str, names: Mapping[str, str], period: Filters, page: str) -> None:
    from dashboard.navigation import PAGES_DIR
    from dashboard.ui.filters import QUERY_NAMES

    members = [m for m in e.parts.get_column("member").to_list() if m not in (OTHER, UNASSIGNED)][:BUTTONS]
    query = {"period": "custom", "from": period.date_from.isoformat(), "to": period.date_to.isoformat()}
    for col, code in zip(st.columns(max(1, len(members))), members):
        try:
            col.page_link(str(PAGES_DIR / f"analysis_{page}.py"), label=t("explain.apply", member=names.get(code, code)),
                          icon=":material/filter_alt:", query_params={**query, QUERY_NAMES[dim]: code})
        except StreamlitAPIException:  # the page is not in this user's navigation (or a page run on its own)
            return


__all__ = ["previous_filters", "waterfall_chart", "waterfall_data", "why_popover"]

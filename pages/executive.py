"""Executive monthly summary (docs/auth.md, executive; docs/architecture.md "Pages"): one month's
headline KPIs with deltas,
targets, traffic lights and 13-month sparklines; top scrap reasons, late customers, open
complaints, missing data; the statistics office's commentary; PDF and Excel downloads.
All figures come from dashboard.reports.summary (the KPI engine); this page only draws them."""
from datetime import date

import streamlit as st

from dashboard.i18n import t
from dashboard.kpi import KPIS, Filters
from dashboard.reports.render import render
from dashboard.reports.format import fmt_change, fmt_date, fmt_value, month_title
from dashboard.reports.summary import build_summary, last_complete_month, parse_month, shift_month
from dashboard.reports.tables import complaints_table, exceptions_table, late_table, missing_table, scrap_table
from dashboard.ui.explain import why_popover
from dashboard.ui.plain_text import plain
from dashboard.ui.tables import grid, unit_column
from dashboard.ui.tiles import STATUS_BADGE
from data_access.commentary import MAX_CHARS, save_commentary
from data_access.permissions import COMMENTARY_ROLES, PermissionDenied
from dashboard.facts import load_facts
from dashboard.ui.page_frame import page_frame

EDITORS = COMMENTARY_ROLES  # the rule data_access.commentary enforces below the page
MONTHS_OFFERED = 36
PER_ROW = 4

engine, _, lang = page_frame(login=False)  # signed in by the app frame (dashboard/app.py)
today = date.today()

st.title(t("report.title"))

# --- month picker (held in the URL so a link opens the same month) ---------------------------------
latest = last_complete_month(today)
months = [shift_month(latest, -i) for i in range(MONTHS_OFFERED)]
try:
    requested = parse_month(st.query_params.get("month", latest), today)
except ValueError:
    requested = latest
if requested not in months:
    months.insert(0, requested)
if st.session_state.get("exec_month") not in months:
    st.session_state["exec_month"] = requested
month = st.selectbox(t("report.page.month"), months, key="exec_month", format_func=lambda m: month_title(m, lang),
                     width=260)
st.query_params["month"] = month

summary = build_summary(engine, month, today=today)
st.caption(t("report.page.caption", start=fmt_date(summary.date_from, lang), end=fmt_date(summary.date_to, lang)))
if not summary.has_data:
    st.warning(t("report.no_data", month=month_title(month, lang)))

# --- downloads (built only when clicked) ------------------------------------------------------------
left, right, _ = st.columns([1, 1, 4])
stem = f"plantkpi-summary-{month}-{lang}"
left.download_button(t("report.page.pdf"), lambda: render(summary, "pdf", lang), file_name=f"{stem}.pdf",
                     mime="application/pdf", icon=":material/picture_as_pdf:", key="exec_pdf", on_click="ignore")
right.download_button(t("report.page.xlsx"), lambda: render(summary, "xlsx", lang), file_name=f"{stem}.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      icon=":material/table_view:", key="exec_xlsx", on_click="ignore")

# --- headline tiles -----------------------------------------------------------------------------------
st.subheader(t("report.section.kpis"))
facts = load_facts(engine)  # for "Why?" (cached per data version; nothing is computed until it is opened)
for start in range(0, len(summary.headline), PER_ROW):
    for col, h in zip(st.columns(PER_ROW), summary.headline[start:start + PER_ROW]):
        k = KPIS[h.kpi]
        with col, st.container(border=True, key=f"exec_tile_{h.kpi}"):
            delta = fmt_change(h.change_previous, h.unit, lang)
            st.metric(k.name(lang), fmt_value(h.value, h.unit),
                      delta=None if h.change_previous is None else delta.replace("−", "-"),  # st.metric reads "-"
                      delta_color="normal" if k.direction > 0 else "inverse",
                      delta_description=t("report.col.previous"),
                      chart_data=[float("nan") if v is None else v for _, v in h.series],  # a month without data: a gap
                      chart_type="line", help=k.formula(lang))
            last_year = t("report.vs_last_year", delta=fmt_change(h.change_last_year, h.unit, lang))
            if h.target is not None:
                last_year += " · " + t("report.target", target=fmt_value(h.target, h.unit))
            st.caption(last_year)
            colour, icon = STATUS_BADGE.get(h.status, ("gray", None))  # the same badges as every tile
            st.badge(t(f"report.light.{h.light}"), color=colour, icon=icon)
            causes = summary.causes.get(h.kpi)
            if causes:  # the top causes of a change beyond the threshold (docs/kpis.md, issue 19)
                st.caption(t("explain.report.causes") + t("explain.colon") + t("explain.sep").join(
                    c.text(lang) for c in causes))
        with col:
            why_popover(h.kpi, facts, Filters(summary.date_from, summary.date_to), today, key="exec",
                        filterable=False)
st.caption(t("report.legend"))

# --- tables -----------------------------------------------------------------------------------------
ratio = unit_column("ratio")  # 36.7 %, as on the tiles
whole = unit_column("pieces")
money = unit_column("currency")  # ¥1,234.56 as on the tiles

def section(name: str, rows: int, table_of, formats: dict[int, object]) -> None:
    """A titled table of the summary, or the section's "nothing to show" line."""
    st.subheader(t(f"report.section.{name}"))
    if not rows:
        st.info(t(f"report.none.{name}"))
        return
    table = table_of(summary, lang)
    grid(table, column_config={table.columns[i]: fmt for i, fmt in formats.items()})


left, right = st.columns([2, 3])
with left:
    section("scrap", summary.scrap_reasons.height, scrap_table, {1: whole, 2: ratio, 3: ratio})
with right:
    section("late", summary.late_customers.height, late_table, {5: ratio})
section("complaints", summary.open_complaints.height, complaints_table, {7: money})
section("exceptions", summary.top_exceptions.height, exceptions_table, {})

st.subheader(t("report.section.missing"))
if summary.missing_data.height:
    st.caption(t("report.missing.intro"))
    st.dataframe(missing_table(summary, lang), hide_index=True, width="stretch")
else:
    st.success(t("report.none.missing"))

# --- commentary -------------------------------------------------------------------------------------
st.subheader(t("report.section.commentary"))
note = summary.commentary
if note is not None and note.text:
    with st.container(border=True, key="exec_commentary"):
        st.text(note.text)
        st.caption(t("report.commentary_by", user=plain(note.updated_by),
                     at=note.updated_at.strftime("%Y-%m-%d %H:%M") if note.updated_at else "—"))
else:
    st.caption(t("report.none.commentary"))

user = st.session_state.get("_plantkpi_user")
if user is not None and user.role in EDITORS:
    with st.form(f"exec_commentary_form_{month}"):
        text = st.text_area(t("report.page.edit", month=month_title(month, lang)), value=note.text if note else "",
                            height=160, help=t("report.page.edit_help"), key=f"exec_text_{month}")
        if st.form_submit_button(t("report.page.save"), type="primary"):
            if len(text) > MAX_CHARS:
                st.error(t("report.page.too_long", n=len(text), max=MAX_CHARS))
            else:
                try:
                    save_commentary(engine, month, text, user.name)
                except PermissionDenied as refused:  # e.g. the account was disabled meanwhile
                    st.error(t(refused.key, lang, **refused.params(lang)))
                else:
                    st.toast(t("report.page.saved"))
                    st.rerun()

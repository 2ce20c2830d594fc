"""KPI tiles: value, delta vs the previous period and the same period last year, target status
coloured by the KPI's direction, and "show formula" with the numerator and denominator.

Numbers come from dashboard.kpi.compare() / compute(); this module only formats them.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import polars as pl
import streamlit as st

from dashboard.i18n import current_lang, t
from dashboard.i18n.numbers import NONE, fmt_value
from dashboard.kpi import KPIS, Filters, calendar, compare, compute
from dashboard.kpi.compare import previous_period, same_period_last_year, weight_measure
from dashboard.kpi.registry import MEASURES, Term, term_label
from dashboard.ui.explain import why_popover
from dashboard.ui.memo import cached



# --- formatting ------------------------------------------------------------------------------------
def fmt_delta(value: float | None, base: float | None, unit: str) -> str | None:
    """value − base: percentage points for ratios, else the unit's own format with a sign."""
    if value is None or base is None:
        return None
    diff = value - base
    if unit == "ratio":
        return f"{diff * 100:+.2f} {t('analysis.pp')}"
    text = fmt_value(abs(diff), unit)
    return ("+" if diff >= 0 else "-") + text  # ASCII minus: st.metric reads the sign for the arrow


def fmt_unit(unit: str) -> str:
    return "" if unit == "ratio" else t(f"kpi.unit.{unit}")


def fmt_date(d: date | None, lang: str | None = None) -> str:
    if d is None:
        return NONE
    if (lang or current_lang()) == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.strftime("%d %b %Y").lstrip("0")


def fmt_period(date_from: date | None, date_to: date | None) -> str:
    return f"{fmt_date(date_from)} – {fmt_date(date_to)}"


# --- tiles -----------------------------------------------------------------------------------------
# a tile's KPI name and value wrap onto a second line instead of ending in "…" (four or five tiles side by
# side on 1280 px: "43,812 分钟" was "43,812 …")
WRAP_LABELS_CSS = """<style>
[class*="st-key-tile_"] [data-testid="stMetricLabel"], [class*="st-key-tile_"] [data-testid="stMetricLabel"] *,
[class*="st-key-tile_"] [data-testid="stMetricValue"], [class*="st-key-tile_"] [data-testid="stMetricValue"] *,
[class*="st-key-tile_"] [data-testid^="stMetricDelta"], [class*="st-key-tile_"] [data-testid^="stMetricDelta"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; height: auto !important;
}
[class*="st-key-tile_"] [data-testid="stMetric"] div:has(> [data-testid="stMetricDeltaDescription"]) { flex-wrap: wrap; }
</style>"""


def kpi_name(kpi_id: str) -> str:
    return KPIS[kpi_id].name(current_lang())


def tile_rows(kpi_ids: Sequence[str], facts: Mapping[str, pl.DataFrame], filters: Filters, today: date
              ) -> pl.DataFrame:
    """compare() of the filtered period (what the tiles show), in the plant's calendar."""
    return cached(compare, tuple(kpi_ids), facts, filters.date_from, filters.date_to, filters, today=today,
                  cal=calendar.current())


def kpi_tiles(kpi_ids: Sequence[str], facts: Mapping[str, pl.DataFrame], filters: Filters, today: date,
              *, per_row: int = 4, key: str = "tiles") -> pl.DataFrame:
    """One tile per KPI, `per_row` to a row; returns the compared figures."""
    rows = tile_rows(kpi_ids, facts, filters, today)
    st.html(WRAP_LABELS_CSS)
    prev = previous_period(filters.date_from, filters.date_to)
    last_year = same_period_last_year(filters.date_from, filters.date_to)
    records = rows.to_dicts()
    for start in range(0, len(records), per_row):
        cols = st.columns(per_row)
        for col, r in zip(cols, records[start:start + per_row]):
            with col:
                _tile(r, prev, last_year)
                why_popover(r["kpi"], facts, filters, today, key=key)
    show_formula(kpi_ids, facts, filters, today, key=key)
    return rows


_UNIT_SHOWN = ("pieces_per_hour", "hours", "minutes", "days", "ppm")


def _tile(r: dict, prev: tuple[date, date], last_year: tuple[date, date]) -> None:
    k = KPIS[r["kpi"]]
    with st.container(border=True, key=f"tile_{k.id}"):
        value = fmt_value(r["value"], k.unit)
        if r["value"] is not None and k.unit in _UNIT_SHOWN:
            value = f"{value} {fmt_unit(k.unit)}"
        st.metric(k.name(current_lang()), value,
                  delta=fmt_delta(r["value"], r["previous"], k.unit),
                  delta_color="normal" if k.direction > 0 else "inverse",
                  delta_description=t("analysis.tile.vs_previous"),
                  help=t("analysis.tile.help", formula=k.formula(current_lang()), unit=fmt_unit(k.unit) or "%",
                         prev=fmt_period(*prev)))
        ly = fmt_delta(r["value"], r["same_period_last_year"], k.unit)
        parts = [t("analysis.tile.vs_last_year", delta=ly if ly is not None else NONE)]
        if r["target"] is not None:
            parts.append(t("analysis.tile.target", target=fmt_value(r["target"], k.unit)))
            parts += target_scope_note(r)
        parts += coverage_notes(r)
        st.caption(" · ".join(parts))
        if r["status"] is not None:
            colour, icon = STATUS_BADGE[r["status"]]
            st.badge(t(f"kpi.status.{r['status']}"), color=colour, icon=icon)
        elif r["target"] is None:
            st.badge(t("analysis.tile.no_target"), color="gray")


# The one status rule's three outcomes (dashboard.kpi.compare.target_status), as badges.
STATUS_BADGE = {"on_target": ("green", ":material/check_circle:"), "near_target": ("orange", ":material/warning:"),
                "off_target": ("red", ":material/error:")}


def target_scope_note(r: dict) -> list[str]:
    """Say where a target comes from when it is not the plant's own row: a line's, or derived."""
    scope = r.get("target_scope")
    if scope == "line":
        return [t("status.target.line")]
    if scope == "derived":
        weight = weight_measure(r["kpi"])
        return [t("status.target.derived_weighted", weight=MEASURES[weight].label(current_lang())) if weight
                else t("status.target.derived_sum")]
    return []


def coverage_notes(r: dict) -> list[str]:
    """"prev. period 5 of 12 months with data" for a comparison only partly covered by data."""
    notes = []
    for which, covered, periods in (("previous", "previous_covered", "previous_periods"),
                                    ("last_year", "last_year_covered", "last_year_periods")):
        if r.get(covered) is not None and 0 < r[covered] < r[periods]:
            notes.append(t(f"status.coverage.{which}.{r['coverage_unit']}", covered=r[covered], total=r[periods]))
    return notes


def _terms_values(terms, row: dict, lang: str) -> str:
    """"Scrap = 120" (a measure as summed, a KPI as computed), signed terms joined by − and +."""
    text = ""
    for i, term in enumerate(terms):
        shown = f"{term_label(term, lang)} = {fmt_number(row.get(term.id))}"
        text += shown if i == 0 and term.sign > 0 else f"{' ' if i else ''}{'−' if term.sign < 0 else '+'} {shown}"
    return text or NONE


def formula_table(kpi_ids: Sequence[str], facts: Mapping[str, pl.DataFrame], filters: Filters, today: date
                  ) -> pl.DataFrame:
    """KPI, formula, value, numerator and denominator (the terms the KPI declares, as the engine summed them)."""
    lang = current_lang()
    rows = []
    for kpi_id in kpi_ids:
        k = KPIS[kpi_id]
        numerator, denominator = k.numerator_denominator()
        # derived: the KPIs it uses (a term is a measure first: ar_open is both)
        inner = [term.id for term in numerator + denominator if term.id in KPIS and term.id not in MEASURES]
        row = compute([kpi_id, *inner], facts, (), filters, today=today, with_measures=True).row(0, named=True)
        rows.append({t("analysis.col.kpi"): k.name(lang), t("analysis.col.formula"): k.formula(lang),
                     t("analysis.col.value"): fmt_value(row[kpi_id], k.unit),
                     t("analysis.col.numerator"): _terms_values(numerator, row, lang) + (
                         f" × {term_label(Term(k.factor), lang)} = {fmt_number(row.get(k.factor))}" if k.factor else ""),
                     t("analysis.col.denominator"): _terms_values(denominator, row, lang)})
    return pl.DataFrame(rows)


def fmt_number(v: float | None) -> str:
    if v is None:
        return NONE
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.4g}"


def show_formula(kpi_ids: Sequence[str], facts: Mapping[str, pl.DataFrame], filters: Filters, today: date,
                 *, key: str = "tiles") -> None:
    """A toggle that shows each KPI's formula with its numerator and denominator values."""
    if st.toggle(t("analysis.show_formula"), key=f"{key}_formula"):
        st.dataframe(formula_table(kpi_ids, facts, filters, today), hide_index=True, width="stretch")


__all__ = ["NONE", "STATUS_BADGE", "coverage_notes", "fmt_date", "fmt_delta", "fmt_period", "fmt_unit", "fmt_value",
           "formula_table", "kpi_name", "kpi_tiles", "show_formula", "target_scope_note", "tile_rows"]

"""Print charts of the monthly report: Altair specs rendered to PNG with vl-convert.

Sized for A4 (no interaction, no tooltips), with the CJK font so Chinese labels never turn
into boxes. The page shows the same specs with st.altair_chart.
"""
from __future__ import annotations

import altair as alt
import polars as pl
import vl_convert as vlc

from dashboard.chart_style import category_axis, count_axis, value_format
from dashboard.i18n import t
from dashboard.kpi import KPIS
from dashboard.reports.format import month_short
from dashboard.reports.summary import Headline

FONT = "Noto Sans CJK SC"
BLUE, GREY, RED, GREEN, AMBER = "#1f77b4", "#9e9e9e", "#d62728", "#2ca02c", "#f0a000"
LIGHT_COLOURS = {"green": GREEN, "amber": AMBER, "red": RED, "none": GREY}
PNG_SCALE = 3  # pixels per CSS pixel: sharp when printed


def sparkline(h: Headline, lang: str, *, width: int = 200, height: int = 34) -> alt.LayerChart:
    """The KPI over the last 13 months: a line, this month's point in the traffic-light colour,
    the target as a dashed rule. Months without a value leave a gap."""
    data = pl.DataFrame({"i": list(range(len(h.series))),
                         "month": [month_short(m, lang) for m, _ in h.series],
                         "value": [v for _, v in h.series]}, schema={"i": pl.Int64, "month": pl.String,
                                                                      "value": pl.Float64})
    values = [v for v in data.get_column("value").to_list() if v is not None] + (
        [h.target] if h.target is not None else [])
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
    x = alt.X("i:Q", axis=None, scale=alt.Scale(domain=[-0.2, len(h.series) - 0.6], nice=False))
    y_scale = alt.Scale(domain=[low - pad, high + pad], zero=False, nice=False)
    y = alt.Y("value:Q", axis=None, scale=y_scale)
    base = alt.Chart(data).encode(x=x)
    layers = [base.mark_line(color=BLUE, strokeWidth=1.6).encode(y=y)]
    if h.target is not None:
        layers.append(alt.Chart(pl.DataFrame({"target": [h.target]})).mark_rule(
            color=GREY, strokeDash=[3, 2], strokeWidth=1).encode(y=alt.Y("target:Q", axis=None, scale=y_scale)))
    layers.append(alt.Chart(data.tail(1).drop_nulls()).mark_circle(
        size=38, color=LIGHT_COLOURS[h.light], opacity=1).encode(x=x, y=y))
    return (alt.layer(*layers).properties(width=width, height=height)
            .configure(padding=4, background="white").configure_view(stroke=None))


def scrap_reasons_chart(reasons: pl.DataFrame, lang: str, *, width: int = 300, height: int = 150) -> alt.Chart:
    """Horizontal bars of the top scrap reasons with their share of all scrap as text."""
    column = "name_zh" if lang == "zh" else "name_en"
    data = reasons.select(name=pl.col(column), qty="qty", share="share")
    order = data.get_column("name").to_list()
    bars = alt.Chart(data).mark_bar(color=BLUE).encode(
        y=alt.Y("name:N", sort=order, axis=category_axis(None, labelFontSize=11)),
        x=alt.X("qty:Q", title=t("report.col.qty", lang), axis=count_axis(tickCount=5)))
    text = alt.Chart(data).mark_text(align="left", dx=3, fontSize=10).encode(
        y=alt.Y("name:N", sort=order), x="qty:Q", text=alt.Text("share:Q", format=".1%"))
    return (alt.layer(bars, text).properties(width=width, height=height, title=t("report.chart.scrap", lang))
            .configure(font=FONT, background="white").configure_view(stroke=None)
            .configure_title(font=FONT, anchor="start", fontSize=12).configure_axis(labelFont=FONT, titleFont=FONT))


def trend_chart(h: Headline, lang: str, *, width: int = 560, height: int = 180) -> alt.LayerChart:
    """A KPI over 13 months with month labels and its current target (the page's larger view)."""
    k = KPIS[h.kpi]
    labels = [month_short(m, lang) for m, _ in h.series]
    data = pl.DataFrame({"month": labels, "value": [v for _, v in h.series]},
                        schema={"month": pl.String, "value": pl.Float64})
    fmt = value_format(k.unit)
    x = alt.X("month:O", sort=labels, title=None, axis=alt.Axis(labelAngle=0))
    layers = [alt.Chart(data).mark_line(point=True, color=BLUE).encode(
        x=x, y=alt.Y("value:Q", title=k.name(lang), axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("month:N", title=t("report.col.month", lang)),
                 alt.Tooltip("value:Q", title=k.name(lang), format=fmt)])]
    if h.target is not None:
        layers.append(alt.Chart(pl.DataFrame({"target": [h.target]})).mark_rule(
            color=RED, strokeDash=[6, 4]).encode(y="target:Q"))
    return (alt.layer(*layers).properties(width=width, height=height)
            .configure(font=FONT).configure_axis(labelFont=FONT, titleFont=FONT))


def to_png(chart, scale: int = PNG_SCALE) -> bytes:
    return vlc.vegalite_to_png(chart.to_dict(), scale=scale)


__all__ = ["LIGHT_COLOURS", "scrap_reasons_chart", "sparkline", "to_png", "trend_chart"]

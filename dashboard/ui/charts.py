"""Altair chart recipes of the analysis pages, labelled in the user's language.

Every recipe takes an already aggregated frame (one row per period, category, machine x period,
...) from dashboard.kpi / charts_data, never raw rows. Periods are shown as text labels made for
the language (1月5日, 2026年1月, W02) and kept in time order. Charts that drill down carry a
point selection named "pick" on the field "code"; `draw()` returns the picked code.
"""
from __future__ import annotations

import functools
from datetime import date

import altair as alt
import polars as pl
import streamlit as st

from dashboard.chart_style import FONT, category_axis, count_axis, finish, gradient_legend, value_axis, value_format
from dashboard.i18n import current_lang, t
from dashboard.i18n.numbers import PERCENT_LABEL
from dashboard.kpi import calendar
from dashboard.kpi.compare import status_by_direction
from dashboard.kpi.registry import MEASURES

PICK = "pick"
BLUE, GREY, RED, GREEN, ORANGE = "#1f77b4", "#9e9e9e", "#d62728", "#2ca02c", "#ff7f0e"
MAX_LABELS = 40  # beyond this, ordinal axes thin their labels out
SCATTER_LABELS = 10  # named points of a scatter; more labels overlap on a projector
MAX_CATEGORIES = 25  # bars or heat-map rows of one chart; more are neither readable nor quick to draw


# --- labels --------------------------------------------------------------------------------------
def period_label(d: date, grain: str, lang: str | None = None) -> str:
    lang = lang or current_lang()
    named = calendar.label_date(d, grain)  # a statistics month starting 2026-10-26 is November's
    if grain != "week":
        d = named
    if grain == "day":
        return f"{d.month}月{d.day}日" if lang == "zh" else d.strftime("%b %d")
    if grain == "week":
        iso = named.isocalendar()
        return f"{iso.year % 100:02d}年第{iso.week}周" if lang == "zh" else f"W{iso.week:02d} {d.strftime('%b %d')}"
    if grain == "month":
        return f"{d.year}年{d.month}月" if lang == "zh" else d.strftime("%b %Y")
    if grain == "quarter":
        q = (d.month - 1) // 3 + 1
        return f"{d.year}年第{q}季度" if lang == "zh" else f"Q{q} {d.year}"
    return str(d.year)


def with_labels(frame: pl.DataFrame, column: str, grain: str) -> pl.DataFrame:
    """Adds `label` (period text in the current language) next to the period column."""
    lang = current_lang()
    periods = frame.get_column(column).unique().drop_nulls().to_list()  # a heat map repeats each period
    return frame.with_columns(label=pl.col(column).replace_strict(
        {d: period_label(d, grain, lang) for d in periods}, default=None, return_dtype=pl.String))


def _x_axis(labels: list[str], title: str) -> alt.Axis:
    many = len(labels) > 12
    return alt.Axis(title=title, labelAngle=-45 if many else 0, labelOverlap="greedy", labelLimit=140,
                    values=labels[:: max(1, len(labels) // MAX_LABELS + (len(labels) % MAX_LABELS > 0))]
                    if len(labels) > MAX_LABELS else alt.Undefined)


def _finish(chart, height: int = 320):
    return finish(chart, height=height).configure_legend(orient="bottom")


def draw(chart, key: str | None = None, *, selectable: bool = False) -> str | None:
    """Show the chart; with `selectable`, return the code of the clicked bar/cell/point (or None)."""
    # The recipes are fixed and tested (tests/test_analysis_charts.py validates them); checking the spec
    # against the Vega-Lite JSON schema on every rerun costs ~0.1 s a chart, so the page draws it
    # unchecked. (Altair keeps chart attributes as spec parameters: set the method on the object itself.)
    object.__setattr__(chart, "to_dict", functools.partial(chart.to_dict, validate=False))
    if not selectable:
        st.altair_chart(chart, width="stretch", key=key)
        return None
    event = st.altair_chart(chart, width="stretch", key=key, on_select="rerun", selection_mode=PICK)
    picked = (event.selection or {}).get(PICK) if event else None
    if picked:
        return picked[0].get("code")
    return None


def note_top(data: pl.DataFrame, total: int, dim: str, by: str, *, lowest: bool = False) -> None:
    """Caption under a chart limited (charts_data.keep_top) to fewer than its `total` categories."""
    shown = data.get_column("code").n_unique() if "code" in data.columns else data.height
    if total > shown:
        st.caption(t("analysis.chart.lowest" if lowest else "analysis.chart.top", shown=shown, total=f"{total:,}",
                     dims=t(f"analysis.dims.{dim}"), by=by))


def _pick() -> alt.Parameter:
    return alt.selection_point(name=PICK, fields=["code"], on="click", clear="dblclick")


def _opacity():
    return alt.condition(alt.param(PICK, empty=True), alt.value(1.0), alt.value(0.35))


# --- recipes ------------------------------------------------------------------------------------------
def trend_chart(data: pl.DataFrame, value: str, unit: str, *, title: str, value_title: str, x_title: str,
                target: str | None = None, bars: bool = False, height: int = 300):
    """A KPI per period (line, or bars for sums) with its target as a dashed line. `data` has
    `label` (period text, in time order) and the value and target columns."""
    labels = data.get_column("label").to_list()
    fmt = value_format(unit)
    x = alt.X("label:O", sort=labels, axis=_x_axis(labels, x_title))
    tooltip = [alt.Tooltip("label:N", title=x_title), alt.Tooltip(f"{value}:Q", title=value_title, format=fmt)]
    if target and target in data.columns:
        tooltip.append(alt.Tooltip(f"{target}:Q", title=t("analysis.target"), format=fmt))
    base = alt.Chart(data).encode(x=x)
    y = alt.Y(f"{value}:Q", title=value_title, axis=value_axis(unit))
    main = (base.mark_bar(color=BLUE) if bars else base.mark_line(point=True, color=BLUE)).encode(y=y, tooltip=tooltip)
    layers = [main]
    if target and target in data.columns and data.get_column(target).drop_nulls().len():
        layers.append(base.mark_line(strokeDash=[6, 4], color=RED, strokeWidth=2).encode(
            y=alt.Y(f"{target}:Q"), tooltip=tooltip))
    return _finish(alt.layer(*layers).properties(title=title), height)


def price_trend_chart(prices: pl.DataFrame, *, price_title: str, standard_title: str, x_title: str,
                      height: int = 300):
    """A material's mean purchase price per month beside its standard price, one line each (the
    axis starts near the prices: a few percent of difference is the story). `prices`: label (month
    text, in time order), po_unit_price, standard_price."""
    order = prices.get_column("label").to_list()
    long = pl.concat([prices.select("label", series=pl.lit(price_title), value="po_unit_price"),
                      prices.select("label", series=pl.lit(standard_title), value="standard_price")])
    return alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("label:O", sort=order, title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=price_title, scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", title=None),
        tooltip=[alt.Tooltip("label:N", title=x_title), alt.Tooltip("series:N", title=" "),
                 alt.Tooltip("value:Q", title=price_title, format=",.3f")]).properties(height=height)


def pareto_shares(data: pl.DataFrame) -> pl.DataFrame:
    """share and cum_share from the values drawn: the cumulative line ends at exactly 100 % (a float
    sum or a total that differs from the bars would put the last point above the axis)."""
    total = data.get_column("value").sum() if data.height else 0
    if not total:
        return data
    cum = (pl.col("value").cum_sum() / total).clip(0.0, 1.0)
    return data.with_columns(share=pl.col("value") / total,
                             cum_share=pl.when(pl.int_range(pl.len()) == pl.len() - 1).then(1.0).otherwise(cum))


def pareto_chart(data: pl.DataFrame, *, title: str, category_title: str, value_title: str, unit: str = "pieces",
                 height: int = 340):
    """Bars in the given order (descending, "Other" last) and the cumulative-share line on a right
    axis. `data`: code, name, value, share, cum_share."""
    data = pareto_shares(data)
    order = data.get_column("name").to_list()
    x = alt.X("name:N", sort=order, axis=category_axis(category_title, count=len(order), vertical_bars=True))
    tooltip = [alt.Tooltip("name:N", title=category_title),
               alt.Tooltip("value:Q", title=value_title, format=value_format(unit)),
               alt.Tooltip("share:Q", title=t("analysis.share"), format=".1%"),
               alt.Tooltip("cum_share:Q", title=t("analysis.cum_share"), format=".1%")]
    pick = _pick()
    bars = alt.Chart(data).mark_bar(color=BLUE, cursor="pointer").encode(
        x=x, y=alt.Y("value:Q", title=value_title, axis=value_axis(unit)),
        opacity=_opacity(), tooltip=tooltip).add_params(pick)
    line = alt.Chart(data).mark_line(color=ORANGE, point=alt.OverlayMarkDef(color=ORANGE)).encode(
        x=x, y=alt.Y("cum_share:Q", title=t("analysis.cum_share"), scale=alt.Scale(domain=[0, 1]),
                     axis=alt.Axis(format="%", labelExpr=PERCENT_LABEL, orient="right")), tooltip=tooltip)
    return _finish(alt.layer(bars, line).resolve_scale(y="independent").properties(title=title), height)


def bar_chart(data: pl.DataFrame, *, title: str, category_title: str, value_title: str, unit: str,
              target: float | None = None, horizontal: bool = True, height: int | None = None,
              color_by_target: int | None = None):
    """Bars per category (code, name, value), clickable for drill-down. With `target` a rule is
    drawn; with `color_by_target` (+1/-1, the KPI's direction) bars near target turn amber, off target red."""
    fmt = value_format(unit)
    order = data.get_column("name").to_list()
    axis = category_axis(category_title, count=len(order), vertical_bars=not horizontal)
    cat = alt.Y("name:N", sort=order, axis=axis) if horizontal else alt.X("name:N", sort=order, axis=axis)
    val = (alt.X if horizontal else alt.Y)("value:Q", title=value_title, axis=value_axis(unit))
    color = alt.value(BLUE)
    if target is not None and color_by_target:  # the one status rule: near target amber, off target red
        data = data.with_columns(status=pl.Series([status_by_direction(color_by_target, v, target) or "none"
                                                   for v in data.get_column("value").to_list()], dtype=pl.String))
        color = alt.Color("status:N", legend=None, scale=alt.Scale(
            domain=["on_target", "near_target", "off_target", "none"], range=[BLUE, ORANGE, RED, GREY]))
    tooltip = [alt.Tooltip("name:N", title=category_title), alt.Tooltip("value:Q", title=value_title, format=fmt)]
    bars = alt.Chart(data).mark_bar(cursor="pointer").encode(
        cat, val, color=color, opacity=_opacity(), tooltip=tooltip).add_params(_pick())
    layers = [bars]
    if target is not None:
        rule = alt.Chart(pl.DataFrame({"target": [target]})).mark_rule(color=RED, strokeDash=[6, 4], strokeWidth=2)
        layers.append(rule.encode(**{"x" if horizontal else "y": (alt.X if horizontal else alt.Y)("target:Q")}))
    h = height or (alt.Step(34) if horizontal else 320)  # a band per category: labels never overlap
    return _finish(alt.layer(*layers).properties(title=title), h)


def heat_map(data: pl.DataFrame, *, title: str, x_title: str, y_title: str, value_title: str, height: int | None = None):
    """Machine (rows) x period (columns) coloured by scrap ratio; clicking a cell picks its machine.
    `data`: code (machine), label (period text in time order), scrap_ratio, scrap, total."""
    labels = data.select("period", "label").unique().sort("period").get_column("label").to_list()
    machines = data.get_column("code").unique().sort().to_list()
    tooltip = [alt.Tooltip("code:N", title=y_title), alt.Tooltip("label:N", title=x_title),
               alt.Tooltip("scrap_ratio:Q", title=value_title, format=".2%"),
               alt.Tooltip("scrap:Q", title=MEASURES["scrap"].label(current_lang()), format=",.0f"),
               alt.Tooltip("total:Q", title=MEASURES["total"].label(current_lang()), format=",.0f")]
    chart = alt.Chart(data).mark_rect(cursor="pointer").encode(
        x=alt.X("label:O", sort=labels, axis=_x_axis(labels, x_title)),
        y=alt.Y("code:N", sort=machines, axis=category_axis(y_title)),
        color=alt.Color("scrap_ratio:Q", title=value_title, scale=alt.Scale(scheme="orangered"),
                        legend=gradient_legend("ratio", value_title)),
        opacity=_opacity(), tooltip=tooltip).add_params(_pick())
    return _finish(chart.properties(title=title), height or alt.Step(22))


def p_chart(data: pl.DataFrame, *, title: str, x_title: str, value_title: str, height: int = 320):
    """Daily scrap ratio with its centre line and 3-sigma limits; days out of control in red.
    `data`: label, p, center, ucl, lcl, out_of_control, scrap, total."""
    labels = data.get_column("label").to_list()
    x = alt.X("label:O", sort=labels, axis=_x_axis(labels, x_title))
    data = data.with_columns(state=pl.when(pl.col("out_of_control")).then(pl.lit(t("analysis.out_of_control")))
                             .otherwise(pl.lit(t("analysis.in_control"))))
    base = alt.Chart(data).encode(x=x)
    tooltip = [alt.Tooltip("label:N", title=x_title), alt.Tooltip("p:Q", title=value_title, format=".2%"),
               alt.Tooltip("ucl:Q", title=t("analysis.ucl"), format=".2%"),
               alt.Tooltip("lcl:Q", title=t("analysis.lcl"), format=".2%"),
               alt.Tooltip("total:Q", title=MEASURES["total"].label(current_lang()), format=",.0f")]
    # two decimals: the limits of a p-chart are often a few tenths of a point apart (1.5 %, 1.6 %, 1.6 %)
    y = alt.Y("p:Q", title=value_title, axis=alt.Axis(format=".2%", labelExpr=PERCENT_LABEL), scale=alt.Scale(zero=False))
    limits = [base.mark_line(color=GREY, strokeDash=[4, 3], interpolate="step-after").encode(y=alt.Y(f"{c}:Q"))
              for c in ("ucl", "lcl")]
    center = base.mark_line(color=GREEN).encode(y=alt.Y("center:Q"))
    line = base.mark_line(color=BLUE).encode(y=y)
    points = base.mark_point(filled=True, size=60).encode(
        y=y, tooltip=tooltip,
        color=alt.Color("state:N", title=None,
                        scale=alt.Scale(domain=[t("analysis.in_control"), t("analysis.out_of_control")],
                                        range=[BLUE, RED])))
    chart = alt.layer(*limits, center, line, points)
    return _finish(chart.properties(title=title), height)


def waterfall_steps(data: pl.DataFrame) -> pl.DataFrame:
    """The bars worth drawing: no loss of 0 minutes, and no time step equal to the one before it
    (with no loss between them it would be the same bar twice)."""
    data = data.sort("order").filter((pl.col("kind") != t("analysis.kind.loss")) | (pl.col("minutes").fill_null(0) > 0))
    is_time = pl.col("kind") == t("analysis.kind.time")
    repeat = is_time & is_time.shift(1).fill_null(False) & (pl.col("minutes") == pl.col("minutes").shift(1))
    return data.filter(~repeat.fill_null(False))


def waterfall(data: pl.DataFrame, *, title: str, value_title: str, height: int = 380):
    """OEE waterfall: time steps as full bars, losses hanging from the level above.
    `data`: name, start, end, minutes, share, kind ("time" | "loss"), order."""
    data = waterfall_steps(data)
    order = data.get_column("name").to_list()
    tooltip = [alt.Tooltip("name:N", title=t("analysis.step")),
               alt.Tooltip("minutes:Q", title=value_title, format=",.0f"),
               alt.Tooltip("share:Q", title=t("analysis.of_planned"), format=".1%")]
    x = alt.X("name:N", sort=order, axis=category_axis(None, count=len(order), vertical_bars=True))
    chart = alt.Chart(data).mark_bar().encode(
        x=x, y=alt.Y("start:Q", title=value_title, axis=value_axis("minutes")), y2="end:Q",
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=[t("analysis.kind.time"), t("analysis.kind.loss")],
                                                              range=[BLUE, RED])),
        tooltip=tooltip)
    text = alt.Chart(data).mark_text(dy=-8, fontSize=11).encode(
        x=alt.X("name:N", sort=order), y="end:Q", text=alt.Text("share:Q", format=".1%"))
    return _finish(alt.layer(chart, text).properties(title=title), height)


def histogram(data: pl.DataFrame, *, title: str, x_title: str, value_title: str, height: int = 300):
    """Bars per bucket in the given order; `data`: name, value, late (bool)."""
    order = data.get_column("name").to_list()
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("name:N", sort=order, axis=category_axis(x_title, count=len(order), vertical_bars=True)),
        y=alt.Y("value:Q", title=value_title, axis=count_axis()), tooltip=[alt.Tooltip("name:N", title=x_title),
                                                        alt.Tooltip("value:Q", title=value_title, format=",.0f")],
        color=alt.condition("datum.late", alt.value(RED), alt.value(GREEN)))
    return _finish(chart.properties(title=title), height)


def dual_trend(data: pl.DataFrame, *, line: str, bars: str, line_title: str, bars_title: str, x_title: str,
               title: str, line_unit: str = "ratio", height: int = 320):
    """A ratio as a line (left axis) beside a count as bars (right axis), per period."""
    labels = data.get_column("label").to_list()
    x = alt.X("label:O", sort=labels, axis=_x_axis(labels, x_title))
    tooltip = [alt.Tooltip("label:N", title=x_title),
               alt.Tooltip(f"{line}:Q", title=line_title, format=value_format(line_unit)),
               alt.Tooltip(f"{bars}:Q", title=bars_title, format=",.0f")]
    b = alt.Chart(data).mark_bar(color=ORANGE, opacity=0.55).encode(
        x=x, y=alt.Y(f"{bars}:Q", title=bars_title, axis=count_axis(orient="right", titleColor=ORANGE)), tooltip=tooltip)
    ln = alt.Chart(data).mark_line(point=True, color=BLUE, strokeWidth=3).encode(
        x=x, y=alt.Y(f"{line}:Q", title=line_title, axis=value_axis(line_unit, titleColor=BLUE)),
        tooltip=tooltip)
    return _finish(alt.layer(b, ln).resolve_scale(y="independent").properties(title=title), height)


def padded_domain(values: pl.Series, *, share: float = 0.12, minimum: float = 0.02) -> list[float]:
    """[low, high] of the values widened on both sides (a share of their span, at least `minimum`),
    so that points on the edge (a pass rate of 100 %) are drawn whole with their label above them."""
    low, high = values.min(), values.max()
    pad = max((high - low) * share, minimum)
    return [low - pad, high + pad]


def scatter(data: pl.DataFrame, *, x: str, y: str, x_title: str, y_title: str, size: str, size_title: str,
            title: str, height: int = 380):
    """Points per category (code, name) with x and y ratios; clicking a point picks it. Points on the
    same spot share one label ("S-05, S-06") instead of printing over each other."""
    tooltip = [alt.Tooltip("name:N", title=t("analysis.dim.supplier")),
               alt.Tooltip(f"{x}:Q", title=x_title, format=".1%"), alt.Tooltip(f"{y}:Q", title=y_title, format=".1%"),
               alt.Tooltip(f"{size}:Q", title=size_title, format=",.0f")]
    x_domain, y_domain = padded_domain(data.get_column(x)), padded_domain(data.get_column(y))
    # "the same spot": one cell of a 25 x 15 grid over the plot, about a label's size
    spot = [(pl.col(x) / ((x_domain[1] - x_domain[0]) / 25)).round(0),
            (pl.col(y) / ((y_domain[1] - y_domain[0]) / 15)).round(0)]
    data = data.with_columns(point_label=pl.col("code").cast(pl.String).sort().str.join(", ").over(spot),
                             first_at_point=pl.int_range(pl.len()).over(spot) == 0)
    # only the SCATTER_LABELS largest spots are named (the rest in the tooltip): labels never pile up
    spot_size = pl.when(pl.col("first_at_point")).then(pl.col(size).fill_null(0).max().over(spot))
    data = data.with_columns(first_at_point=pl.col("first_at_point")
                             & (spot_size.rank("ordinal", descending=True) <= SCATTER_LABELS).fill_null(False))
    # a ratio below 0 % or above 100 % is padding, not a value: no tick label there
    axis = alt.Axis(format="%", labelExpr=f"datum.value < -0.0001 || datum.value > 1.0001 ? '' : {PERCENT_LABEL}")
    base = alt.Chart(data).encode(
        x=alt.X(f"{x}:Q", title=x_title, axis=axis, scale=alt.Scale(domain=x_domain, nice=False, zero=False)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=axis, scale=alt.Scale(domain=y_domain, nice=False, zero=False)))
    points = base.mark_circle(color=BLUE, cursor="pointer").encode(
        size=alt.Size(f"{size}:Q", title=size_title, scale=alt.Scale(range=[80, 900])),
        opacity=_opacity(), tooltip=tooltip).add_params(_pick())
    text = base.transform_filter("datum.first_at_point").mark_text(dy=-16, fontSize=12).encode(text="point_label:N")
    return _finish(alt.layer(points, text).properties(title=title), height)


__all__ = ["MAX_CATEGORIES", "PICK", "bar_chart", "draw", "dual_trend", "heat_map", "histogram", "note_top", "p_chart",
           "padded_domain", "pareto_chart", "pareto_shares", "period_label", "scatter", "trend_chart", "value_format", "waterfall",
           "waterfall_steps", "with_labels"]

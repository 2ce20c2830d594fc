"""The one chart style of the app and the report (pure Altair, no Streamlit): fonts, integer axes,
category labels that wrap instead of being cut, readable legends, numbers formatted by their unit.

Every chart recipe (dashboard/ui/charts.py, dashboard/ui/planning_charts.py, dashboard/reports/charts.py,
the scorecard and "why?" charts) builds its axes here, so the rules hold on every page and in the PDF.
"""
from __future__ import annotations

import altair as alt

from dashboard.i18n.numbers import unit

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
WRAP = 12         # characters of a category label per line (a CJK character is about twice as wide)
WRAP_LINES = 2    # lines of a category label; a longer name ends in "…" (the tooltip has it whole)
LABEL_PX = 180    # room for one label line, in pixels
TITLE_PADDING = 10  # between the labels and the axis title: a title never lies over a label


def value_format(unit_id: str) -> str:
    """The d3 format of a unit's numbers on an axis or in a tooltip."""
    return unit(unit_id).d3


def is_integer(unit_id: str) -> bool:
    u = unit(unit_id)
    return u.id != "ratio" and u.decimals == 0


def value_axis(unit_id: str, **kwargs) -> alt.Axis:
    """A quantitative axis in the unit's format; counts get whole-number ticks only (never 0 0 0 1 1)."""
    extra = {"tickMinStep": 1} if is_integer(unit_id) else {}
    if unit(unit_id).label_expr:  # "12.3 %", as the tiles write it
        extra["labelExpr"] = unit(unit_id).label_expr
    return alt.Axis(format=value_format(unit_id), titlePadding=TITLE_PADDING, **extra, **kwargs)


def count_axis(**kwargs) -> alt.Axis:
    return value_axis("count", **kwargs)


def wrap_expr(width: int = WRAP, lines: int = WRAP_LINES) -> str:
    """A Vega expression that breaks a label into at most `lines` lines of `width` characters."""
    parts = [f"substring(datum.label, {i * width}, {(i + 1) * width})" for i in range(lines - 1)]
    start, end = (lines - 1) * width, lines * width
    last = (f"length(datum.label) > {end} ? substring(datum.label, {start}, {end - 1}) + '…'"
            f" : substring(datum.label, {start}, {end})")
    return f"length(datum.label) <= {width} ? datum.label : [{', '.join(parts)}, {last}]"


def category_axis(title: str | None, *, count: int = 0, vertical_bars: bool = False, **kwargs) -> alt.Axis:
    """An axis of names (customers, reasons, machines): wrapped over two lines rather than cut, none
    dropped, the title clear of them. Under vertical bars many names lean (-35°)."""
    angle = -35 if vertical_bars and count > 6 else 0
    options = dict(title=title, labelExpr=wrap_expr(), labelLimit=LABEL_PX, labelOverlap=False,
                   titlePadding=TITLE_PADDING, labelAngle=angle)
    if angle:
        options.update(labelAlign="right", labelBaseline="middle")
    options.update(kwargs)
    return alt.Axis(**options)


def gradient_legend(unit_id: str, title: str | None, **kwargs) -> alt.Legend:
    """A colour-scale legend long enough for its labels (not "0.0% 5.0%" in a 100 px bar)."""
    options = dict(title=title, format=value_format(unit_id), **({"labelExpr": unit(unit_id).label_expr}
                                                                 if unit(unit_id).label_expr else {}),
                   gradientLength=280, tickCount=5, labelOverlap=True,
                   labelFont=FONT, titleFont=FONT, direction="horizontal", orient="bottom", titleOrient="left",
                   titleAnchor="middle")
    options.update(kwargs)
    return alt.Legend(**options)


def finish(chart, *, height=None, width=None):
    """Fonts and title placement of every chart."""
    if height is not None or width is not None:
        chart = chart.properties(**({"height": height} if height is not None else {}),
                                 **({"width": width} if width is not None else {}))
    return chart.configure(font=FONT).configure_axis(labelFont=FONT, titleFont=FONT, labelFontSize=12).configure_legend(
        labelFont=FONT, titleFont=FONT).configure_title(font=FONT, anchor="start")


__all__ = ["FONT", "category_axis", "count_axis", "finish", "gradient_legend", "is_integer", "value_axis",
           "value_format", "wrap_expr"]

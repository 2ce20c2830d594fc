"""What the Scorecards page draws (考评; figures from dashboard.kpi.appraisal): the rows of a
department with display names (no codes), the ranking and the 12-month trend."""
from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import polars as pl

from dashboard.i18n import current_lang, t
from dashboard.i18n.numbers import fmt_value
from dashboard.kpi.appraisal import TIMELINESS
from dashboard.kpi.registry import KPIS
from dashboard.ui.charts import BLUE, _finish
from dashboard.ui.names import names


def kpi_label(kpi_id: str, line: str | None, line_names: Mapping[str, str]) -> str:
    name = t("score.timeliness") if kpi_id == TIMELINESS else KPIS[kpi_id].name(current_lang()) \
        if kpi_id in KPIS else kpi_id
    return f"{name} · {line_names.get(line, line)}" if line else name


def department_name(code: str) -> str:
    return names({}, "department").get(code, code)


def rows_table(rows: pl.DataFrame, facts) -> pl.DataFrame:
    """One department's rows as shown: KPI, actual, target, achievement, weight, points, note."""
    line_names = names(facts, "line")
    out = []
    for r in rows.iter_rows(named=True):
        unit = "ratio" if r["kpi"] == TIMELINESS else KPIS[r["kpi"]].unit if r["kpi"] in KPIS else ""
        note = "" if r["scored"] else t("score.not_scored_data") if r["actual"] is None else t("score.not_scored")
        out.append({t("score.col.kpi"): kpi_label(r["kpi"], r["line"], line_names),
                    t("score.col.actual"): fmt_value(r["actual"], unit),
                    t("score.col.target"): fmt_value(r["target"], unit),
                    t("score.col.achievement"): fmt_value(r["achievement"], "ratio"),
                    t("score.col.weight"): f"{r['weight']:g}",
                    t("score.col.points"): "—" if r["points"] is None else f"{r['points']:.1f}",
                    t("score.col.note"): note})
    return pl.DataFrame(out)


def _named(frame: pl.DataFrame) -> pl.DataFrame:
    """Department names in the page's language (looked up here: t() in a polars worker thread would not
    know the language)."""
    names_now = names({}, "department")
    return frame.with_columns(name=pl.col("department").replace_strict(names_now, default=pl.col("department"),
                                                                       return_dtype=pl.String))


def ranking_chart(scores: pl.DataFrame):
    data = _named(scores.filter(pl.col("score").is_not_null()))
    order = data.get_column("name").to_list()
    return _finish(alt.Chart(data).mark_bar(color=BLUE).encode(
        y=alt.Y("name:N", sort=order, title=t("score.col.department"), axis=alt.Axis(labelOverlap=False)),
        x=alt.X("score:Q", title=t("score.col.score"), axis=alt.Axis(format=".0%")),
        tooltip=[alt.Tooltip("name:N", title=t("score.col.department")),
                 alt.Tooltip("score:Q", title=t("score.col.score"), format=".1%")]
    ).properties(title=t("score.page.ranking")), height=max(160, 28 * len(order)))


def trend_chart(trend: pl.DataFrame):
    data = _named(trend.filter(pl.col("score").is_not_null()))
    return _finish(alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("month:O", title=t("score.col.month")),
        y=alt.Y("score:Q", title=t("score.col.score"), axis=alt.Axis(format=".0%"), scale=alt.Scale(zero=False)),
        color=alt.Color("name:N", title=t("score.col.department")),
        tooltip=[alt.Tooltip("month:N", title=t("score.col.month")), alt.Tooltip("name:N", title=t("score.col.department")),
                 alt.Tooltip("score:Q", title=t("score.col.score"), format=".1%")]
    ).properties(title=t("score.page.trend")))

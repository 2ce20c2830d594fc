"""Scorecards (考评, docs/kpis.md "Appraisal"): each department's score for a month with its KPI rows
(actual, target, achievement, weight, points; rows without a target listed, not scored), the ranking
and the 12-month trend. For admin, executives and managers (dashboard/navigation.py; the check below
holds for a link opened by anyone else)."""
from datetime import date

import polars as pl
import streamlit as st

from dashboard.commands.scorecard import month_scorecards, scorecard_trend
from dashboard.i18n import t
from dashboard.i18n.numbers import fmt_value
from dashboard.reports.summary import last_complete_month, shift_month
from dashboard.ui.charts import draw
from dashboard.ui.login import require_role
from dashboard.ui.memo import cached
from dashboard.ui.scorecards import department_name, ranking_chart, rows_table, trend_chart
from dashboard.facts import load_facts
from dashboard.ui.page_frame import page_frame

engine, user, lang = page_frame()
st.title(t("nav.scorecards"))
require_role(user.role in ("admin", "executive", "manager"), "score.page.not_allowed")
st.caption(t("score.page.intro"))

latest = last_complete_month(date.today())
month = st.selectbox(t("score.page.month"), [shift_month(latest, -i) for i in range(0, 24)], key="score_month")
facts = load_facts(engine)
rows, scores = cached(month_scorecards, engine, month, facts)
if rows.height == 0:
    st.info(t("score.page.empty"))
    st.stop()

left, right = st.columns(2)
with left:
    draw(ranking_chart(scores), key="score_ranking")
with right:
    draw(trend_chart(cached(scorecard_trend, engine, month, facts)), key="score_trend")

for d in scores.iter_rows(named=True):
    name = department_name(d["department"])
    if d["score"] is None:
        st.subheader(t("score.page.no_score", department=name))
    else:
        st.subheader(t("score.page.heading", rank=d["rank"], department=name, score=fmt_value(d["score"], "ratio")))
    st.dataframe(rows_table(rows.filter(pl.col("department") == d["department"]), facts), hide_index=True,
                 width="stretch")

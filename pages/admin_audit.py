"""Admin · Audit log: browse who wrote what, filtered by user, action, kind and dates; read-only
(no edit controls here, and the database refuses UPDATE/DELETE on audit_log); CSV download."""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.i18n.codes import EMPTY, code_label
from dashboard.ui.audit_text import describe
from dashboard.ui.plain_text import spreadsheet_csv
from dashboard.ui.page_frame import page_frame
from data_access.audit_log import audit_filter_values, read_audit
from data_access.kinds import KINDS

SHOWN_ROWS = 1_000
DEFAULT_DAYS = 30
engine, _, lang = page_frame(admin=True)


def kind_label(kind: str | None) -> str:
    if kind is None:
        return EMPTY
    return KINDS[kind].label(lang) if kind in KINDS else kind


def action_label(action: str | None) -> str:
    if action is None:
        return t("auth.audit.all")
    return code_label("audit_action", action)


def any_or(value):
    return t("auth.audit.all") if value is None else value


st.title(t("auth.audit.title"))
st.caption(t("auth.audit.intro"))

choices = audit_filter_values(engine)
c1, c2, c3, c4 = st.columns(4)
user = c1.selectbox(t("auth.audit.user"), [None, *choices["user"]], format_func=any_or, key="audit_user")
action = c2.selectbox(t("auth.audit.action"), [None, *choices["action"]], format_func=action_label,
                      key="audit_action")
kind = c3.selectbox(t("auth.audit.kind"), [None, *choices["kind"]], format_func=lambda k: any_or(k and kind_label(k)),
                    key="audit_kind")
today = date.today()
period = c4.date_input(t("auth.audit.period"), (today - timedelta(days=DEFAULT_DAYS), today), key="audit_period")
date_from, date_to = (tuple(period) + (None, None))[:2] if isinstance(period, (tuple, list)) else (period, period)

entries, total = read_audit(engine, user=user, action=action, kind=kind, date_from=date_from, date_to=date_to)
if entries.is_empty():
    st.info(t("auth.audit.empty"))
    st.stop()

shown = entries.head(SHOWN_ROWS)
st.caption(t("auth.audit.count", shown=shown.height, total=total))
if total > SHOWN_ROWS:
    st.caption(t("auth.audit.limited", limit=SHOWN_ROWS))
labelled = entries.select(
    pl.col("at").alias(t("auth.audit.col.at")),
    pl.col("user").alias(t("auth.audit.col.user")),
    pl.col("os_user").fill_null(EMPTY).alias(t("auth.audit.col.os_user")),
    pl.col("action").replace_strict({a: action_label(a) for a in choices["action"]}, default=pl.col("action"))
    .alias(t("auth.audit.col.action")),
    pl.col("kind").replace_strict({k: kind_label(k) for k in KINDS}, default=pl.col("kind")).fill_null(EMPTY)
    .alias(t("auth.audit.col.kind")),
    pl.col("batch_id").cast(pl.String).fill_null(EMPTY).alias(t("auth.audit.col.batch")),
    # the stored JSON in words: fields by their labels, a change as before → after
    pl.Series([describe(d, k, lang) for d, k in zip(entries["detail"], entries["kind"])], dtype=pl.String)
    .alias(t("auth.audit.col.detail")),
)
st.dataframe(labelled.head(SHOWN_ROWS), hide_index=True, width="stretch",
             column_config={t("auth.audit.col.detail"): st.column_config.TextColumn(width="large")})
st.download_button(t("auth.audit.download"), spreadsheet_csv(labelled), file_name=f"audit-log-{today}.csv",
                   mime="text/csv", icon=":material/download:")

"""The data-status table of the Home page, labelled in the user's language."""
from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.i18n import t
from data_access.kinds import DEPARTMENTS, KINDS


def status_table(status: pl.DataFrame, lang: str) -> pl.DataFrame:
    dept_index = {d: i for i, d in enumerate(DEPARTMENTS)}
    kind_index = {k: i for i, k in enumerate(KINDS)}
    pick = 1 if lang == "zh" else 0
    return (
        status.with_columns(
            pl.col("department").replace_strict({d: names[pick] for d, names in DEPARTMENTS.items()}).alias("dept_label"),
            pl.col("kind").replace_strict({k: kind.label(lang) for k, kind in KINDS.items()}).alias("kind_label"),
            pl.col("missing_weeks").list.len().alias("missing"),
            pl.col("missing_weeks").list.eval(pl.element().dt.strftime("%m-%d")).list.join(", ").alias("missing_list"),
            pl.col("department").replace_strict(dept_index).alias("_order"),
            pl.col("kind").replace_strict(kind_index).alias("_kind_order"),
        )
        .sort("_order", "_kind_order")
        .select(
            pl.col("dept_label").alias(t("home.col.department", lang)),
            pl.col("kind_label").alias(t("home.col.kind", lang)),
            pl.col("rows").alias(t("home.col.rows", lang)),
            pl.col("latest").dt.strftime("%Y-%m-%d").alias(t("home.col.latest", lang)),
            pl.col("missing").alias(t("home.col.missing_weeks", lang)),
            pl.col("missing_list").alias(t("home.col.missing_list", lang)),
        )
    )


def show_status_table(status: pl.DataFrame, lang: str) -> None:
    """The whole table at once (no inner scrolling), the list of missing weeks given room."""
    table = status_table(status, lang)
    st.dataframe(table, hide_index=True, width="stretch", height=36 * (table.height + 1) + 4,
                 column_config={t("home.col.missing_list", lang): st.column_config.TextColumn(width="large")})

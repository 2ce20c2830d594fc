"""The summary's tables labelled for people (page), in the user's language. Pure polars.

Numbers stay numbers (the page formats them with column_config); codes get their display names.
"""
from __future__ import annotations

import polars as pl

from dashboard.i18n import t
from dashboard.i18n.codes import code_labels
from dashboard.i18n.master_names import local_name
from dashboard.kpi import UNASSIGNED
from dashboard.reports.pdf import department_label, kind_label, weeks_text
from dashboard.reports.summary import MonthlySummary


def _reason_name(frame: pl.DataFrame, lang: str) -> pl.Expr:
    column = "name_zh" if lang == "zh" else "name_en"
    return (pl.when(pl.col("reason") == UNASSIGNED).then(pl.lit(t("kpi.unassigned", lang)))
            .otherwise(pl.col(column)))


def scrap_table(s: MonthlySummary, lang: str) -> pl.DataFrame:
    f = s.scrap_reasons
    return f.select(_reason_name(f, lang).alias(t("report.col.reason", lang)),
                    pl.col("qty").alias(t("report.col.qty", lang)),
                    pl.col("share").alias(t("report.col.share", lang)),
                    pl.col("cum_share").alias(t("report.col.cum_share", lang)))


def late_table(s: MonthlySummary, lang: str) -> pl.DataFrame:
    return s.late_customers.select(
        pl.concat_str("customer", pl.lit(" "), local_name(s.late_customers, lang).fill_null("")).str.strip_chars()
        .alias(t("report.col.customer", lang)),
        pl.col("abc_class").alias(t("report.col.abc", lang)),
        pl.col("due_lines").alias(t("report.col.due_lines", lang)),
        pl.col("late_lines").alias(t("report.col.late_lines", lang)),
        pl.col("still_open").alias(t("report.col.still_open", lang)),
        pl.col("otd_line").alias(t("report.col.otd", lang)))


def complaints_table(s: MonthlySummary, lang: str) -> pl.DataFrame:
    f = s.open_complaints
    severity = code_labels("severity", lang)
    return f.select(
        pl.col("complaint_no").alias(t("report.col.complaint_no", lang)),
        pl.col("date").dt.strftime("%Y-%m-%d").alias(t("report.col.date", lang)),
        pl.concat_str("customer", pl.lit(" "), pl.col("customer_name").fill_null("")).str.strip_chars()
        .alias(t("report.col.customer", lang)),
        pl.col("product").alias(t("report.col.product", lang)),
        _reason_name(f, lang).alias(t("report.col.complaint_reason", lang)),
        pl.col("severity").replace_strict(severity, default=pl.col("severity")).alias(t("report.col.severity", lang)),
        pl.col("qty_affected").alias(t("report.col.qty_affected", lang)),
        pl.col("cost").alias(t("report.col.cost", lang)),
        pl.col("days_open").alias(t("report.col.days_open", lang)))


def missing_table(s: MonthlySummary, lang: str) -> pl.DataFrame:
    rows = [{t("report.col.department", lang): department_label(r["department"], lang),
             t("report.col.kind", lang): kind_label(r["kind"], lang),
             t("report.col.weeks", lang): weeks_text(r["missing_weeks"], lang)}
            for r in s.missing_data.iter_rows(named=True)]
    return pl.DataFrame(rows, schema={t("report.col.department", lang): pl.String,
                                      t("report.col.kind", lang): pl.String, t("report.col.weeks", lang): pl.String})


__all__ = ["complaints_table", "late_table", "missing_table", "scrap_table"]


def exceptions_table(s: MonthlySummary, lang: str) -> pl.DataFrame:
    from dashboard.exceptions import labelled_rows

    rows = labelled_rows(s.top_exceptions, lang)
    return pl.DataFrame([{t(f"exc.col.{c}", lang): r[c] for c in ("severity", "what", "department", "since")}
                         for r in rows] or None)

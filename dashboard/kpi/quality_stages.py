"""Pass rate, scrap rate and reject reasons per inspection stage (docs/kpis.md Quality; the source's 品管:
来料、制程、成品、入库、出库检验 with 合格率、废品率、废品事项及原因分析). Pure polars over the
inspections fact.

pass_rate  = Σ passed_first_qty / Σ inspected_qty of the stage (the registry's fpy, per stage)
scrap_rate = Σ rejected_qty of lots disposed of as scrap / Σ inspected_qty (the registry's
             rejected_scrapped measure over inspected)
reasons    = rejected qty per stage and reason, its share of the stage's rejects, largest first.
Zero inspected gives null, never 0.
"""
from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from dashboard.kpi.engine import Filters, filter_frame

# the order goods pass the stages (data_access.kinds.inspections.STAGES; kpi may not import it)
STAGE_ORDER = ("incoming", "in_process", "final", "receipt", "outgoing")


def _order() -> pl.Expr:
    return pl.col("stage").replace_strict({s: i for i, s in enumerate(STAGE_ORDER)}, default=len(STAGE_ORDER),
                                          return_dtype=pl.Int64)


def stage_summary(facts: Mapping[str, pl.DataFrame], filters: Filters | None = None) -> pl.DataFrame:
    """stage, lots, inspected, passed_first, rejected, scrapped, pass_rate, scrap_rate — in STAGE_ORDER."""
    rows = filter_frame(facts["inspections"], filters or Filters()).filter(pl.col("stage").is_not_null())
    scrapped = pl.when(pl.col("disposition") == "scrap").then(pl.col("rejected_qty")).otherwise(0)
    out = rows.group_by("stage").agg(
        lots=pl.len(), inspected=pl.col("inspected_qty").sum().cast(pl.Float64),
        passed_first=pl.col("passed_first_qty").sum().cast(pl.Float64),
        rejected=pl.col("rejected_qty").sum().cast(pl.Float64), scrapped=scrapped.sum().cast(pl.Float64))
    per = lambda col: pl.when(pl.col("inspected") > 0).then(pl.col(col) / pl.col("inspected"))  # noqa: E731
    return (out.with_columns(pass_rate=per("passed_first"), scrap_rate=per("scrapped"))
            .sort(_order(), "stage"))


def stage_reasons(facts: Mapping[str, pl.DataFrame], filters: Filters | None = None) -> pl.DataFrame:
    """stage, reason, rejected, share (of the stage's rejected qty) — stages in STAGE_ORDER, largest first."""
    rows = (filter_frame(facts["inspections"], filters or Filters())
            .filter(pl.col("stage").is_not_null(), pl.col("rejected_qty") > 0))
    out = rows.group_by("stage", "reason").agg(rejected=pl.col("rejected_qty").sum().cast(pl.Float64))
    return (out.with_columns(share=pl.col("rejected") / pl.col("rejected").sum().over("stage"))
            .sort(_order(), "stage", pl.col("rejected"), "reason", descending=[False, False, True, False]))

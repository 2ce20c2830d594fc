"""R&D projects (研发部, docs/kpis.md R&D): projects by stage, days in stage, new products launched. Pure polars.

The projects kind holds one row per project in its current stage (start_date: when it entered the
stage it is in, end_date: when it was closed) and, where given, its budget: cost against budget is
cost / budget over the projects that have one. The five stages in order are PROJECT_STAGES (the
source document's 概念化, 产品化, 技术化, 商品化, 市场化: their labels are the catalogue's
rd.stage.<stage>, the one place they are named). A new product is launched when its project is
closed in the launch or market stage: it counts in the quarter of its end_date.
"""
from __future__ import annotations

from datetime import date

import polars as pl

from dashboard.kpi import calendar
from dashboard.kpi.calendar import PlantCalendar

PROJECT_STAGES = ("concept", "design", "development", "launch", "market")
LAUNCHED_STAGES = ("launch", "market")


def _days_in_stage(today: date) -> pl.Expr:
    end = pl.coalesce(pl.col("end_date"), pl.lit(today, pl.Date))
    return (end - pl.col("start_date")).dt.total_days().cast(pl.Float64)


def _budgeted() -> pl.Expr:
    return pl.col("budget").is_not_null() & (pl.col("budget") > 0)


def projects_by_stage(projects: pl.DataFrame, today: date) -> pl.DataFrame:
    """stage, projects, cost, days_in_stage (mean over its projects; open ones counted to `today`),
    budget (of the projects that have one; null when none has) and cost_to_budget (their cost / their budget, null when
    none has a budget): one row per stage of PROJECT_STAGES in order, 0 projects where none is in it."""
    order = pl.DataFrame({"stage": list(PROJECT_STAGES)})
    summed = (projects.group_by("stage")
              .agg(projects=pl.len().cast(pl.Int64), cost=pl.col("cost").cast(pl.Float64).sum(),
                   days_in_stage=_days_in_stage(today).mean(),
                   budget=pl.when(_budgeted().any()).then(pl.col("budget").filter(_budgeted()).cast(pl.Float64).sum()),
                   budgeted_cost=pl.col("cost").filter(_budgeted()).cast(pl.Float64).sum())
              .with_columns(cost_to_budget=pl.when(pl.col("budget") > 0)
                            .then(pl.col("budgeted_cost") / pl.col("budget")))
              .drop("budgeted_cost"))
    return (order.join(summed, on="stage", how="left", maintain_order="left")
            .with_columns(projects=pl.col("projects").fill_null(0), cost=pl.col("cost").fill_null(0.0)))


def project_list(projects: pl.DataFrame, today: date) -> pl.DataFrame:
    """project_code, product, stage, start_date, end_date, days_in_stage, cost, budget, cost_to_budget
    (null without a budget): every project, by stage order."""
    rank = {s: i for i, s in enumerate(PROJECT_STAGES)}
    return (projects.with_columns(days_in_stage=_days_in_stage(today),
                                  cost_to_budget=pl.when(_budgeted()).then(pl.col("cost") / pl.col("budget")),
                                  _rank=pl.col("stage").replace_strict(rank, default=len(rank)))
            .sort("_rank", "start_date", "project_code")
            .select("project_code", "product", "stage", "start_date", "end_date", "days_in_stage", "cost", "budget",
                    "cost_to_budget"))


def launched_per_quarter(projects: pl.DataFrame, cal: PlantCalendar | None = None) -> pl.DataFrame:
    """quarter (e.g. "2026-Q3"), launched: products whose project closed in the launch or market stage."""
    done = projects.filter(pl.col("stage").is_in(LAUNCHED_STAGES), pl.col("end_date").is_not_null())
    if done.height == 0:
        return pl.DataFrame(schema={"quarter": pl.String, "launched": pl.Int64})
    return (done.with_columns(calendar.grain_key("quarter", cal, "end_date").alias("quarter"))
            .group_by("quarter").agg(launched=pl.col("product").n_unique().cast(pl.Int64)).sort("quarter")
            .with_columns(calendar.grain_label("quarter", cal)))

"""R&D projects (研发部): count and cost by the five stages (概念化 → 市场化, dashboard.kpi.rd), days in stage,
the projects behind them and new products launched per quarter (docs/kpis.md, rd). Projects count
when they started by the end of the period (whenever before), filtered by product."""
import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi.rd import PROJECT_STAGES, launched_per_quarter, project_list, projects_by_stage
from dashboard.ui import charts
from dashboard.ui.analysis import analysis_page, names
from dashboard.kpi.charts_data import rows_behind
from dashboard.ui.tables import data_table
from dashboard.ui.tiles import kpi_tiles

page = analysis_page("rd", ("product",))
facts, filters, today = page.facts, page.filters, page.today
kpi_tiles(["rd_projects", "rd_project_cost"], facts, filters, today, per_row=2)
# a project counts in its current stage whenever it started: up to the period's end, not from its start
projects = rows_behind("projects", facts, filters.replace(date_from=None), newest_first=False)
if projects.height == 0:
    st.info(t("common.no_data"))
    st.stop()

stage_name = pl.col("stage").replace_strict({s: t(f"rd.stage.{s}") for s in PROJECT_STAGES}, default=pl.col("stage"))
by_stage = projects_by_stage(projects, today)
left, right = st.columns(2)
with left:
    st.subheader(t("rd.by_stage"))
    data_table(by_stage.select(pl.col("stage").alias("code"), stage_name.alias(t("rd.col.stage")),
                               pl.col("projects").alias(t("rd.col.projects")), pl.col("cost").alias(t("rd.col.cost")),
                               pl.col("days_in_stage").round(0).alias(t("rd.col.days_in_stage")),
                               pl.col("budget").alias(t("rd.col.budget")),
                               pl.col("cost_to_budget").round(3).alias(t("rd.col.cost_to_budget"))).drop("code"),
               t("rd.by_stage"), "rd_by_stage")
with right:
    charts.draw(charts.bar_chart(by_stage.select(code="stage", name=stage_name, value="cost"),
                                 title=t("rd.cost_by_stage"), category_title=t("rd.col.stage"),
                                 value_title=t("rd.col.cost"), unit="currency"), "rd_cost_chart")
st.caption(t("rd.budget_note"))

st.subheader(t("rd.launched"))
launched = launched_per_quarter(projects)
if launched.height == 0:
    st.info(t("rd.launched_none"))
else:
    data_table(launched.select(pl.col("quarter").alias(t("rd.col.quarter")),
                               pl.col("launched").alias(t("rd.col.launched"))),
               t("rd.launched"), "rd_launched")

st.subheader(t("rd.projects"))
products = names(facts, "product")
rows = project_list(projects, today).with_columns(stage_name,
                                                  pl.col("product").replace_strict(products, default=pl.col("product")))
data_table(rows.rename({"days_in_stage": "days"}).select([pl.col(c).alias(t(f"rd.col.{c}")) for c in
                        ("project_code", "product", "stage", "start_date", "end_date", "days", "cost", "budget",
                         "cost_to_budget")]),
           t("rd.projects"), "rd_projects")

"""People & cost: attendance and overtime against target, cost by category (drill-down) and by
department (docs/kpis.md, people, materials and cost); the HR exceptions (人力资源异常超标分析): overtime
over the 36 h limit and work injuries with the employees behind them (names for admin, executives and
HR only), absence by type, transfers and headcount by department, the wage-rate change log."""
import polars as pl
import streamlit as st

from dashboard.i18n import t
from dashboard.kpi import cost_structure
from dashboard.kpi.charts_data import clip_grain, rows_behind, trend
from dashboard.ui import charts
from dashboard.ui.analysis import analysis_page, names, with_names
from dashboard.ui.memo import cached
from dashboard.ui.tables import headers, rows_behind_table
from dashboard.ui.people import hr_exceptions
from dashboard.ui.tiles import kpi_name, kpi_tiles

TILES = ["attendance_rate", "overtime_share", "turnover", "total_cost", "cost_per_unit"]
HR_TILES = ["overtime_over_limit", "absence_rate", "injury_rate", "recruitment_cost_per_hire", "welfare_per_head",
            "dept_transfers", "utilities_per_unit"]

page = analysis_page("people", ())  # attendance and costs are per department
facts, filters, today = page.facts, page.filters, page.today
kpi_tiles(TILES, facts, filters, today, per_row=5)
kpi_tiles(HR_TILES, facts, filters, today, per_row=4, key="hr_tiles")
if page.empty("attendance", "costs"):
    st.stop()

grain = clip_grain(page.grain if page.grain != "day" else "week", filters.date_from, filters.date_to)
data = charts.with_labels(cached(trend, ["attendance_rate", "overtime_share"], facts, grain, filters, today=today),
                          "period",
                          grain)
left, right = st.columns(2)
with left:
    charts.draw(charts.trend_chart(data, "attendance_rate", "ratio", title=t("analysis.people.attendance"),
                                   value_title=kpi_name("attendance_rate"), x_title=t(f"analysis.grain.{grain}"),
                                   target="attendance_rate_target"), "ppl_attendance")
with right:
    charts.draw(charts.trend_chart(data, "overtime_share", "ratio", title=t("analysis.people.overtime"),
                                   value_title=kpi_name("overtime_share"), x_title=t(f"analysis.grain.{grain}"),
                                   target="overtime_share_target"), "ppl_overtime")

by_category = with_names(cached(cost_structure, facts, ("category",), filters), "category", facts, "category")
picked = None
left, right = st.columns(2)
with left:
    if by_category.height:
        picked = charts.draw(charts.bar_chart(by_category.select("code", "name", value="total_cost"),
                                              title=t("analysis.people.cost"), category_title=t("analysis.dim.category"),
                                              value_title=kpi_name("total_cost"), unit="currency"),
                             "ppl_cost", selectable=True)
        st.caption(t("analysis.click_hint"))
with right:
    narrowed = filters.replace(category=(picked,)) if picked else filters
    by_department = with_names(cached(cost_structure, facts, ("department",), narrowed), "department", facts,
                               "department")
    if by_department.height:
        charts.draw(charts.bar_chart(by_department.select("code", "name", value="total_cost"),
                                     title=t("analysis.people.cost_department"),
                                     category_title=t("analysis.dim.department"), value_title=kpi_name("total_cost"),
                                     unit="currency"), "ppl_department")
drilled = page.drill("category", picked)

rows = rows_behind("costs", facts, drilled, newest_first=False)
departments, categories = names(facts, "department"), names(facts, "category")
rows = rows.with_columns(month=pl.col("date").dt.strftime("%Y-%m"),
                         department=pl.col("department").replace_strict(departments, default=pl.col("department")),
                         category=pl.col("category").replace_strict(categories, default=pl.col("category")))
rows_behind_table(rows,
                  headers("month", "department", "category", "amount"), t("nav.analysis.people"), "ppl_rows",
                  newest_first="date")

hr_exceptions(facts, filters, today)

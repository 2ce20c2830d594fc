"""Data kind `scorecard` (考评, admin): which KPIs appraise which department and how much each counts
(docs/kinds.md, docs/kpis.md "Appraisal"; scores in dashboard.kpi.appraisal). One row per department, KPI and line
(empty line = the plant figure).

The KPI ids are the registry's (dashboard.kpi.registry) plus `data_timeliness`, which appraisal
computes from batch arrival times. data_access may not import dashboard, so the ids are listed here;
tests/test_appraisal.py fails when the registry and this list part (add the new id here)."""
import polars as pl

from data_access.kinds.base import DEPARTMENTS, Kind, Rule, code, enum, qty

KPI_IDS: tuple[str, ...] = (
    "absence_rate", "absence_rate_absent", "absence_rate_injury", "absence_rate_leave", "absence_rate_sick",
    "ap_1_30", "ap_31_60", "ap_61_90", "ap_not_due", "ap_open", "ap_over_90", "ar_1_30", "ar_31_60", "ar_61_90",
    "ar_not_due", "ar_open", "ar_over_90", "ar_overdue_share", "attendance_rate", "availability", "avg_price",
    "commission", "complaint_cost", "complaint_days_to_close", "complaint_ppm", "complaints", "cost_per_unit",
    "csat", "data_timeliness", "defect_qty", "dept_transfers", "downtime_min", "dpo", "dso", "finished_qty",
    "fpy", "good_qty", "gross_margin", "headcount", "hires", "hourly_pay", "incoming_pass_rate", "injuries",
    "injury_rate", "labour_cost_per_unit", "labour_productivity", "labour_productivity_op", "material_loss",
    "material_loss_allowed", "mtbf", "mttr", "no_routing_qty", "no_routing_rows", "nps", "oee", "otd_line",
    "otd_order", "otd_qty", "otif", "overtime_over_limit", "overtime_premium", "overtime_share",
    "payroll_total", "performance", "piece_pay", "plan_attainment", "purchase_price_variance", "purchase_spend",
    "quality_ratio", "rd_project_cost", "rd_projects", "recruitment_cost_per_hire", "rework_ratio", "salary",
    "sales_cost", "sales_qty", "sales_revenue", "satisfaction_mean", "scrap_by_reason", "scrap_cost",
    "scrap_qty", "scrap_ratio", "supplier_otd", "throughput_rate", "total_cost", "total_qty", "turnover",
    "utilities_per_unit", "welfare_per_head", "wip_qty", "yield",
    "maintenance_cost", "maintenance_h", "pm_compliance", "pm_late", "pm_missed", "po_unit_price",
    "purchase_price_index", "repairs",  # issue 17: equipment and purchase prices
)

KIND = Kind(
    "scorecard", "Scorecards", "考评表", "admin", position=12, master=True, key=("department", "kpi", "line_code"),
    fields=(
        enum("department", "Department", "部门", tuple(d for d in DEPARTMENTS if d != "admin"), "dept", example="production"),
        code("kpi", "KPI id", "指标代码", "指标", example="oee",
             help_en="an id of docs/kpis.md, or data_timeliness", help_zh="docs/kpis.md 中的指标代码,或 data_timeliness"),
        qty("weight", "Weight", "权重", "权数", integer=False, max=1000, example=30),
        code("line_code", "Line code", "产线代码", "line", "产线", ref="lines", required=False,
             help_en="empty = whole plant", help_zh="留空 = 全厂"),
    ),
    rules=(
        Rule("known_kpi", ("kpi",), pl.col("kpi").is_in(KPI_IDS),
             "unknown KPI id (see docs/kpis.md)", "未知的指标代码(见 docs/kpis.md)"),
        Rule("positive_weight", ("weight",), pl.col("weight") > 0, "the weight must be greater than 0",
             "权重必须大于 0", sql="weight > 0"),
    ),
)

"""Data kind `projects` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, day, enum, not_after, qty

KIND = Kind(
    "projects", "R&D projects", "研发项目", "engineering", date_field="start_date", cadence="event", key=("project_code",),
    fields=(
        code("project_code", "Project code", "项目编号", "project", example="RD-2601"),
        code("product_code", "Product code", "产品编号", "product", ref="products", example="P-1001"),
        enum("stage", "Stage", "阶段", ("concept", "design", "development", "launch", "market"), example="design"),
        day("start_date", "Start date", "开始日期", example="2026-01-05"),
        day("end_date", "End date", "结束日期", required=False),
        qty("cost", "Cost", "费用", integer=False, example=56000),
        qty("budget", "Budget", "预算", required=False, integer=False, example=80000),
    ),
    rules=(not_after("end_date", "start_date", "end date is before the start date", "结束日期早于开始日期"),),
)

"""Data kind `production` (docs/kinds.md)."""
import polars as pl

from data_access.kinds.base import Kind, Rule, code, day, not_more, qty

KIND = Kind(
    "production", "Production reports", "生产日报", "production", position=1, date_field="date",
    key=("date", "shift", "machine_code", "product_code"),
    fields=(
        day("date", "Date", "日期", "production date", "生产日期", example="2026-01-05"),
        code("shift", "Shift", "班次", "班别", example="A"),
        code("machine_code", "Machine code", "机台编号", "machine", "机台", ref="machines", example="INJ-01"),
        code("product_code", "Product code", "产品编号", "product", "产品", "料号", ref="products", example="P-1001"),
        qty("planned_min", "Planned time (min)", "计划生产时间(分)", "planned minutes", integer=False, max=1440, example=420),
        qty("downtime_min", "Downtime (min)", "停机时间(分)", "downtime", integer=False, max=1440, example=35),
        qty("planned_qty", "Planned qty", "计划数量", "plan", "计划产量", example=1000),
        qty("input_qty", "Input qty", "投料", "投料数量", required=False, integer=False, example=1010),
        qty("total_qty", "Total qty", "总产量", "total", "生产数量", example=980),
        qty("good_qty", "Good qty", "良品数", "good", "良品", "合格数", example=950),
        qty("defect_qty", "Defective (reworkable)", "次品", "defect", "次品数", example=20),
        qty("scrap_qty", "Scrap qty", "废品", "scrap", "废品数", example=10),
        qty("operators", "Operators", "操作人数", "人数", required=False, plausible_max=200, example=1),
        qty("labour_h", "Labour hours", "人工工时", "labor hours", "工时", required=False, integer=False,
            plausible_max=2000, example=8),  # a machine's shift: up to 200 people x 10 h
    ),
    rules=(
        Rule("total_is_sum", ("total_qty", "good_qty", "defect_qty", "scrap_qty"),
             pl.col("total_qty") == pl.col("good_qty") + pl.col("defect_qty") + pl.col("scrap_qty"),
             "Total qty must equal Good qty + Defective (reworkable) + Scrap qty", "总产量必须等于 良品数 + 次品 + 废品",
             sql="total_qty = good_qty + defect_qty + scrap_qty"),
        not_more("downtime_min", "planned_min", "downtime exceeds the planned time", "停机时间超过计划生产时间"),
    ),
)

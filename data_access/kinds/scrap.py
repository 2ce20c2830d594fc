"""Data kind `scrap` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, day, qty

KIND = Kind(
    "scrap", "Scrap by reason", "废品原因明细", "production", position=2, date_field="date",
    key=("date", "shift", "machine_code", "product_code", "reason_code"),
    fields=(
        day("date", "Date", "日期", example="2026-01-05"),
        code("shift", "Shift", "班次", example="A"),
        code("machine_code", "Machine code", "机台编号", "machine", "机台", ref="machines", example="INJ-01"),
        code("product_code", "Product code", "产品编号", "product", "产品", ref="products", example="P-1001"),
        code("reason_code", "Scrap reason", "废品原因", "reason", "原因代码", ref="reasons", example="SC-SHORT"),
        qty("qty", "Quantity", "数量", "scrap qty", example=6),
    ),
)

"""Data kind `stocktake` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, day, qty

KIND = Kind(
    "stocktake", "Stocktake", "盘点", "warehouse", date_field="date", cadence="monthly", key=("date", "item_code"),
    fields=(
        day("date", "Date", "盘点日期", example="2026-01-31"),
        code("item_code", "Item code", "物料/产品编号", "item", "料号", ref="materials.material_code|products.product_code", example="M-PA66"),
        qty("counted_qty", "Counted qty", "盘点数量", "count", integer=False, example=1200),
    ),
)

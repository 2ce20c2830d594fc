"""Data kind `material_moves` (docs/kinds.md)."""
import polars as pl

from data_access.kinds.base import Field, Kind, Rule, code, day, enum, qty

KIND = Kind(
    "material_moves", "Material moves", "物料进出", "warehouse", date_field="date",
    key=("date", "item_code", "move", "ref"),
    fields=(
        day("date", "Date", "日期", example="2026-01-05"),
        code("item_code", "Item code", "物料/产品编号", "item", "料号", ref="materials.material_code|products.product_code", example="M-PA66"),
        enum("move", "Move type", "进出类型", ("receipt", "issue", "return", "semi_in", "semi_out", "finished_in",
             "sales_out", "scrap_out", "adjust"), "type", "类型", example="issue",
             help_en="receipt, issue, return, semi_in, semi_out, finished_in, sales_out, scrap_out, adjust",
             help_zh="receipt入库 issue领料 return退料 semi_in半成品入 semi_out半成品出 finished_in成品入库 sales_out销售出库 scrap_out废品出 adjust调整"),
        Field("qty", "float", "Quantity", "数量", ("qty",), example=250,
              help_en="positive; only adjust may be negative", help_zh="正数；只有 adjust（盘点调整）可为负"),
        code("ref", "Reference", "单据号", "document", "单号", example="WO-2601-05"),
        qty("unit_cost", "Unit cost", "单价", required=False, integer=False, example=18.5),
    ),
    rules=(Rule("qty_sign", ("move", "qty"), (pl.col("move") == "adjust") | (pl.col("qty") >= 0),
                "quantity must not be negative (only an adjust may be)", "数量不能为负(只有 adjust 调整可以为负)",
                sql="move = 'adjust' OR qty >= 0"),),
)

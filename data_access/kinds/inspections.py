"""Data kind `inspections` (docs/kinds.md)."""
import polars as pl

from data_access.kinds.base import Kind, Rule, code, day, enum, qty

# The quality department's lots (品管: 来料、制程、成品, 入库 and 出库检验), docs/kinds.md. One `receipt` stage
# covers semi-finished and finished goods into stock: which of the two a lot is follows from its
# item_code (a product or a material), so it is not stored twice.
STAGES = ("incoming", "in_process", "final", "receipt", "outgoing")

KIND = Kind(
    "inspections", "Inspection lots", "检验批次", "quality", date_field="date", key=("stage", "lot_no"),
    fields=(
        day("date", "Date", "检验日期", example="2026-01-05"),
        enum("stage", "Stage", "检验阶段", STAGES, "检验类别", example="final",
             help_en="incoming, in_process, final, receipt (semi-finished or finished goods into stock) or "
                     "outgoing (at shipment)",
             help_zh="incoming来料 in_process制程 final成品 receipt入库(半成品/成品) outgoing出库"),
        code("lot_no", "Lot no.", "批号", "lot", example="L-260105-01"),
        code("item_code", "Item code", "物料/产品编号", "item", "料号", ref="materials.material_code|products.product_code", example="P-1001"),
        code("supplier_code", "Supplier code", "供应商编号", "supplier", ref="suppliers", required=False),
        code("machine_code", "Machine code", "机台编号", "machine", ref="machines", required=False),
        qty("inspected_qty", "Inspected qty", "送检数", "inspected", "检验数量", example=500),
        qty("passed_first_qty", "Passed first time", "一次合格数", "passed", "合格数", example=492),
        qty("rejected_qty", "Rejected qty", "不合格数", "rejected", example=8),
        code("reason_code", "Reject reason", "不合格原因", "reason", ref="reasons", required=False),
        enum("disposition", "Disposition", "处置", ("accept", "rework", "scrap", "return"), "处理方式", required=False),
    ),
    rules=(
        Rule("passed_plus_rejected", ("passed_first_qty", "rejected_qty", "inspected_qty"),
             pl.col("passed_first_qty") + pl.col("rejected_qty") <= pl.col("inspected_qty"),
             "passed + rejected exceeds the inspected quantity", "合格数 + 不合格数 超过送检数",
             sql="passed_first_qty + rejected_qty <= inspected_qty"),
        Rule("incoming_has_supplier", ("stage", "supplier_code"),
             (pl.col("stage") != "incoming") | pl.col("supplier_code").is_not_null(),
             "an incoming lot needs a supplier", "来料检验必须填写供应商",
             sql="stage <> 'incoming' OR supplier_code IS NOT NULL"),
    ),
)

"""Data kind `purchase_orders` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, day, not_after, qty

KIND = Kind(
    "purchase_orders", "Purchase orders", "采购订单", "purchasing", date_field="order_date", key=("po_no", "line_no"),
    fields=(
        code("po_no", "PO no.", "采购单号", "po", example="PO-26001"),
        qty("line_no", "Line no.", "行号", example=1),
        code("supplier_code", "Supplier code", "供应商编号", "supplier", ref="suppliers", example="S-01"),
        code("material_code", "Material code", "物料编号", "material", ref="materials", example="M-PA66"),
        day("order_date", "Order date", "下单日期", example="2026-01-05"),
        qty("qty", "Quantity", "采购数量", integer=False, example=2000),
        qty("unit_price", "Unit price", "单价", "price", integer=False, example=18.9),
        day("promised_date", "Promised date", "交期", "due date", example="2026-01-19"),
    ),
    rules=(not_after("promised_date", "order_date", "promised date is before the order date", "交期早于下单日期"),),
)

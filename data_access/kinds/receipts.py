"""Data kind `receipts` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, day, not_more, qty

KIND = Kind(
    "receipts", "Purchase receipts", "采购收货", "purchasing", date_field="receipt_date",
    key=("po_no", "line_no", "receipt_date"), composite_refs=((("po_no", "line_no"), "purchase_orders"),),
    fields=(
        code("po_no", "PO no.", "采购单号", "po", example="PO-26001"),
        qty("line_no", "Line no.", "行号", example=1),
        day("receipt_date", "Receipt date", "收货日期", example="2026-01-18"),
        qty("qty", "Received qty", "收货数量", integer=False, example=2000),
        qty("accepted_qty", "Accepted qty", "合格数量", integer=False, example=1980),
    ),
    rules=(not_more("accepted_qty", "qty", "accepted exceeds received quantity", "合格数量超过收货数量"),),
)

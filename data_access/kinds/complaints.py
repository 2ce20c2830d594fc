"""Data kind `complaints` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, day, enum, not_after, qty

KIND = Kind(
    "complaints", "Customer complaints", "客户投诉", "customer_service", date_field="date", cadence="event", key=("complaint_no",),
    fields=(
        code("complaint_no", "Complaint no.", "投诉编号", "complaint", example="CC-2601"),
        day("date", "Date", "投诉日期", example="2026-01-12"),
        code("customer_code", "Customer code", "客户编号", "customer", ref="customers", example="C-001"),
        code("product_code", "Product code", "产品编号", "product", ref="products", example="P-1001"),
        code("order_no", "Order no.", "订单号", required=False),
        code("reason_code", "Complaint reason", "投诉原因", "reason", ref="reasons", example="CP-DIM"),
        enum("severity", "Severity", "严重程度", ("minor", "major", "critical"), "等级", example="major"),
        qty("qty_affected", "Qty affected", "涉及数量", example=200),
        qty("cost", "Cost", "处理费用", "费用", integer=False, example=1500),
        day("closed_date", "Closed date", "结案日期", required=False),
    ),
    rules=(not_after("closed_date", "date", "closed before it was opened", "结案日期早于投诉日期"),),
)

"""Data kind `orders` (docs/kinds.md)."""
import polars as pl

from data_access.kinds.base import Kind, Rule, code, day, not_after, qty

KIND = Kind(
    "orders", "Sales orders", "销售订单", "sales", date_field="order_date", key=("order_no", "line_no"),
    fields=(
        code("order_no", "Order no.", "订单号", "order", "so", example="SO-26001"),
        qty("line_no", "Line no.", "行号", "line", "item no", example=1),
        code("customer_code", "Customer code", "客户编号", "customer", "客户", ref="customers", example="C-001"),
        code("product_code", "Product code", "产品编号", "product", "产品", ref="products", example="P-1001"),
        day("order_date", "Order date", "下单日期", example="2026-01-05"),
        qty("qty", "Quantity", "订单数量", "order qty", example=5000),
        qty("unit_price", "Unit price", "单价", "price", integer=False, example=3.8),
        day("promised_date", "Promised date", "承诺交期", "due date", "交期", example="2026-01-26"),
        day("requested_date", "Requested date", "客户要求日期", "request date", required=False, example="2026-01-24"),
    ),
    rules=(not_after("promised_date", "order_date", "promised date is before the order date", "承诺交期早于下单日期"),
           Rule("qty_positive", ("qty",), pl.col("qty") > 0, "quantity must be greater than 0", "数量必须大于 0", sql="qty > 0")),
)

"""Data kind `shipments` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, day, not_after, qty

KIND = Kind(
    "shipments", "Shipments", "出货记录", "sales", date_field="ship_date", key=("shipment_no", "order_no", "line_no"),
    composite_refs=((("order_no", "line_no"), "orders"),),
    fields=(
        code("shipment_no", "Shipment no.", "出货单号", "delivery no", "送货单号", example="DN-26001"),
        code("order_no", "Order no.", "订单号", "order", example="SO-26001"),
        qty("line_no", "Line no.", "行号", example=1),
        day("ship_date", "Ship date", "出货日期", example="2026-01-20"),
        qty("qty", "Quantity", "出货数量", "shipped qty", example=5000),
        day("delivered_date", "Delivered date", "到货日期", required=False),
    ),
    rules=(not_after("delivered_date", "ship_date", "delivered before it was shipped", "到货日期早于出货日期"),),
)

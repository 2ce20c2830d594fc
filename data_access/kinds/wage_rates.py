"""Data kind `wage_rates` (工价, HR): the piece rate of one product's operation from a date on. A change
is a new row with a later valid_from, never an overwrite (append_only), so last year's pay sheets
recompute the same; the rate on a date is the latest valid_from on or before it."""
from data_access.kinds.base import Kind, code, day, qty

KIND = Kind(
    "wage_rates", "Piece rates", "计件工价", "hr", date_field="valid_from", cadence="event", append_only=True,
    key=("product_code", "seq", "valid_from"),
    fields=(
        code("product_code", "Product code", "产品编号", "product", "产品", ref="products", example="P-1001"),
        qty("seq", "Operation no.", "工序号", "operation", "工序", example=10),
        qty("piece_rate", "Piece rate (per good piece)", "计件单价(每件良品)", "rate", "工价", integer=False, max=1000,
            example=0.12),
        day("valid_from", "Valid from", "生效日期", "from", example="2026-01-01"),
    ),
)

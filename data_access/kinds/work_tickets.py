"""Data kind `work_tickets` (工票, Production): one worker's output on one operation in one shift, the
basis of piece-rate pay. The product must have a routing on the machine (the operation it belongs to)."""
from data_access.kinds.base import Kind, code, day, qty

KIND = Kind(
    "work_tickets", "Work tickets", "工票", "production", position=4, date_field="date",
    key=("date", "shift", "employee_code", "machine_code", "product_code"),
    must_exist_in=((("product_code", "machine_code"), "routings"),),
    fields=(
        day("date", "Date", "日期", example="2026-01-05"),
        code("shift", "Shift", "班次", max_len=10, example="A"),
        code("employee_code", "Employee no.", "工号", "employee", "员工", ref="employees", example="E-0001"),
        code("machine_code", "Machine code", "机台编号", "machine", "机台", ref="machines", example="INJ-01"),
        code("product_code", "Product code", "产品编号", "product", "产品", ref="products", example="P-1001"),
        qty("good_qty", "Good qty", "良品数", "good", max=1_000_000, example=950),
        qty("scrap_qty", "Scrap qty", "废品数", "scrap", max=1_000_000, example=12),
        qty("hours", "Hours", "工时", integer=False, max=24, example=7.5),
    ),
)

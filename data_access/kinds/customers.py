"""Data kind `customers` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, enum, text

KIND = Kind(
    "customers", "Customers", "客户", "admin", position=7, master=True, key=("customer_code",),
    fields=(
        code("customer_code", "Customer code", "客户编号", "customer", "客户", example="C-001"),
        text("name", "Customer name", "客户名称", max_len=120, example="Acme Electric"),
        enum("abc_class", "ABC class", "客户等级", ("A", "B", "C"), "class", "等级", example="A"),
    ),
)

"""Data kind `customers` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, enum, qty, text

KIND = Kind(
    "customers", "Customers", "客户", "admin", position=7, master=True, key=("customer_code",),
    fields=(
        code("customer_code", "Customer code", "客户编号", "customer", "客户", example="C-001"),
        text("name", "Customer name", "客户名称", "中文名称", max_len=120, example="华南电器"),
        text("name_en", "Customer name (English)", "英文名称", "english name", required=False, max_len=120,
             example="Acme Electric"),
        enum("abc_class", "ABC class", "客户等级", ("A", "B", "C"), "class", "等级", example="A"),
        code("salesperson_code", "Salesperson (employee no.)", "业务员工号", "salesperson", "业务员", ref="employees.employee_code",
             required=False, example="E-0001"),
        qty("payment_terms_days", "Payment terms (days)", "账期(天)", "terms", "账期", required=False, max=365,
            example=30),
    ),
)

"""Data kind `costs` (docs/kinds.md)."""
from data_access.kinds.base import DEPARTMENTS, Field, Kind, enum, qty

KIND = Kind(
    "costs", "Costs", "费用", "finance", date_field="month", cadence="monthly", key=("month", "department", "category"),
    fields=(
        Field("month", "month", "Month", "月份", (), example="2026-01"),
        enum("department", "Department", "部门", tuple(DEPARTMENTS), "dept", example="production"),
        enum("category", "Category", "费用类别", ("labour", "material", "utilities", "welfare", "recruitment",
             "complaint", "maintenance", "transport", "other"), example="utilities"),
        qty("amount", "Amount", "金额", integer=False, example=42000),
    ),
)

"""Data kind `suppliers` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, text

KIND = Kind(
    "suppliers", "Suppliers", "供应商", "admin", position=8, master=True, key=("supplier_code",),
    fields=(
        code("supplier_code", "Supplier code", "供应商编号", "supplier", "供应商", example="S-01"),
        text("name", "Supplier name", "供应商名称", "中文名称", max_len=120, example="华宇塑胶"),
        text("name_en", "Supplier name (English)", "英文名称", "english name", required=False, max_len=120,
             example="Huayu Plastics"),
    ),
)

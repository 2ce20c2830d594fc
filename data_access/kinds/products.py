"""Data kind `products` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, enum, qty, text

KIND = Kind(
    "products", "Products", "产品", "admin", position=3, master=True, key=("product_code",),
    fields=(
        code("product_code", "Product code", "产品编号", "product", "产品", "料号", "品号", example="P-1001"),
        text("name", "Product name", "产品名称", "品名", "中文名称", max_len=120, example="开关外壳"),
        text("name_en", "Product name (English)", "英文名称", "english name", "英文品名", required=False, max_len=120,
             example="Switch housing"),
        text("spec", "Specification", "规格", "规格型号", required=False, example="PA66 black"),
        text("unit", "Unit", "单位", max_len=10, example="pcs"),
        qty("standard_cost", "Standard cost", "标准成本", "unit cost", integer=False, example=2.35),
        enum("stage", "Life-cycle stage", "生命周期阶段", ("concept", "design", "development", "launch", "market"), "阶段", example="market"),
    ),
)

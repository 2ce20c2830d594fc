"""Data kind `bom` (docs/kinds.md)."""
from data_access.kinds.base import Field, Kind, code, qty

KIND = Kind(
    "bom", "Bill of materials", "物料清单(BOM)", "admin", position=6, master=True, key=("product_code", "material_code"),
    fields=(
        code("product_code", "Product code", "产品编号", "product", "产品", ref="products", example="P-1001"),
        code("material_code", "Material code", "物料编号", "material", "物料", ref="materials", example="M-PA66"),
        qty("qty_per_unit", "Quantity per unit", "单位用量", "usage", "用量", integer=False, example=0.045),
        Field("loss_rate", "float", "Normal loss rate", "正常损耗率", ("loss",), min=0, max=1, example=0.03,
              help_en="fraction between 0 and 1", help_zh="0 到 1 之间的小数"),
        qty("seq", "Consuming operation no.", "耗用工序号", "operation", "工序", required=False, example=10,
            help_en="the routing operation that consumes it; empty: the first operation",
            help_zh="耗用该物料的工序号；留空为第一道工序"),
    ),
)

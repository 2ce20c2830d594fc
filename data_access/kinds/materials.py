"""Data kind `materials` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, qty, text

KIND = Kind(
    "materials", "Materials", "物料", "admin", position=5, master=True, key=("material_code",),
    fields=(
        code("material_code", "Material code", "物料编号", "material", "物料", "料号", example="M-PA66"),
        text("name", "Material name", "物料名称", "品名", "中文名称", max_len=120, example="PA66树脂"),
        text("name_en", "Material name (English)", "英文名称", "english name", "英文品名", required=False, max_len=120,
             example="PA66 resin"),
        text("spec", "Specification", "规格", required=False, example="25 kg bag"),
        text("unit", "Unit", "单位", max_len=10, example="kg"),
        qty("standard_price", "Standard price", "标准单价", "price", integer=False, example=18.5),
        qty("lead_time_days", "Lead time (days)", "采购周期(天)", "lead time", plausible_max=730, example=14),
        qty("safety_stock", "Safety stock", "安全库存", integer=False, example=500),
    ),
)

"""Data kind `routings` (docs/kinds.md)."""
import polars as pl

from data_access.kinds.base import Kind, Rule, code, qty

# One row per operation and machine that can run it (docs/kinds.md Operations): alternative machines of one
# operation (a mold that fits several presses) share the seq, each with its own ideal cycle.
KIND = Kind(
    "routings", "Routings", "工艺路线", "admin", position=4, master=True, key=("product_code", "seq", "machine_code"),
    fields=(
        code("product_code", "Product code", "产品编号", "product", "产品", ref="products", example="P-1001"),
        qty("seq", "Operation no.", "工序号", "operation", "工序", example=10),
        code("machine_code", "Machine code", "机台编号", "machine", "机台", ref="machines", example="INJ-01"),
        qty("ideal_cycle_s", "Ideal cycle (s/pc)", "理想节拍(秒/件)", "cycle time", "节拍", integer=False,
            plausible_max=86_400, example=24.0),
        qty("labour_s", "Standard labour (s/pc)", "标准工时(秒/件)", "labour time", integer=False,
            plausible_max=86_400, example=30.0),
    ),
    rules=(Rule("cycle_positive", ("ideal_cycle_s",), pl.col("ideal_cycle_s") > 0,
                "ideal cycle must be greater than 0", "理想节拍必须大于 0", sql="ideal_cycle_s > 0"),),
)

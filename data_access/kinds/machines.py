"""Data kind `machines` (docs/kinds.md)."""
from data_access.kinds.base import Field, Kind, code, text

KIND = Kind(
    "machines", "Machines", "机台", "admin", position=2, master=True, key=("machine_code",),
    fields=(
        code("machine_code", "Machine code", "机台编号", "machine", "机台", "设备编号", example="INJ-01"),
        code("line_code", "Line code", "产线代码", "line", "产线", ref="lines", example="INJ"),
        text("name", "Machine name", "机台名称", "中文名称", max_len=80, example="海天 250T 注塑机"),
        text("name_en", "Machine name (English)", "英文名称", "english name", required=False, max_len=80,
             example="Haitian 250T"),
        Field("active", "bool", "Active", "在用", ("in use",), required=False, example="yes"),
    ),
)

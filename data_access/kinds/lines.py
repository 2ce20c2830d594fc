"""Data kind `lines` (docs/kinds.md)."""
from data_access.kinds.base import Kind, code, enum, text

KIND = Kind(
    "lines", "Lines", "产线", "admin", position=1, master=True, key=("line_code",),
    fields=(
        code("line_code", "Line code", "产线代码", "line", "产线", "线别", example="INJ"),
        text("name", "Line name", "产线名称", "line name", max_len=80, example="注塑"),
        text("name_en", "Line name (English)", "英文名称", "english name", "英文产线名称", required=False, max_len=80,
             example="Injection molding"),
        enum("process", "Process", "工艺", ("injection", "dmc", "finishing", "machining"), "工序类型", example="injection",
             help_en="injection, dmc, finishing or machining", help_zh="injection(注塑)、dmc(模压)、finishing(处理)、machining(机加工)"),
    ),
)

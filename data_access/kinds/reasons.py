"""Data kind `reasons` (docs/kinds.md)."""
import polars as pl

from data_access.kinds.base import Kind, Rule, code, enum, text

KIND = Kind(
    "reasons", "Reason codes", "原因代码", "admin", position=10, master=True, key=("reason_code",),
    fields=(
        code("reason_code", "Reason code", "原因代码", "reason", "原因", example="SC-SHORT"),
        enum("kind", "Reason kind", "原因类别", ("scrap", "defect", "downtime", "complaint"), "type", example="scrap"),
        text("name_en", "Name (English)", "英文名称", max_len=80, example="Short shot"),
        text("name_zh", "Name (Chinese)", "中文名称", max_len=80, example="缺料"),
        enum("category", "Loss category", "损失类别", ("planned", "breakdown", "setup", "minor_stop", "speed", "quality_loss"),
             required=False, help_en="for downtime reasons: the six big losses", help_zh="停机原因的六大损失分类"),
    ),
    rules=(Rule("downtime_has_category", ("kind", "category"),
                (pl.col("kind") != "downtime") | pl.col("category").is_not_null(),
                "a downtime reason needs a loss category", "停机原因必须填写损失类别",
                sql="kind <> 'downtime' OR category IS NOT NULL"),),
)

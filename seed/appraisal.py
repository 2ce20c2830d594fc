"""The demo's scorecards (考评, docs/kinds.md `scorecard`): for every department the KPIs it owns, weights
summing to 100. One production row scores a single line (the first line's OEE) to show line rows;
customer service's days-to-close has no target in the demo, so it is listed and not scored."""
from __future__ import annotations

import polars as pl

PLANT_ROWS: dict[str, tuple[tuple[str, float], ...]] = {
    "production": (("finished_qty", 30), ("oee", 25), ("scrap_ratio", 25)),
    "quality": (("fpy", 40), ("incoming_pass_rate", 30), ("complaint_ppm", 30)),
    "sales": (("otd_line", 40), ("sales_revenue", 40), ("gross_margin", 20)),
    "customer_service": (("csat", 50), ("complaint_ppm", 30), ("complaint_days_to_close", 20)),
    "purchasing": (("supplier_otd", 60), ("incoming_pass_rate", 40)),
    "hr": (("attendance_rate", 50), ("turnover", 30), ("overtime_share", 20)),
    "finance": (("ar_overdue_share", 50), ("dso", 30), ("cost_per_unit", 20)),
    "warehouse": (("material_loss", 60), ("otd_qty", 40)),
    "engineering": (("availability", 50), ("mttr", 50)),
    "planning": (("plan_attainment", 50), ("otd_order", 50)),
}
LINE_ROW = ("production", "oee", 20)  # on the plant's first line


def scorecard(lines: pl.DataFrame) -> pl.DataFrame:
    rows = [{"department": d, "kpi": k, "weight": float(w), "line_code": None}
            for d, items in PLANT_ROWS.items() for k, w in items]
    if lines.height:
        department, kpi_id, weight = LINE_ROW
        rows.append({"department": department, "kpi": kpi_id, "weight": float(weight),
                     "line_code": lines.get_column("line_code").sort()[0]})
    return pl.DataFrame(rows, schema={"department": pl.String, "kpi": pl.String, "weight": pl.Float64,
                                      "line_code": pl.String})

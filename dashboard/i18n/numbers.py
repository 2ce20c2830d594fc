"""How a KPI value reads, in the app, the PDF and the CLI alike (no Streamlit here)."""
from __future__ import annotations

NONE = "—"  # a null figure (zero denominator, no data): never 0 or NaN


def fmt_value(value: float | None, unit: str) -> str:
    """A KPI value for people: 12.3 %, 418,205, 4.21, ¥1,234; "—" for null."""
    if value is None:
        return NONE
    if unit == "ratio":
        pct = value * 100
        return f"{pct:.1f} %" if abs(pct) >= 10 else f"{pct:.2f} %"
    if unit in ("pieces", "count", "ppm"):
        return f"{value:,.0f}"
    if unit == "currency":
        text = f"¥{abs(value):,.2f}" if 0 < abs(value) < 100 else f"¥{abs(value):,.0f}"
        return text if value >= 0 else "−" + text
    if unit in ("pieces_per_hour", "hours", "days", "points"):
        return f"{value:,.1f}"
    if unit == "minutes":
        return f"{value:,.0f}"
    if unit == "score":
        return f"{value:.2f}"
    return f"{value:,.2f}"

"""Number and date text of the monthly report, in the app's style, without Streamlit.

fmt_value follows dashboard.ui.tiles.fmt_value rule for rule (a test holds them together), so
the PDF shows a KPI exactly as the page's tile does; it lives here because the report is also
built by the command line, which does not import Streamlit.
"""
from __future__ import annotations

from datetime import date

from dashboard.i18n import t

NONE = "—"


def fmt_value(value: float | None, unit: str) -> str:
    """12.3 %, 418,205, ¥1,234, 4.21; "—" for null."""
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


def fmt_change(change: float | None, unit: str, lang: str) -> str:
    """A signed difference: percentage points for ratios, else the unit's own format."""
    if change is None:
        return NONE
    if unit == "ratio":
        return f"{change * 100:+.2f} {t('report.pp', lang)}".replace("-", "−")
    text = fmt_value(abs(change), unit)
    return ("+" if change >= 0 else "−") + text


def fmt_date(d: date | None, lang: str) -> str:
    if d is None:
        return NONE
    return f"{d.year}年{d.month}月{d.day}日" if lang == "zh" else d.isoformat()


def month_title(month: str, lang: str) -> str:
    """2026-03 -> "March 2026" / "2026年3月"."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year}年{number}月" if lang == "zh" else date(year, number, 1).strftime("%B %Y")


def month_short(month: str, lang: str) -> str:
    """2026-03 -> "Mar 26" / "26年3月" (chart axes)."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year % 100:02d}年{number}月" if lang == "zh" else date(year, number, 1).strftime("%b %y")


__all__ = ["NONE", "fmt_change", "fmt_date", "fmt_value", "month_short", "month_title"]

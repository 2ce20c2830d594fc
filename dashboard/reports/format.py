"""Number and date text of the monthly report, without Streamlit (the CLI builds it too).
KPI values read as on the page tiles: both use dashboard.i18n.numbers.fmt_value."""
from __future__ import annotations

from datetime import date

from dashboard.i18n import t
from dashboard.i18n.numbers import NONE, fmt_value



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

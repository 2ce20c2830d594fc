"""How a value of each unit reads, in the app, the PDF, the XLSX and the CLI alike (no Streamlit here).

One `Unit` record per KPI unit: its text format (tiles, tables, PDF, CLI), its XLSX number format,
its chart (d3) format and its label key. Rules kept everywhere: thousand separators; a percent is
"12.3 %" (a space before the sign, one decimal from 10 % up, two below); money is "¥1,234.56" and
"−¥4,351.00" (sign before the currency, the typographic minus), always two decimals.
"""
from __future__ import annotations

from dataclasses import dataclass

NONE = "—"  # a null figure (zero denominator, no data): never 0 or NaN
MINUS = "−"  # U+2212: the same width as "+", never confused with a dash
PERCENT_LABEL = "replace(datum.label, '%', ' %')"  # d3's "12.3%" as "12.3 %" on an axis or a legend


@dataclass(frozen=True)
class Unit:
    id: str
    decimals: int          # digits after the point in text (a ratio: of the percent below 10 %)
    xlsx: str              # the Excel number format of a typed cell
    d3: str                # axis and tooltip format of a chart
    prefix: str = ""       # currency sign, written after the minus

    @property
    def grid(self) -> str:
        """The printf format of a table column (st.column_config.NumberColumn), with separators."""
        return "percent" if self.id == "ratio" else f"{self.prefix}%,.{self.decimals}f"

    @property
    def label_expr(self) -> str | None:
        """A Vega expression that writes an axis or legend label by the text rule: d3 prints "12.3%",
        the rule "12.3 %" (d3 already writes a negative with the typographic minus)."""
        return PERCENT_LABEL if self.id == "ratio" else None

    @property
    def label_key(self) -> str:
        return f"kpi.unit.{self.id}"

    def text(self, value: float | None) -> str:
        if value is None or value != value:  # NaN is no figure either
            return NONE
        if self.id == "ratio":
            pct = value * 100
            body = f"{abs(pct):.1f}" if abs(pct) >= 10 else f"{abs(pct):.2f}"
            return (MINUS if pct < 0 and float(body) else "") + body + " %"
        body = f"{abs(value):,.{self.decimals}f}"
        negative = value < 0 and body.strip("0.,") != ""
        return (MINUS if negative else "") + self.prefix + body


def _grouped(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _unit(id: str, decimals: int, *, prefix: str = "", d3: str | None = None) -> Unit:
    # Excel writes a negative of "¥#,##0.00" as -¥4,351.00: the sign before the currency, as the text does
    return Unit(id, decimals, prefix + _grouped(decimals), d3 or f",.{decimals}f", prefix)


UNITS: dict[str, Unit] = {u.id: u for u in (
    Unit("ratio", 2, "0.00%", ".1%"),
    _unit("pieces", 0), _unit("count", 0), _unit("ppm", 0), _unit("minutes", 0),
    _unit("currency", 2, prefix="¥"), _unit("piece_rate", 3, prefix="¥"),  # yuan per piece, to the fen's tenth
    _unit("pieces_per_hour", 1), _unit("hours", 1), _unit("days", 1), _unit("points", 1),
    Unit("score", 2, "0.00", ".2f"),
)}
DEFAULT = _unit("number", 2)


def unit(id: str) -> Unit:
    return UNITS.get(id, DEFAULT)


def fmt_value(value: float | None, unit_id: str) -> str:
    """A KPI value for people: 12.3 %, 418,205, 4.21, ¥1,234.00; "—" for null."""
    return unit(unit_id).text(value)


__all__ = ["DEFAULT", "MINUS", "NONE", "PERCENT_LABEL", "UNITS", "Unit", "fmt_value", "unit"]

"""The executive monthly summary as an Excel workbook: one sheet per section.

Numbers are stored as numbers with a number format (ratios as percentages, currency in yuan,
counts with thousands separators), so the reader can calculate with them. Every piece of text
(names, commentary, codes) is written as a string cell, never as a formula, and text that a
spreadsheet would take for a formula (=, +, -, @) also gets Excel's quote prefix, so editing
the cell later does not turn it into one either (docs/architecture.md "Ingestion").
"""
from __future__ import annotations

import io
from datetime import date, datetime

import polars as pl
import xlsxwriter

from dashboard.i18n import t
from dashboard.i18n.master_names import row_name
from dashboard.i18n.codes import code_label
from dashboard.i18n.numbers import DEFAULT, UNITS
from dashboard.kpi import KPIS, UNASSIGNED
from dashboard.reports.format import month_title
from dashboard.reports.pdf import department_label, kind_label
from dashboard.reports.summary import MonthlySummary
from data_access.ingest.export import FORMULA_START

NUMBER_FORMATS = {u.id: u.xlsx for u in UNITS.values()}  # one format per unit (dashboard.i18n.numbers)
CHANGE_FORMATS = {"ratio": "+0.00%;-0.00%;0.00%", "currency": "+¥#,##0.00;-¥#,##0.00;¥0.00"}


class _Book:
    def __init__(self, lang: str):
        self.lang = lang
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {"in_memory": True, "strings_to_formulas": False,
                                                      "strings_to_numbers": False, "strings_to_urls": False})
        self.formats: dict[tuple, xlsxwriter.format.Format] = {}

    def fmt(self, num_format: str | None = None, **props) -> xlsxwriter.format.Format:
        key = (num_format, tuple(sorted(props.items())))
        if key not in self.formats:
            spec = dict(props, font_name="Microsoft YaHei" if self.lang == "zh" else "Calibri")
            if num_format:
                spec["num_format"] = num_format
            self.formats[key] = self.book.add_format(spec)
        return self.formats[key]

    def sheet(self, key: str):
        return self.book.add_worksheet(t(key, self.lang)[:31])

    def text(self, ws, row: int, col: int, value, **props) -> None:
        """A string cell (never a formula); formula-looking text gets the quote prefix."""
        value = "" if value is None else str(value)
        if value.startswith(FORMULA_START):
            props["quote_prefix"] = True
        ws.write_string(row, col, value, self.fmt(None, **props) if props else None)

    def number(self, ws, row: int, col: int, value: float | None, num_format: str) -> None:
        if value is None:
            ws.write_blank(row, col, None, self.fmt(num_format))
        else:
            ws.write_number(row, col, float(value), self.fmt(num_format))

    def day(self, ws, row: int, col: int, value: date | None) -> None:
        if value is None:
            ws.write_blank(row, col, None)
        else:
            ws.write_datetime(row, col, datetime(value.year, value.month, value.day), self.fmt("yyyy-mm-dd"))

    def header(self, ws, row: int, labels: list[str], widths: list[float]) -> None:
        for col, (label, width) in enumerate(zip(labels, widths)):
            self.text(ws, row, col, label, bold=True, bg_color="#F1F3F5", bottom=1, text_wrap=True)
            ws.set_column(col, col, width)
        ws.freeze_panes(row + 1, 0)

    def title(self, ws, summary: MonthlySummary, section: str) -> int:
        self.text(ws, 0, 0, f"{t('report.title', self.lang)} · {month_title(summary.month, self.lang)}",
                  bold=True, font_size=13)
        self.text(ws, 1, 0, t(section, self.lang), italic=True)
        return 3

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


def _reason_name(row: dict, lang: str) -> str:
    if row.get("reason") == UNASSIGNED:
        return t("kpi.unassigned", lang)
    return row["name_zh" if lang == "zh" else "name_en"] or row.get("reason") or ""


def _summary_sheet(b: _Book, s: MonthlySummary) -> None:
    lang = b.lang
    ws = b.sheet("report.sheet.summary")
    row = b.title(ws, s, "report.section.kpis")
    b.text(ws, 2, 0, t("report.period", lang, start=s.date_from.isoformat(), end=s.date_to.isoformat()))
    if not s.has_data:
        b.text(ws, row, 0, t("report.no_data", lang, month=month_title(s.month, lang)), bold=True,
               font_color="#856404")
        row += 2
    cols = ("kpi", "unit", "value", "previous", "change_previous", "last_year", "change_last_year", "target", "status")
    b.header(ws, row, [t(f"report.col.{c}", lang) for c in cols], [30, 10, 14, 14, 16, 16, 16, 12, 14])
    for h in s.headline:
        row += 1
        k = KPIS[h.kpi]
        number = NUMBER_FORMATS.get(k.unit, DEFAULT.xlsx)
        change = CHANGE_FORMATS.get(k.unit, "+" + number + ";-" + number + ";" + number)
        b.text(ws, row, 0, k.name(lang))
        b.text(ws, row, 1, "%" if k.unit == "ratio" else t(f"kpi.unit.{k.unit}", lang))
        b.number(ws, row, 2, h.value, number)
        b.number(ws, row, 3, h.previous, number)
        b.number(ws, row, 4, h.change_previous, change)
        b.number(ws, row, 5, h.same_month_last_year, number)
        b.number(ws, row, 6, h.change_last_year, change)
        b.number(ws, row, 7, h.target, number)
        b.text(ws, row, 8, t(f"report.light.{h.light}", lang))
    b.text(ws, row + 2, 0, t("report.legend", lang), italic=True)


def _trend_sheet(b: _Book, s: MonthlySummary) -> None:
    ws = b.sheet("report.sheet.trend")
    row = b.title(ws, s, "report.section.trend")
    months = [m for m, _ in s.headline[0].series]
    b.header(ws, row, [t("report.col.month", b.lang)] + [KPIS[h.kpi].name(b.lang) for h in s.headline],
             [10] + [16] * len(s.headline))
    for i, month in enumerate(months):
        b.text(ws, row + 1 + i, 0, month)
        for col, h in enumerate(s.headline, start=1):
            b.number(ws, row + 1 + i, col, h.series[i][1], NUMBER_FORMATS.get(h.unit, DEFAULT.xlsx))


def _frame_sheet(b: _Book, s: MonthlySummary, sheet: str, section: str, empty: str, frame: pl.DataFrame,
                 columns: list[tuple[str, str, float, object]]) -> None:
    """columns: (header key, kind: text|number format|date, width, value getter)."""
    ws = b.sheet(sheet)
    row = b.title(ws, s, section)
    if frame.height == 0:
        b.text(ws, row, 0, t(empty, b.lang))
        return
    b.header(ws, row, [t(key, b.lang) for key, _, _, _ in columns], [w for _, _, w, _ in columns])
    for r in frame.iter_rows(named=True):
        row += 1
        for col, (_, kind, _, get) in enumerate(columns):
            value = get(r)
            if kind == "text":
                b.text(ws, row, col, value)
            elif kind == "date":
                b.day(ws, row, col, value)
            else:
                b.number(ws, row, col, value, kind)


def _commentary_sheet(b: _Book, s: MonthlySummary) -> None:
    ws = b.sheet("report.sheet.commentary")
    row = b.title(ws, s, "report.section.commentary")
    note = s.commentary
    if note is None or not note.text:
        b.text(ws, row, 0, t("report.none.commentary", b.lang))
        return
    b.header(ws, row, [t("report.col.text", b.lang), t("report.col.updated_by", b.lang),
                       t("report.col.updated_at", b.lang)], [90, 16, 20])
    b.text(ws, row + 1, 0, note.text, text_wrap=True, valign="top")
    b.text(ws, row + 1, 1, note.updated_by, valign="top")
    if note.updated_at is not None:
        ws.write_datetime(row + 1, 2, note.updated_at.replace(tzinfo=None), b.fmt("yyyy-mm-dd hh:mm", valign="top"))
    ws.set_row(row + 1, min(409, 15 * (note.text.count("\n") + 1 + len(note.text) // 100)))


def _causes_sheet(b: _Book, s: MonthlySummary) -> None:
    """The top causes of each headline KPI that moved beyond the threshold (summary.causes)."""
    lang = b.lang
    ws = b.sheet("explain.report.causes")
    row = b.title(ws, s, "explain.report.section")
    causes = getattr(s, "causes", None) or {}
    if not causes:
        b.text(ws, row, 0, t("explain.report.none", lang))
        return
    b.header(ws, row, [t("report.col.kpi", lang), t("explain.dim", lang), t("explain.col.member", lang),
                       t("explain.col.rate", lang), t("explain.col.mix", lang), t("explain.col.total", lang),
                       t("explain.report.causes", lang)], [30, 14, 14, 14, 14, 16, 60])
    for found in causes.values():
        for c in found:
            row += 1
            unit = KPIS[c.kpi].unit
            number = "+0.00%;-0.00%;0.00%" if unit == "ratio" else "+#,##0.00;-#,##0.00;0"
            b.text(ws, row, 0, KPIS[c.kpi].name(lang))
            b.text(ws, row, 1, t(f"analysis.dim.{c.dim}", lang))
            b.text(ws, row, 2, c.member)
            for col, value in ((3, c.rate), (4, c.mix), (5, c.total)):
                b.number(ws, row, col, value, number)
            b.text(ws, row, 6, c.text(lang))


def render_xlsx(summary: MonthlySummary, lang: str = "en") -> bytes:
    b = _Book(lang)
    s = summary
    _summary_sheet(b, s)
    _trend_sheet(b, s)
    _frame_sheet(b, s, "report.sheet.scrap", "report.section.scrap", "report.none.scrap", s.scrap_reasons, [
        ("report.col.code", "text", 12, lambda r: r["reason"]),
        ("report.col.reason", "text", 28, lambda r: _reason_name(r, lang)),
        ("report.col.qty", NUMBER_FORMATS["pieces"], 12, lambda r: r["qty"]),
        ("report.col.share", NUMBER_FORMATS["ratio"], 10, lambda r: r["share"]),
        ("report.col.cum_share", NUMBER_FORMATS["ratio"], 12, lambda r: r["cum_share"])])
    _frame_sheet(b, s, "report.sheet.late", "report.section.late", "report.none.late", s.late_customers, [
        ("report.col.code", "text", 10, lambda r: r["customer"]),
        ("report.col.customer", "text", 34, lambda r: row_name(r, lang)),
        ("report.col.abc", "text", 8, lambda r: r["abc_class"]),
        ("report.col.due_lines", "#,##0", 12, lambda r: r["due_lines"]),
        ("report.col.late_lines", "#,##0", 12, lambda r: r["late_lines"]),
        ("report.col.still_open", "#,##0", 12, lambda r: r["still_open"]),
        ("report.col.otd", NUMBER_FORMATS["ratio"], 12, lambda r: r["otd_line"])])
    _frame_sheet(b, s, "report.sheet.complaints", "report.section.complaints", "report.none.complaints",
                 s.open_complaints, [
                     ("report.col.complaint_no", "text", 14, lambda r: r["complaint_no"]),
                     ("report.col.date", "date", 12, lambda r: r["date"]),
                     ("report.col.code", "text", 10, lambda r: r["customer"]),
                     ("report.col.customer", "text", 30, lambda r: r["customer_name"]),
                     ("report.col.product", "text", 10, lambda r: r["product"]),
                     ("report.col.complaint_reason", "text", 24, lambda r: _reason_name(r, lang)),
                     ("report.col.severity", "text", 10, lambda r: code_label("severity", r["severity"], lang)),
                     ("report.col.qty_affected", "#,##0", 12, lambda r: r["qty_affected"]),
                     ("report.col.cost", NUMBER_FORMATS["currency"], 12, lambda r: r["cost"]),
                     ("report.col.days_open", "#,##0", 10, lambda r: r["days_open"])])
    _frame_sheet(b, s, "report.sheet.missing", "report.section.missing", "report.none.missing", s.missing_data, [
        ("report.col.department", "text", 26, lambda r: department_label(r["department"], lang)),
        ("report.col.kind", "text", 24, lambda r: kind_label(r["kind"], lang)),
        ("report.col.weeks", "text", 60, lambda r: ", ".join(d.isoformat() for d in r["missing_weeks"]))])
    from dashboard.exceptions import labelled_rows

    _frame_sheet(b, s, "report.sheet.exceptions", "report.section.exceptions", "report.none.exceptions",
                 pl.DataFrame(labelled_rows(s.top_exceptions, lang) or None), [
                     ("exc.col.severity", "text", 10, lambda r: r["severity"]),
                     ("exc.col.what", "text", 70, lambda r: r["what"]),
                     ("exc.col.department", "text", 20, lambda r: r["department"]),
                     ("exc.col.since", "text", 12, lambda r: r["since"]),
                     ("exc.col.link", "text", 60, lambda r: r["link"])])
    _causes_sheet(b, s)
    _commentary_sheet(b, s)
    return b.close()


__all__ = ["NUMBER_FORMATS", "render_xlsx"]

"""The month's pay sheet as XLSX (three sheets: employees, piece work, departments) and PDF, in
English or Chinese; numbers stay numbers in the workbook (yuan with two decimals)."""
from __future__ import annotations

import polars as pl
from fpdf.enums import XPos, YPos

from dashboard.i18n import t
from dashboard.i18n.codes import code_labels
from dashboard.i18n.numbers import fmt_value
from dashboard.kpi.wages import PaySheet
from dashboard.reports.pdf import _Report, _table
from dashboard.reports.xlsx import _Book

MONEY, PIECES, HOURS = "#,##0.00", "#,##0", "#,##0.0"
EMPLOYEE_COLUMNS = (  # column, label key, number format (None: text), width
    ("employee", "pay.col.employee", None, 10), ("name", "pay.col.name", None, 16),
    ("department", "pay.col.department", None, 14), ("basis", "pay.col.basis", None, 9),
    ("pieces", "pay.col.pieces", PIECES, 10), ("piece_pay", "pay.col.piece_pay", MONEY, 11),
    ("hours", "pay.col.hours", HOURS, 9), ("overtime_h", "pay.col.overtime_h", HOURS, 9),
    ("hourly_pay", "pay.col.hourly_pay", MONEY, 11), ("overtime_premium", "pay.col.overtime_premium", MONEY, 11),
    ("salary", "pay.col.salary", MONEY, 11), ("commission", "pay.col.commission", MONEY, 11),
    ("total", "pay.col.total", MONEY, 12),
)
PIECE_COLUMNS = (
    ("employee", "pay.col.employee", None, 10), ("name", "pay.col.name", None, 16),
    ("product", "pay.col.product", None, 10), ("seq", "pay.col.seq", PIECES, 8),
    ("pieces", "pay.col.pieces", PIECES, 10), ("rate", "pay.col.rate", "0.000", 9),
    ("piece_pay", "pay.col.piece_pay", MONEY, 12),
)
DEPARTMENT_COLUMNS = (
    ("department", "pay.col.department", None, 16), ("people", "pay.col.people", PIECES, 8),
    ("total", "pay.col.total", MONEY, 14), ("labour_cost", "pay.col.labour_cost", MONEY, 14),
    ("difference", "pay.col.difference", MONEY, 14),
)


def labelled(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Departments and pay bases in words (never the codes)."""
    from data_access.kinds import DEPARTMENTS

    out = frame
    if "department" in out.columns:
        names = {code: (zh if lang == "zh" else en) for code, (en, zh) in DEPARTMENTS.items()}
        out = out.with_columns(pl.col("department").replace(names))
    if "basis" in out.columns:
        out = out.with_columns(pl.col("basis").replace(code_labels("pay_basis", lang)))
    return out


def _sheet(book: _Book, key: str, title: str, frame: pl.DataFrame, columns) -> None:
    ws = book.sheet(key)
    book.text(ws, 0, 0, title, bold=True, font_size=13)
    book.header(ws, 2, [t(label, book.lang) for _, label, _, _ in columns], [w for *_, w in columns])
    for r, row in enumerate(frame.iter_rows(named=True), start=3):
        for c, (name, _, number_format, _) in enumerate(columns):
            if number_format is None:
                book.text(ws, r, c, row[name])
            else:
                book.number(ws, r, c, row[name], number_format)


def render_payroll_xlsx(sheet: PaySheet, month: str, lang: str) -> bytes:
    book = _Book(lang)
    title = t("pay.title", lang, month=month)
    _sheet(book, "pay.sheet.employees", title, labelled(sheet.employees, lang), EMPLOYEE_COLUMNS)
    _sheet(book, "pay.sheet.pieces", title, sheet.piece_work, PIECE_COLUMNS)
    _sheet(book, "pay.sheet.departments", title, labelled(sheet.departments, lang), DEPARTMENT_COLUMNS)
    return book.close()


# the unit each number format stands for: the page and the PDF write a value as fmt_value does
UNIT_OF_FORMAT = {MONEY: "currency", PIECES: "pieces", HOURS: "hours", "0.000": "piece_rate"}


def _cells(frame: pl.DataFrame, columns) -> list[list[str]]:
    units = UNIT_OF_FORMAT
    out = []
    for row in frame.iter_rows(named=True):
        out.append([str(row[name] if row[name] is not None else "—") if fmt is None else fmt_value(row[name], units[fmt])
                    for name, _, fmt, _ in columns])
    return out


def render_payroll_pdf(sheet: PaySheet, month: str, lang: str) -> bytes:
    pdf = _Report(lang, t("pay.title", lang, month=month))
    pdf.alias_nb_pages()
    pdf.add_page(orientation="L")
    pdf.font(15, bold=True)
    pdf.cell(0, 9, t("pay.title", lang, month=month), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.note(t("pay.total_line", lang, total=fmt_value(sheet.total, "currency"), people=sheet.employees.height))
    pdf.heading(t("pay.sheet.departments", lang))
    _table(pdf, [t(k, lang) for _, k, _, _ in DEPARTMENT_COLUMNS], _cells(labelled(sheet.departments, lang),
                                                                           DEPARTMENT_COLUMNS),
           [40, 16, 32, 32, 32], numeric={1, 2, 3, 4})
    pdf.heading(t("pay.sheet.employees", lang))
    widths = [16, 28, 26, 14, 16, 20, 14, 14, 20, 20, 20, 18, 22]
    _table(pdf, [t(k, lang) for _, k, _, _ in EMPLOYEE_COLUMNS], _cells(labelled(sheet.employees, lang),
                                                                         EMPLOYEE_COLUMNS),
           widths, numeric=set(range(4, 13)), size=7)
    return bytes(pdf.output())

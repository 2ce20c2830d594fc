"""Files handed back to the clerk (typed CSV/XLSX; the rejected rows with their reasons are
dashboard/ingest_messages.py), and the shared guard that keeps spreadsheets from running formula-looking text (docs/architecture.md "Ingestion")."""
from __future__ import annotations

import io
from datetime import date, datetime

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe. Numbers (also
    negative ones) are not text and pass unchanged. Every export of the app calls this."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """neutralise_formula on every text column, vectorised."""
    pattern = r"^[=+\-@\t\r]"
    text = {c: pl.col(c).cast(pl.String) for c, dtype in frame.schema.items() if dtype in (pl.String, pl.Categorical)}
    return frame.with_columns([  # a code (Categorical) is text too: written as its text
        pl.when(v.str.contains(pattern)).then(pl.lit("'") + v).otherwise(v).alias(c) for c, v in text.items()
    ])


WHOLE, DECIMAL = "#,##0", "#,##0.00"  # typed number cells with thousand separators (the app's unit formats)


def frame_bytes(frame: pl.DataFrame, fmt: str = "csv", sheet: str = "rows",
                number_formats: dict[str, str] | None = None) -> bytes:
    """CSV (UTF-8 with BOM so that Excel shows Chinese) or XLSX bytes, formulas neutralised.
    XLSX cells are typed: dates as dates, numbers as numbers in `number_formats[column]` (else
    #,##0 for whole numbers, #,##0.00 for decimals)."""
    safe = neutralise_frame(frame)
    if fmt == "csv":
        return b"\xef\xbb\xbf" + safe.write_csv().encode("utf-8")
    if fmt == "xlsx":
        import xlsxwriter

        buffer = io.BytesIO()
        with xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                          "strings_to_numbers": False, "strings_to_urls": False}) as wb:
            ws = wb.add_worksheet(sheet[:31])
            bold = wb.add_format({"bold": True})
            # typed date cells: Excel sorts and filters them as dates, not as serial numbers in General
            day = wb.add_format({"num_format": "yyyy-mm-dd"})
            moment = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
            given = number_formats or {}
            numbers = [wb.add_format({"num_format": given.get(name) or (
                WHOLE if dtype.is_integer() else DECIMAL)}) if dtype.is_numeric() else None
                for name, dtype in safe.schema.items()]
            for c, name in enumerate(safe.columns):
                ws.write_string(0, c, name, bold)
                ws.set_column(c, c, max(10, min(40, len(name) + 2)))
            for r, row in enumerate(safe.iter_rows(), start=1):
                for c, value in enumerate(row):
                    if value is None:
                        continue
                    if isinstance(value, str):
                        ws.write_string(r, c, value)
                    elif isinstance(value, datetime):
                        ws.write_datetime(r, c, value, moment)
                    elif isinstance(value, date):
                        ws.write_datetime(r, c, value, day)
                    elif isinstance(value, (int, float)) and not isinstance(value, bool) and numbers[c] is not None:
                        ws.write_number(r, c, value, numbers[c])
                    else:
                        ws.write(r, c, value)
        return buffer.getvalue()
    raise ValueError(f"unknown format {fmt!r}")

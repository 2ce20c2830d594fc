"""XLSX downloads of tables and of the rows behind a chart, read back with openpyxl: dates are typed
date cells in a date format, numbers typed number cells with thousand separators."""
from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import polars as pl

from dashboard.i18n.numbers import unit
from data_access.ingest.export import frame_bytes


def _sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_rows_behind_a_chart_read_back_typed():
    frame = pl.DataFrame({"日期": [date(2026, 11, 30), None], "时间": [datetime(2026, 11, 30, 8, 15), None],
                          "良品": [12345, 7], "停机分钟": [35.5, None], "机台": ["INJ-01", "=SUM(A1)"]})
    ws = _sheet(frame_bytes(frame, "xlsx"))
    assert [c.value for c in ws[1]] == ["日期", "时间", "良品", "停机分钟", "机台"]
    day, moment, qty, minutes, machine = ws[2]
    assert day.is_date and day.value == datetime(2026, 11, 30) and day.number_format == "yyyy-mm-dd"
    assert moment.is_date and moment.number_format == "yyyy-mm-dd hh:mm:ss"
    assert qty.data_type == "n" and qty.value == 12345 and qty.number_format == "#,##0"
    assert minutes.data_type == "n" and minutes.value == 35.5 and minutes.number_format == "#,##0.00"
    assert machine.data_type == "s"
    assert ws["A3"].value is None and ws["E3"].value == "'=SUM(A1)"  # gap stays empty; a formula stays text


def test_a_column_gets_its_units_format():
    frame = pl.DataFrame({"金额": [-4351.0], "废品率": [0.0197]})
    ws = _sheet(frame_bytes(frame, "xlsx", number_formats={"金额": unit("currency").xlsx, "废品率": unit("ratio").xlsx}))
    money, ratio = ws[2]
    assert money.value == -4351.0 and money.number_format == "¥#,##0.00"
    assert ratio.value == 0.0197 and ratio.number_format == "0.00%"

"""Reading and parsing without a database: encodings, line endings, delimiters, XLSX sheets and
header rows, every accepted date/number/boolean/month/time form, and the formula guard."""
from __future__ import annotations

import io
from datetime import date, datetime, time

import openpyxl
import polars as pl
import pytest

from data_access.ingest import neutralise_formula, read_upload, template_bytes
from data_access.ingest.export import frame_bytes
from data_access.ingest.headers import match_headers
from data_access.ingest.parse import ROW, parse_table
from dashboard.ingest_messages import translator
from data_access.ingest.problems import FileProblem

H = "date,shift,machine_code,product_code,planned_min,downtime_min,planned_qty,total_qty,good_qty,defect_qty,scrap_qty"
ROW1 = "2026-01-05,A,INJ-01,P-1001,420,35,1000,980,950,20,10"


def parse(data: bytes, kind: str = "production", name: str = "f.csv", **kw):
    raw = read_upload(data, name, kind, **kw)
    parsed = parse_table(raw, match_headers(kind, raw.headers), kind)
    return raw, parsed


@pytest.mark.parametrize("encoding, data, expected", [
    ("UTF-8", f"{H}\n{ROW1}\n".encode(), "LF"),
    ("UTF-8 with BOM", f"\ufeff{H}\r\n{ROW1}\r\n".encode(), "CRLF"),
    ("UTF-8", f"{H}\r{ROW1}\r".encode(), "CR"),
])
def test_encodings_and_line_endings_are_detected(encoding, data, expected):
    raw, parsed = parse(data)
    assert (raw.info.encoding, raw.info.line_ending) == (encoding, expected)
    assert parsed.problems == []
    assert parsed.frame["good_qty"].to_list() == [950]
    assert raw.headers[0] == "date"  # the BOM is not part of the first header


def test_gbk_file_with_chinese_headers_reads_as_gb18030():
    text = "日期,班次,机台编号,产品编号,计划生产时间(分),停机时间(分),计划数量,总产量,良品数,次品,废品\n" \
           "2026年1月5日,白班,INJ-01,P-1001,420,35,1000,980,950,20,10\n"
    raw, parsed = parse(text.encode("gbk"))
    assert raw.info.encoding == "GB18030"
    assert parsed.frame.row(0, named=True) | {ROW: 0} == parsed.frame.row(0, named=True) | {ROW: 0}
    assert parsed.frame["shift"].to_list() == ["白班"]
    assert parsed.frame["date"].to_list() == [date(2026, 1, 5)]
    assert parsed.date_formats["date"] == "YYYY年M月D日"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(delimiter):
    raw, parsed = parse(f"{H}\n{ROW1}\n".replace(",", delimiter).encode())
    assert raw.info.delimiter == delimiter
    assert parsed.frame["total_qty"].to_list() == [980]


@pytest.mark.parametrize("text, expected, label", [
    ("2026-01-05", date(2026, 1, 5), "YYYY-MM-DD"),
    ("2026/1/5", date(2026, 1, 5), "YYYY/M/D"),
    ("2026-1-5", date(2026, 1, 5), "YYYY-MM-DD"),
    ("5-Jan-26", date(2026, 1, 5), "D-Mon-YY"),
    ("2026年1月5日", date(2026, 1, 5), "YYYY年M月D日"),
    ("46027", date(2026, 1, 5), "Excel serial number"),  # Excel: 46027 = 2026-01-05
    ("2026-01-05 00:00:00", date(2026, 1, 5), "YYYY-MM-DD hh:mm:ss"),
])
def test_date_forms(text, expected, label):
    _, parsed = parse(f"{H}\n{ROW1.replace('2026-01-05', text)}\n".encode())
    assert parsed.problems == []
    assert parsed.frame["date"].to_list() == [expected]
    assert parsed.date_formats["date"] == label


def test_numbers_with_thousands_separators_and_full_width_digits():
    row = '2026-01-05,A,INJ-01,P-1001,420,35,"1,000",９８０,950,20,10'
    _, parsed = parse(f"{H}\n{row}\n".encode())
    assert parsed.problems == []
    assert parsed.frame.select("planned_qty", "total_qty").row(0) == (1000, 980)


def test_every_problem_of_a_file_is_reported_at_once_with_file_row_numbers():
    rows = [ROW1, ROW1.replace(",A,", ",B,").replace(",950,", ",x,"), ROW1.replace(",A,", ",C,").replace("2026-01-05", "soon")]
    _, parsed = parse(("title line of an export\n" + H + "\n" + "\n".join(rows) + "\n").encode())
    # header is in row 2 (after a title line), data in rows 3-5
    assert [(p.row, p.column, p.value) for p in parsed.problems] == [(4, "good_qty", "x"), (5, "date", "soon")]


def test_booleans_enumerations_and_text():
    data = ("machine_code,line_code,name,active\n"
            "M1,INJ,=cmd|' /C calc'!A0,是\nM2,INJ,  spaced  ,No\nM3,INJ,x,Y\nM4,INJ,y,0\n").encode()
    _, parsed = parse(data, "machines")
    assert parsed.problems == []
    assert parsed.frame["active"].to_list() == [True, False, True, False]
    assert parsed.frame["name"].to_list() == ["=cmd|' /C calc'!A0", "spaced", "x", "y"]  # stored as written
    _, products = parse(b"product_code,name,unit,standard_cost,stage\nP1,a,pcs,1,MARKET\n", "products")
    assert products.frame["stage"].to_list() == ["market"]


def test_months_and_times():
    _, costs = parse("month,department,category,amount\n2026-01,production,labour,1\n2026/2,production,other,1\n"
                     "2026年3月,hr,welfare,1\n".encode(), "costs")
    assert costs.problems == []
    assert costs.frame["month"].to_list() == ["2026-01", "2026-02", "2026-03"]
    _, downtime = parse(b"date,shift,machine_code,start,minutes,reason_code\n2026-01-05,A,M,09:30,5,R\n"
                        b"2026-01-05,A,M,9:30:15,5,R\n", "downtime")
    assert downtime.problems == []
    assert downtime.frame["start"].to_list() == [time(9, 30), time(9, 30, 15)]


def test_negative_number_is_a_number_not_a_formula():
    _, parsed = parse(b"date,item_code,move,qty,ref\n2026-01-05,M-1,adjust,-12.5,ADJ-1\n", "material_moves")
    assert parsed.problems == []
    assert parsed.frame["qty"].to_list() == [-12.5]


def _xlsx(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_picks_the_sheet_that_matches_the_kind_and_finds_the_header_row():
    header = H.split(",")
    data = _xlsx({
        "notes": [["read me"], ["nothing here"]],
        "日报": [["生产日报 2026年1月"], [], header,
                 [datetime(2026, 1, 5), "A", "INJ-01", "P-1001", 420, 35, 1000, 980, 950, 20, 10],
                 [46028, "B", "INJ-01", "P-1001", 420.0, 35, 1000, 980, 950, 20, 10]],
    })
    raw, parsed = parse(data, name="report.xlsx")
    assert (raw.info.sheet, raw.info.sheets, raw.info.header_row) == ("日报", ["notes", "日报"], 3)
    assert parsed.problems == []
    assert parsed.frame["date"].to_list() == [date(2026, 1, 5), date(2026, 1, 6)]
    assert parsed.frame[ROW].to_list() == [4, 5]  # the sheet's own row numbers
    # the caller may pick another sheet
    other = read_upload(data, "report.xlsx", "production", sheet="notes")
    assert other.info.sheet == "notes"
    with pytest.raises(FileProblem):
        read_upload(data, "report.xlsx", "production", sheet="missing")


def test_xlsx_date_merged_down_over_rows_is_filled():
    header = H.split(",")
    rows = [header, ["2026-01-05", "A", "INJ-01", "P-1001", 420, 35, 1000, 980, 950, 20, 10],
            [None, "B", "INJ-01", "P-1001", 420, 35, 1000, 980, 950, 20, 10]]
    raw, parsed = parse(_xlsx({"s": rows}, {"s": ["A2:A3"]}), name="m.xlsx")
    assert parsed.problems == []
    assert parsed.frame["date"].to_list() == [date(2026, 1, 5)] * 2
    assert raw.info.merged_cells_filled == 1


def test_header_aliases_and_labels_in_any_case_and_order():
    m = match_headers("production", ["Good Qty", "MACHINE", "生产日期", "班 次", "product-code", "remarks"])
    assert m.columns == {"good_qty": 0, "machine_code": 1, "date": 2, "shift": 3, "product_code": 4}
    assert m.extra == ["remarks"]
    assert "total_qty" in m.missing_required
    manual = match_headers("production", ["Gut", "remarks"], {"Gut": "good_qty", "remarks": ""})
    assert manual.columns == {"good_qty": 0} and manual.extra == []


def test_neutralise_formula_in_every_export():
    assert [neutralise_formula(v) for v in ["=1+1", "+A1", "-A1", "@SUM(A1)", "plain", -5, 3.5, None]] == \
        ["'=1+1", "'+A1", "'-A1", "'@SUM(A1)", "plain", -5, 3.5, None]
    out = frame_bytes(pl.DataFrame({"name": ["=HYPERLINK(\"x\")", "ok"], "qty": [-5, 2]}), "csv").decode("utf-8-sig")
    assert out.splitlines() == ["name,qty", "\"'=HYPERLINK(\"\"x\"\")\",-5", "ok,2"]
    wb = openpyxl.load_workbook(io.BytesIO(frame_bytes(pl.DataFrame({"name": ["=1+1"]}), "xlsx")))
    cell = wb.active["A2"]
    assert (cell.value, cell.data_type) == ("'=1+1", "s")


@pytest.mark.parametrize("lang, first", [("en", "date"), ("zh", "日期")])
def test_templates_in_both_languages(lang, first):
    csv_bytes = template_bytes("production", lang, "csv", translator(lang))
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    header, example = csv_bytes.decode("utf-8-sig").splitlines()
    assert header.split(",")[0] == first and example.startswith("2026-01-05,A,INJ-01,P-1001,420,35")
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes("production", lang, "xlsx", translator(lang))))
    data, helpsheet = wb.worksheets
    assert data["A1"].value == first and data["A2"].value == "2026-01-05"
    help_rows = {r[1]: r for r in helpsheet.iter_rows(min_row=2, values_only=True) if r[1]}
    assert help_rows["planned_min"][4] == ("是" if lang == "zh" else "yes")
    assert "1440" in help_rows["planned_min"][5]
    assert help_rows["input_qty"][4] == ("否" if lang == "zh" else "no")


def test_every_message_key_the_pipeline_uses_exists_in_both_languages():
    import re
    from pathlib import Path

    from dashboard.i18n import MESSAGES
    from data_access.kinds.field_types import FIELD_TYPES

    files = [*Path("data_access/ingest").glob("*.py"), Path("dashboard/commands/ingest.py")]  # `plantkpi import` too
    source = "".join(p.read_text(encoding="utf-8") for p in files)
    used = set(re.findall(r'"(ingest\.[a-z_.]+[a-z_])"', source)) - {"ingest.rule", "ingest.err.permission"}  # problem keys, not messages
    used |= {f"ingest.type.{name}" for name in FIELD_TYPES}
    used |= {f"ingest.err.permission.{reason}" for reason in ("unknown_user", "other_department", "role")}
    missing = sorted(k for k in used if not {"en", "zh"} <= set(MESSAGES.get(k, {})))
    assert len(used) > 60 and missing == []

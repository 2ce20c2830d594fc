"""The bad-input corpus (issue 3 item 5): every file, how it is made, and what the clerk must be
told about it. Text files are committed under tests/corpus/files/ (rewrite them with
`python -m tests.corpus.generate`); binary, XLSX and big files are made at test time.

Each case expects problems (row, column, value, words): row as the clerk counts it in the file
(None for a problem with the whole file), column as written in the header, value as written, and
words the message must contain (English)."""
from __future__ import annotations

import io
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.corpus.plant import PRODUCTION_HEADER as H

FILES = Path(__file__).parent / "files"
GOOD = "2026-01-06,A,INJ-01,P-1001,420,35,1000,980,950,20,10"


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    expect: tuple[tuple, ...]  # (row, column, value, words)
    text: str | None = None  # committed text file (UTF-8)
    make: object = None  # () -> bytes, for files made at test time
    ext: str = "csv"

    @property
    def file_name(self) -> str:
        return f"{self.name}.{self.ext}"

    def data(self, tmp_dir: Path | None = None) -> bytes:
        if self.text is not None:
            return (FILES / self.file_name).read_bytes()
        return self.make(tmp_dir) if _takes_dir(self.make) else self.make()


def _takes_dir(fn) -> bool:
    return fn.__code__.co_argcount == 1


def csv_text(*lines: str) -> str:
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- file makers
def _xlsx(rows: list[list], merges: tuple[str, ...] = (), sheet: str = "Sheet1") -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _production_rows() -> list[list]:
    return [H.split(","), GOOD.split(",")]


def truncated_xlsx() -> bytes:
    data = _xlsx(_production_rows())
    return data[: len(data) // 2]


def merged_header_xlsx() -> bytes:
    """'date' typed in A1 and merged over A1:B1, so the shift column has no header."""
    header = H.split(",")
    header[1] = None
    return _xlsx([header, GOOD.split(",")], merges=("A1:B1",))


def two_header_rows_xlsx() -> bytes:
    """Row 1: group titles (merged), row 2: the Chinese headers, data from row 3; row 4 is wrong."""
    zh = ["日期", "班次", "机台编号", "产品编号", "计划生产时间(分)", "停机时间(分)", "计划数量", "总产量", "良品数", "次品", "废品"]
    groups = ["基本信息", None, None, None, "时间", None, "数量", None, None, None, None]
    bad = GOOD.replace(",950,", ",abc,").replace("2026-01-06", "2026-01-07").split(",")
    return _xlsx([groups, zh, GOOD.split(","), bad], merges=("A1:D1", "E1:F1", "G1:K1"))


def gbk_chinese() -> bytes:
    text = csv_text("日期,班次,机台编号,产品编号,计划生产时间(分),停机时间(分),计划数量,总产量,良品数,次品,废品",
                    "2026年1月6日,白班,INJ-01,P-1001,420,35,1000,980,坏数据,20,10")
    return text.encode("gbk")


def cr_only() -> bytes:
    return "\r".join([H, GOOD, GOOD.replace("INJ-01", "INJ-77")]).encode() + b"\r"


def binary_named_csv() -> bytes:
    return random.Random(3).randbytes(4096)


def old_xls() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048)


def over_limit(tmp_dir: Path) -> bytes:
    """A 60 MB production file, written to a temporary directory (never committed)."""
    path = tmp_dir / "over_limit_60mb.csv"
    line = (GOOD + "\n").encode()
    with path.open("wb") as f:
        f.write((H + "\n").encode())
        block = line * 10_000
        while f.tell() < 60 * 1024 * 1024:
            f.write(block)
    return path.read_bytes()


# ----------------------------------------------------------------------------- the corpus
P = "production"
LONG_FORMULA = "@SUM(1+1)*cmd|' /C calc'!A0 padding padding"
CASES: tuple[Case, ...] = (
    Case("wrong_header", P, ((None, "date", None, "required column date is missing"),),
         text=csv_text(H.replace("date,", "datum,", 1), GOOD)),
    Case("missing_good_qty_column", P, ((None, "good_qty", None, "required column good_qty is missing"),),
         text=csv_text(H.replace(",good_qty", ""), "2026-01-06,A,INJ-01,P-1001,420,35,1000,980,20,10")),
    Case("duplicate_columns", P, ((None, "良品数", None, "good_qty"),),
         text=csv_text(H + ",良品数", GOOD + ",950")),
    Case("text_in_quantity", P, ((3, "good_qty", "abc", "not a number"),),
         text=csv_text(H, GOOD, GOOD.replace("2026-01-06", "2026-01-07").replace(",950,", ",abc,"))),
    Case("non_numeric_planned_qty", P, ((2, "planned_qty", "n/a", "not a number"),),
         text=csv_text(H, GOOD.replace(",1000,", ",n/a,"))),
    Case("fractional_count", P, ((2, "good_qty", "950.5", "whole number"),),
         text=csv_text(H, GOOD.replace(",980,950,", ",980.5,950.5,"))),
    Case("negative_scrap", P, ((2, "scrap_qty", "-5", "at least 0"),),
         text=csv_text(H, "2026-01-06,A,INJ-01,P-1001,420,35,1000,965,950,20,-5")),
    Case("total_not_sum", P, ((2, "total_qty", "999", "Total qty must equal Good qty + Defective (reworkable) + Scrap qty"),),
         text=csv_text(H, GOOD.replace(",980,", ",999,"))),
    Case("downtime_over_planned", P, ((2, "downtime_min", "500", "downtime exceeds the planned time"),),
         text=csv_text(H, GOOD.replace(",420,35,", ",420,500,"))),
    Case("planned_min_over_max", P, ((2, "planned_min", "2000", "at most 1440"),),
         text=csv_text(H, GOOD.replace(",420,", ",2000,"))),
    Case("unknown_machine", P, ((2, "machine_code", "INJ-99", "unknown code"),),
         text=csv_text(H, GOOD.replace("INJ-01", "INJ-99"))),
    Case("unknown_product", P, ((2, "product_code", "P-9999", "unknown code"),),
         text=csv_text(H, GOOD.replace("P-1001", "P-9999"))),
    Case("duplicate_key_in_file", P, ((4, "date", "2026-01-06", "same key"), (4, "date", "2026-01-06", "row 2")),
         text=csv_text(H, GOOD, GOOD.replace(",A,", ",B,"), GOOD)),
    Case("key_already_stored", P, ((2, "date", "2026-01-05", "already stored"),),
         text=csv_text(H, "2026-01-05,A,INJ-01,P-1001,420,30,1000,980,950,20,10")),
    Case("required_value_empty", P, ((2, "shift", None, "required value is empty"),),
         text=csv_text(H, GOOD.replace(",A,", ",,"))),
    Case("code_too_long", P, ((2, "shift", "S" * 41, "longer than 40"),),
         text=csv_text(H, GOOD.replace(",A,", f",{'S' * 41},"))),
    Case("bad_date", P, ((2, "date", "2026-13-45", "not a date"),),
         text=csv_text(H, GOOD.replace("2026-01-06", "2026-13-45"))),
    Case("date_as_words", P, ((2, "date", "yesterday", "not a date"),),
         text=csv_text(H, GOOD.replace("2026-01-06", "yesterday"))),
    Case("formula_injection", P, ((2, "machine_code", "=HYPERLINK(\"http://x\",\"INJ-01\")", "unknown code"),
                                  (3, "shift", LONG_FORMULA, "longer than 40")),
         text=csv_text(H, GOOD.replace("INJ-01", '"=HYPERLINK(""http://x"",""INJ-01"")"'),
                       GOOD.replace(",A,", f",{LONG_FORMULA},"))),
    Case("semicolon_delimited", P, ((2, "good_qty", "x", "not a number"),),
         text=csv_text(H.replace(",", ";"), GOOD.replace(",950,", ",x,").replace(",", ";"))),
    Case("empty_file", P, ((None, None, None, "empty"),), make=lambda: b""),
    Case("header_only", P, ((None, None, None, "no data rows"),), text=csv_text(H)),
    Case("binary_bytes_named_csv", P, ((None, None, None, "not a readable CSV"),), make=binary_named_csv),
    Case("old_xls_format", P, ((None, None, None, ".xls"),), make=old_xls, ext="xls"),
    Case("truncated_xlsx", P, ((None, None, None, "damaged or incomplete"),), make=truncated_xlsx, ext="xlsx"),
    Case("merged_header_cells", P, ((None, "shift", None, "merged cells (A1:B1)"),), make=merged_header_xlsx, ext="xlsx"),
    Case("two_header_rows", P, ((4, "良品数", "abc", "not a number"),), make=two_header_rows_xlsx, ext="xlsx"),
    Case("two_header_rows_csv", P, ((4, "良品数", "abc", "not a number"),),
         text=csv_text("日期,班次,机台编号,产品编号,计划生产时间(分),停机时间(分),计划数量,总产量,良品数,次品,废品", H, GOOD,
                       GOOD.replace("2026-01-06", "2026-01-07").replace(",950,", ",abc,"))),
    Case("gbk_chinese_headers", P, ((2, "良品数", "坏数据", "not a number"),), make=gbk_chinese),
    Case("cr_only_line_endings", P, ((3, "machine_code", "INJ-77", "unknown code"),), make=cr_only),
    Case("over_limit_60mb", P, ((None, None, None, "limit is 50 MB"),), make=over_limit),
    Case("bad_enum", "products", ((2, "stage", "retired", "not one of the allowed values"),),
         text=csv_text("product_code,name,unit,standard_cost,stage", "P-2001,Knob,pcs,1.5,retired")),
    Case("bad_boolean", "machines", ((2, "active", "maybe", "not yes/no"),),
         text=csv_text("machine_code,line_code,name,active", "INJ-03,INJ,Engel,maybe")),
    Case("bad_month", "costs", ((2, "month", "2026-13", "not a month"),),
         text=csv_text("month,department,category,amount", "2026-13,production,utilities,42000")),
    Case("bad_time", "downtime", ((2, "start", "25:99", "not a time"),),
         text=csv_text("date,shift,machine_code,start,minutes,reason_code", "2026-01-06,A,INJ-01,25:99,20,DT-MOLD")),
    Case("unknown_item_materials_or_products", "stocktake", ((2, "item_code", "X-1", "Materials / Products"),),
         text=csv_text("date,item_code,counted_qty", "2026-01-31,X-1,10")),
    Case("shipment_of_unknown_order_line", "shipments", ((2, "order_no", "SO-404 / 1", "no such"),),
         text=csv_text("shipment_no,order_no,line_no,ship_date,qty", "DN-1,SO-404,1,2026-01-20,10")),
    # issue 14 item 2: values that were accepted, stored wrong or crashed the reader
    Case("decimal_comma_labour_hours", P, ((2, "labour_h", "7,5", "ambiguous comma"),),
         text=csv_text(H + ",labour_h", GOOD + ',"7,5"')),
    Case("twenty_digit_optional_integer", P, ((2, "operators", "12345678901234567890", "too large for this column"),),
         text=csv_text(H + ",operators", GOOD + ",12345678901234567890")),
    Case("twenty_digit_required_integer", P, ((2, "good_qty", "12345678901234567890", "too large for this column"),),
         text=csv_text(H, GOOD.replace(",950,", ",12345678901234567890,"))),
    Case("date_in_year_9999", P, ((2, "date", "9999-01-01", "implausible date"),),
         text=csv_text(H, GOOD.replace("2026-01-06", "9999-01-01"))),
    Case("labour_hours_1e300", P, ((2, "labour_h", "1e300", "implausibly large"),),
         text=csv_text(H + ",labour_h", GOOD + ",1e300")),
    Case("cell_over_128_kib", P, ((2, "shift", "S" * 100 + "…", "longer than 40"),),
         make=lambda: csv_text(H, GOOD.replace(",A,", f",{'S' * 200_000},")).encode()),
    Case("latin1_unknown_machine", P, ((2, "machine_code", "INJ-Ü1", "unknown code"),),
         make=lambda: csv_text(H, GOOD.replace("INJ-01", "INJ-Ü1").replace(",A,", ",Früh,")).encode("latin-1")),
    Case("utf16_without_bom_bad_number", P, ((2, "good_qty", "abc", "not a number"),),
         make=lambda: csv_text(H, GOOD.replace(",950,", ",abc,")).encode("utf-16-le")),
    Case("inspection_passed_plus_rejected", "inspections", ((2, "passed_first_qty", "495", "exceeds the inspected"),),
         text=csv_text("date,stage,lot_no,item_code,machine_code,inspected_qty,passed_first_qty,rejected_qty",
                       "2026-01-06,in_process,L-1,P-1001,INJ-01,500,495,8")),
)


def write_files() -> list[Path]:
    FILES.mkdir(exist_ok=True)
    written = []
    for case in CASES:
        if case.text is not None:
            path = FILES / case.file_name
            path.write_bytes(case.text.encode("utf-8"))
            written.append(path)
    return written


if __name__ == "__main__":
    for p in write_files():
        print(p)
    sys.exit(0)

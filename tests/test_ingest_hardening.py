"""Issue 14 item 2: every bad value refused by row, column and value (exit 2, nothing written),
on SQLite and PostgreSQL, through the upload path (import_upload, what the wizard calls) and the
CLI (`plantkpi import`, exit code and printed lines). The probes are the ones that failed:
Latin-1 read as GB18030, UTF-16 refused as binary, "7,5" stored as 75, 20-digit integers stored as
NULL or failing NOT NULL, 9999-01-01 and 1e300 hours accepted, a 200 KiB cell crashing the reader,
and XLSX row numbers that must be the ones the clerk sees in Excel."""
from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import polars as pl
import pytest
import sqlalchemy as sa

from data_access.ingest import import_upload
from dashboard.commands.ingest import import_file
from tests.conftest import make_database
from tests.corpus.plant import PRODUCTION_HEADER as H
from tests.corpus.plant import dump, load_plant, plant_database
from dashboard.ingest_messages import describe

GOOD = "2026-01-06,A,INJ-01,P-1001,420,35,1000,980,950,20,10"
HX = H + ",input_qty,operators,labour_h"  # with the optional columns
GOOD_X = GOOD + ",1010,2,16"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def plant(request, tmp_path_factory):
    yield from plant_database(request.param, tmp_path_factory.mktemp("hardening"))


def refusal(plant, path, kind, data, file_name, tmp_path, capsys, lang="en") -> list[str]:
    """Import `data` through `path` ("upload" or "cli"); assert it was refused with nothing
    written; return the problems as the clerk reads them, one line each."""
    before = dump(plant)
    if path == "upload":
        result = import_upload(plant, kind, data, file_name, "admin")
        assert not result.written and result.batch_id is None
        lines = [describe(p, lang) for p in result.errors]
    else:
        file = tmp_path / file_name
        file.write_bytes(data)
        assert import_file(kind, file, user="admin", lang=lang, engine=plant) == 2
        lines = capsys.readouterr().out.splitlines()
    assert dump(plant) == before
    assert not any("Traceback" in line or "constraint" in line.lower() for line in lines), lines
    return lines


def stored(plant, kind: str, column: str) -> list:
    with plant.connect() as conn:
        return [r[0] for r in conn.execute(sa.text(f"SELECT {column} FROM {kind} ORDER BY id")).all()]


PATHS = pytest.mark.parametrize("path", ["upload", "cli"])


# ------------------------------------------------------------------------------ encodings
def test_latin1_text_is_read_as_latin_not_gb18030(plant):
    """b'M\\xfcller' is 'Müller' in Latin-1/Windows-1252; GB18030 would read \\xfc\\x6c as 黮."""
    data = "employee_code,name,department,hire_date,hourly_rate\nE-L1,Müller,quality,2024-03-01,28\n" \
           "E-L2,José Peña,quality,2024-03-01,28\n".encode("latin-1")
    assert data.count(b"\xfc") == 1
    result = import_upload(plant, "employees", data, "latin1.csv", "admin")
    assert result.written, [str(p) for p in result.problems]
    assert result.info.encoding == "Windows-1252 (Latin)"
    names = stored(plant, "employees", "name")
    assert "Müller" in names and "José Peña" in names and not any("黮" in n for n in names)


@PATHS
def test_a_bad_value_in_a_latin1_file_names_the_value_as_written(plant, path, tmp_path, capsys):
    data = "employee_code,name,department,hire_date,hourly_rate\nE-L3,Jürgen,quality,2024-03-01,\"27,5\"\n" \
        .encode("cp1252")
    lines = refusal(plant, path, "employees", data, "latin1_bad.csv", tmp_path, capsys)
    assert any(line.startswith("row 2, column hourly_rate, value '27,5': ambiguous comma") for line in lines), lines


@pytest.mark.parametrize("encoding, bom, label", [
    ("utf-16-le", "\ufeff", "UTF-16 with BOM"),  # Excel's "Unicode text": UTF-16 LE with BOM, tabs
    ("utf-16-be", "\ufeff", "UTF-16 with BOM"),
    ("utf-16-le", "", "UTF-16 LE"),
    ("utf-16-be", "", "UTF-16 BE"),
])
def test_utf16_with_or_without_bom_is_text_not_binary(plant, encoding, bom, label):
    day = {"utf-16-le": 10, "utf-16-be": 11}[encoding] + (2 if bom else 0)
    text = bom + H.replace(",", "\t") + "\n" + GOOD.replace("2026-01-06", f"2026-01-{day}") \
        .replace(",A,", ",白班,").replace(",", "\t") + "\n"
    result = import_upload(plant, "production", text.encode(encoding), f"{encoding}{bom and '-bom'}.txt", "admin")
    assert result.written, [str(p) for p in result.problems]
    assert (result.info.encoding, result.info.delimiter) == (label, "\t")
    with plant.connect() as conn:
        shift = conn.execute(sa.text("SELECT shift FROM production WHERE date = :d"),
                             {"d": date(2026, 1, day)}).scalar()
    assert shift == "白班"


@PATHS
def test_utf16_file_with_a_bad_value_is_refused_at_its_row(plant, path, tmp_path, capsys):
    text = "\ufeff" + H + "\n" + GOOD.replace("2026-01-06", "2026-01-20") + "\n" + \
        GOOD.replace("2026-01-06", "2026-01-21").replace(",950,", ",九五零,") + "\n"
    lines = refusal(plant, path, "production", text.encode("utf-16-le"), "u16.csv", tmp_path, capsys)
    assert any(line.startswith("row 3, column good_qty, value '九五零': not a number") for line in lines), lines
    if path == "cli":
        assert "UTF-16 with BOM" in lines[0]  # the detected encoding is shown


# ------------------------------------------------------------------------------ numbers
@PATHS
def test_decimal_comma_is_refused_as_ambiguous_in_both_languages(plant, path, tmp_path, capsys):
    row = GOOD_X.replace(",16", ',"7,5"')
    data = f"{HX}\n{row}\n".encode()
    en = refusal(plant, path, "production", data, "comma.csv", tmp_path, capsys)
    assert any(line.startswith("row 2, column labour_h, value '7,5': ambiguous comma") for line in en), en
    zh = refusal(plant, path, "production", data, "comma.csv", tmp_path, capsys, lang="zh")
    assert any(line.startswith("第 2 行，列 labour_h，值 '7,5'：逗号含义不明确") for line in zh), zh


def test_thousands_separators_still_read_as_thousands(plant):
    row = GOOD_X.replace("2026-01-06", "2026-01-22").replace(",1000,", ',"1,234",').replace(",1010,", ',"12,345.5",')
    result = import_upload(plant, "production", f"{HX}\n{row}\n".encode(), "thousands.csv", "admin")
    assert result.written, [str(p) for p in result.problems]
    with plant.connect() as conn:
        got = conn.execute(sa.text("SELECT planned_qty, input_qty FROM production WHERE date = :d"),
                           {"d": date(2026, 1, 22)}).one()
    assert tuple(got) == (1234, 12345.5)


@PATHS
@pytest.mark.parametrize("column, header_index", [("operators", 12), ("good_qty", 8)])  # optional, required
def test_twenty_digit_integer_is_refused_not_stored_as_null(plant, path, column, header_index, tmp_path, capsys):
    cells = GOOD_X.split(",")
    cells[header_index] = "12345678901234567890"
    data = f"{HX}\n{','.join(cells)}\n".encode()
    lines = refusal(plant, path, "production", data, f"big_{column}.csv", tmp_path, capsys)
    expected = f"row 2, column {column}, value '12345678901234567890': too large for this column " \
               "(from -2,147,483,648 to 2,147,483,647)"
    assert expected in lines, lines


@PATHS
def test_implausible_labour_hours_are_refused(plant, path, tmp_path, capsys):
    data = f"{HX}\n{GOOD_X.replace(',16', ',1e300')}\n".encode()
    lines = refusal(plant, path, "production", data, "hours.csv", tmp_path, capsys)
    # production.labour_h declares plausible_max=2000 (200 people x 10 h on one machine's shift)
    assert "row 2, column labour_h, value '1e300': implausibly large (at most 2,000 expected): check the digits " \
           "and the unit" in lines, lines


# ------------------------------------------------------------------------------ dates
@PATHS
def test_dates_outside_2000_to_two_years_ahead_are_refused(plant, path, tmp_path, capsys):
    today = date.today()
    latest = today.replace(year=today.year + 2) if not (today.month == 2 and today.day == 29) else \
        today.replace(year=today.year + 2, day=28)
    rows = [GOOD.replace("2026-01-06", "9999-01-01"), GOOD.replace("2026-01-06", "1999-12-31"),
            GOOD.replace("2026-01-06", (latest + timedelta(days=1)).isoformat()),
            GOOD.replace("2026-01-06", latest.isoformat())]  # the last plausible day: fine
    data = ("\n".join([H, *rows]) + "\n").encode()
    lines = refusal(plant, path, "production", data, "dates.csv", tmp_path, capsys)
    span = f"expected from 2000-01-01 to {latest.isoformat()}"
    for row, text in ((2, "9999-01-01"), (3, "1999-12-31"), (4, (latest + timedelta(days=1)).isoformat())):
        assert f"row {row}, column date, value '{text}': implausible date: {span}" in lines, lines
    assert not any(line.startswith("row 5,") for line in lines)


def test_a_kind_may_declare_earlier_dates(plant):
    """employees.hire_date declares earliest=1950-01-01: a long-serving worker hired in 1988."""
    data = b"employee_code,name,department,hire_date,hourly_rate\nE-OLD,Wang,quality,1988-09-01,30\n"
    result = import_upload(plant, "employees", data, "old.csv", "admin")
    assert result.written, [str(p) for p in result.problems]


def test_months_are_bounded_too(plant):
    result = import_upload(plant, "costs", b"month,department,category,amount\n1990-01,production,other,5\n",
                           "m.csv", "admin")
    assert [(p.row, p.column, p.value, p.key) for p in result.errors] == [(2, "month", "1990-01",
                                                                          "ingest.val.implausible_date")]


# ------------------------------------------------------------------------------ big cells
@PATHS
def test_a_cell_over_128_kib_is_read_and_refused_over_its_field_limit(plant, path, tmp_path, capsys):
    huge = "S" * (200 * 1024)  # Python's csv module stops at 128 KiB by default
    row = GOOD.replace(",A,", f",{huge},")
    data = f"{H}\n{row}\n".encode()
    lines = refusal(plant, path, "production", data, "huge.csv", tmp_path, capsys)
    shown = "S" * 100 + "…"  # the value is shown cut, the message stays one line
    assert f"row 2, column shift, value '{shown}': longer than 40 characters" in lines, [x[:200] for x in lines]


def test_a_huge_cell_in_an_ignored_column_does_not_stop_the_import(plant):
    data = f"{H},remarks\n{GOOD.replace('2026-01-06', '2026-01-23')},{'x' * 300_000}\n".encode()
    result = import_upload(plant, "production", data, "remarks.csv", "admin")
    assert result.written and result.rows_written == 1, [str(p)[:200] for p in result.problems]


# ------------------------------------------------------------------------------ XLSX rows
def _sheet_with_offset_header() -> bytes:
    """Rows 1-3 empty, a title in B2 would be common; header on row 4 from column C; data on rows
    5-7; a date merged down over C6:C7; row 7 has a bad good_qty. Excel shows these numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "日报"
    for i, header in enumerate(H.split(",")):
        ws.cell(row=4, column=3 + i, value=header)
    rows = {5: GOOD.replace("2026-01-06", "2026-01-24"), 6: GOOD.replace("2026-01-06", "2026-01-25"),
            7: GOOD.replace("2026-01-06", "").replace(",A,", ",B,").replace(",950,", ",abc,")}
    for r, line in rows.items():
        for i, cell in enumerate(line.split(",")):
            if cell:
                ws.cell(row=r, column=3 + i, value=int(cell) if cell.isdigit() else cell)
    ws.merge_cells("C6:C7")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@PATHS
def test_xlsx_bad_value_is_reported_at_the_row_excel_shows(plant, path, tmp_path, capsys):
    lines = refusal(plant, path, "production", _sheet_with_offset_header(), "offset.xlsx", tmp_path, capsys)
    assert "row 7, column good_qty, value 'abc': not a number" in lines, lines
    assert not any(line.startswith(("row 5,", "row 6,")) for line in lines), lines
    if path == "cli":
        assert "sheet 日报; header row 4" in lines[0], lines[0]


def test_xlsx_merged_date_with_offset_columns_is_filled_and_rows_kept():
    from data_access.ingest.headers import match_headers
    from data_access.ingest.parse import ROW, parse_table
    from data_access.ingest.read import read_upload

    raw = read_upload(_sheet_with_offset_header(), "offset.xlsx", "production")
    assert (raw.info.header_row, raw.info.merged_cells_filled) == (4, 1)
    parsed = parse_table(raw, match_headers("production", raw.headers), "production")
    assert parsed.frame.select(ROW, "date").rows() == [(5, date(2026, 1, 24)), (6, date(2026, 1, 25)),
                                                       (7, date(2026, 1, 25))]
    assert parsed.frame.filter(pl.col(ROW) == 7)["good_qty"].to_list() == [None]


# ------------------------------------------------------------------------------ read-only database
def _as_nobody_available() -> bool:
    import os
    import shutil

    return os.geteuid() == 0 and shutil.which("setpriv") is not None


@pytest.mark.skipif(not _as_nobody_available(), reason="needs root to run the CLI as another user")
@pytest.mark.parametrize("lang, words", [("en", "is read-only (a read-only mount"), ("zh", "为只读（只读挂载")])
def test_cli_import_into_a_sqlite_file_it_may_not_write_says_so(lang, words):
    """A SQLite database in a folder this process may not write (as on a read-only mount): the CLI,
    run as user nobody, exits 2 with a translated message; the file is unchanged."""
    import hashlib
    import os
    import shutil
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="plantkpi-ro-"))  # not under pytest's private (0700) folder
    try:
        engine, drop = make_database("sqlite", folder)
        load_plant(engine)
        drop()
        database = engine.url.database
        before = hashlib.sha256(open(database, "rb").read()).hexdigest()
        source = folder / "in.csv"
        source.write_text(f"{H}\n{GOOD}\n", encoding="utf-8")
        os.chmod(folder, 0o755)  # others may read, only root may write
        for file in folder.iterdir():
            os.chmod(file, 0o644)
        env = os.environ | {"PLANTKPI_DATABASE_URL": f"sqlite:///{database}", "PYTHONPATH": os.getcwd()}
        done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m",
                               "dashboard.cli", "import", "production", str(source), "--lang", lang],
                              capture_output=True, text=True, env=env, cwd=os.getcwd(), timeout=120)
        assert done.returncode == 2, (done.stdout, done.stderr)
        assert words in done.stderr and "Traceback" not in done.stdout + done.stderr  # data_access.db opens it ro
        assert hashlib.sha256(open(database, "rb").read()).hexdigest() == before
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.postgres
@pytest.mark.parametrize("path", ["upload", "cli"])
def test_import_into_a_read_only_postgres_database_says_so(tmp_path, path, capsys):
    from tests.conftest import _pg_admin

    engine, drop = make_database("postgres", tmp_path)
    try:
        load_plant(engine)
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{engine.url.database}" SET default_transaction_read_only = on'))
        admin.dispose()
        engine.dispose()
        data = f"{H}\n{GOOD}\n".encode()
        lines = refusal(engine, path, "production", data, "ro.csv", tmp_path, capsys)
        assert any("Nothing was imported: the database cannot be written (cannot execute" in line
                   for line in lines), lines
    finally:
        drop()


# ------------------------------------------------------------------------------ bulk insert
def test_bulk_insert_stores_text_times_booleans_and_blanks_exactly(plant):
    """The COPY (PostgreSQL) and tuple executemany (SQLite) paths store what SQLAlchemy would:
    quotes, commas, line breaks and formula text as written, NULL apart from '', date-times and
    times to the second, booleans; and a stored key is found again by the next import."""
    from datetime import datetime, time

    note = 'Mold "B", cracked;\nreplaced =SUM(A1)'
    maintenance = ("machine_code,start,end,type,cost,note\n"
                   f'INJ-01,2026-01-05 08:00:30,2026-01-05 11:30,preventive,1200,"{note.replace(chr(34), chr(34) * 2)}"\n'
                   "INJ-02,2026-01-06 08:00,2026-01-06 09:00,corrective,0,\n").encode()
    result = import_upload(plant, "maintenance", maintenance, "m.csv", "admin")
    assert result.written, [str(p) for p in result.problems]
    with plant.connect() as conn:
        rows = conn.execute(sa.text("SELECT machine_code, start, \"end\", note FROM maintenance ORDER BY machine_code")).all()
    start = rows[0][1] if isinstance(rows[0][1], datetime) else datetime.fromisoformat(rows[0][1])
    assert start == datetime(2026, 1, 5, 8, 0, 30)
    assert [r[3] for r in rows] == [note, None]
    downtime = b"date,shift,machine_code,start,minutes,reason_code\n2026-01-05,A,INJ-01,09:30:15,20,DT-MOLD\n"
    assert import_upload(plant, "downtime", downtime, "d.csv", "admin").written
    machines = b"machine_code,line_code,name,active\nINJ-09,INJ,Engel 80T,no\n"
    assert import_upload(plant, "machines", machines, "mc.csv", "admin").written
    from data_access.ingest import recent_rows

    assert recent_rows(plant, "downtime")["start"].to_list()[0] == time(9, 30, 15)
    assert recent_rows(plant, "machines").filter(pl.col("machine_code") == "INJ-09")["active"].to_list() == [False]
    # targets.line_code is an optional key stored as '' (not NULL): the same key again is found
    target = b"kpi,month,line_code,target\noee,2026-01,,0.65\n"
    assert import_upload(plant, "targets", target, "t1.csv", "admin").written
    again = import_upload(plant, "targets", b"kpi,month,line_code,target\noee,2026-01,,0.7\n", "t2.csv", "admin")
    assert [p.key for p in again.errors] == ["ingest.val.key_exists"]
    with plant.connect() as conn:
        assert conn.execute(sa.text("SELECT line_code FROM targets")).scalar() == ""


def test_xlsx_date_time_and_date_time_cells_read_as_typed():
    """Excel stores 2026-01-05 as a day number, 09:30 as a fraction of day 0 and 08:00:30 on a day
    as both; each comes back as what the clerk typed."""
    from datetime import datetime, time

    from data_access.ingest.headers import match_headers
    from data_access.ingest.parse import parse_table
    from data_access.ingest.read import read_upload

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["date", "shift", "machine_code", "start", "minutes", "reason_code"])
    ws.append([date(2026, 1, 5), "A", "INJ-01", time(9, 30), 20, "DT-MOLD"])
    ws.append([datetime(2026, 1, 6, 0, 0), "A", "INJ-01", time(23, 59, 59), 5.5, "DT-MOLD"])
    out = io.BytesIO()
    wb.save(out)
    raw = read_upload(out.getvalue(), "d.xlsx", "downtime")
    parsed = parse_table(raw, match_headers("downtime", raw.headers), "downtime")
    assert parsed.problems == []
    assert parsed.frame.select("date", "start", "minutes").rows() == [
        (date(2026, 1, 5), time(9, 30), 20.0), (date(2026, 1, 6), time(23, 59, 59), 5.5)]
    assert parsed.date_formats["date"] == "YYYY-MM-DD"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["machine_code", "start", "end", "type", "cost"])
    ws.append(["INJ-01", datetime(2026, 1, 5, 8, 0, 30), datetime(2026, 1, 5, 11, 30), "preventive", 1200])
    out = io.BytesIO()
    wb.save(out)
    raw = read_upload(out.getvalue(), "m.xlsx", "maintenance")
    parsed = parse_table(raw, match_headers("maintenance", raw.headers), "maintenance")
    assert parsed.problems == []
    assert parsed.frame.select("start", "end").row(0) == (datetime(2026, 1, 5, 8, 0, 30), datetime(2026, 1, 5, 11, 30))


@pytest.mark.parametrize("encoding, label", [("utf-16-le", "UTF-16 LE"), ("utf-16-be", "UTF-16 BE")])
def test_ascii_only_utf16_without_bom_is_text(plant, encoding, label):
    """Plain ASCII in UTF-16 is also valid UTF-8 (with NUL bytes): it must be read as UTF-16."""
    day = {"utf-16-le": 26, "utf-16-be": 27}[encoding]
    text = f"{H}\n{GOOD.replace('2026-01-06', f'2026-01-{day}')}\n"
    result = import_upload(plant, "production", text.encode(encoding), f"ascii-{encoding}.csv", "admin")
    assert result.written, [str(p) for p in result.problems]
    assert result.info.encoding == label


@PATHS
def test_xlsx_error_cell_is_named_by_excels_text(plant, path, tmp_path, capsys):
    """A formula that failed (#DIV/0!) is not an empty cell: its row, column and Excel's text."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, H.split(","))
    sheet.write_row(1, 0, ["2026-01-28", "A", "INJ-01", "P-1001", 420, 35, 1000, 980])
    sheet.write_formula(1, 8, "=1/0", None, "#DIV/0!")
    sheet.write_row(1, 9, [20, 10])
    book.close()
    lines = refusal(plant, path, "production", out.getvalue(), "div0.xlsx", tmp_path, capsys)
    assert "row 2, column good_qty, value '#DIV/0!': not a number" in lines, lines

"""The department input pages through Streamlit's AppTest (issue 3 items 2, 3 and 5): the upload
wizard end to end for production, orders and machines (file_uploader.set_value), the validation
report, same file twice, replace then undo with its confirmation, the single-record form, the
data editor, column-mapping presets, permissions, and both languages. Each test drives the real
page file against a SQLite file named by PLANTKPI_DATABASE_URL, then reads the database."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

import dashboard.auth as auth
from dashboard.auth import CurrentUser, create_user
from dashboard.ui.login import SESSION_USER
from data_access.db import get_engine, init_db, write_transaction
from data_access.ingest import load_preset
from data_access.kinds import MASTER_KINDS
from data_access.loaders import clear_cache
from data_access.permissions import database_owner
from data_access.store import insert_rows, new_batch
from tests.support.examples import example_rows

OWNER = database_owner()  # acts on accounts as the CLI does

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 30
ADMIN = CurrentUser("root", "admin", None, "en")
PRODUCTION_CLERK = CurrentUser("pat", "clerk", "production", "en")

PRODUCTION_HEADER = "date,shift,machine_code,product_code,planned_min,downtime_min,planned_qty,total_qty,good_qty,defect_qty,scrap_qty"
GOOD_PRODUCTION = (PRODUCTION_HEADER + "\n"
                   "2026-01-05,A,INJ-01,P-1001,420,35,1000,980,950,20,10\n"
                   "2026-01-05,B,INJ-01,P-1001,420,0,1000,1000,990,5,5\n").encode()


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A migrated SQLite file with the example master data (line INJ, machine INJ-01, product
    P-1001, customer C-001, ...), named by PLANTKPI_DATABASE_URL for the page."""
    url = f"sqlite:///{tmp_path / 'input.db'}"
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", url)
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    clear_cache()
    engine = get_engine(url)
    init_db(engine)
    rows = example_rows()
    with write_transaction(engine) as conn:
        for kind in MASTER_KINDS:
            insert_rows(conn, kind.name, rows[kind.name], new_batch(conn, kind.name, "seed", "seed"))
    yield engine
    engine.dispose()
    clear_cache()


def open_page(file: str, user: CurrentUser | None = ADMIN, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / file), default_timeout=TIMEOUT)
    if user is not None:
        at.session_state[SESSION_USER] = user
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, "text/csv" if name.endswith(".csv") else "application/octet-stream"))
    at.run()
    assert not at.exception, at.exception
    return at


def commit_button(at: AppTest):
    return next(b for b in at.button if b.key and b.key.endswith("_commit"))


def commit(at: AppTest) -> AppTest:
    commit_button(at).click().run()
    assert not at.exception, at.exception
    return at


def open_section(at: AppTest, kind: str, label: str) -> AppTest:
    at.session_state[f"input_section_{kind}"] = label
    at.run()
    assert not at.exception, at.exception
    return at


def unescape(markdown: str) -> str:
    """Text as the user reads it: the Markdown escapes of plain() removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def texts(at: AppTest, *kinds: str) -> list[str]:
    return [unescape(el.value) for kind in kinds for el in at.get(kind)]


def problem_rows(at: AppTest) -> list[tuple]:
    """(row, column, value) of the validation report table."""
    table = next(df.value for df in at.dataframe if "Problem" in df.value.columns or "问题" in df.value.columns)
    return [tuple(r) for r in table.iloc[:, :3].astype(object).where(table.iloc[:, :3].notna(), None).itertuples(index=False)]


def rows_of(engine, table: str, columns: str, order: str = "id") -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(f'SELECT {columns} FROM "{table}" ORDER BY {order}')).all()]


def last_batch(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT max(id) FROM batches")).scalar()


# ------------------------------------------------------------------ upload: production
def test_production_upload_commits_the_rows(db):
    at = open_page("input_production.py")
    assert [t.value for t in at.title] == ["Data input · Production"]
    assert [tab.label for tab in at.tabs] == ["Upload a file", "Enter one record", "Upload history and undo",
                                              "Latest rows (edit)"]
    # A clerk's export: GBK-encoded, Chinese headers, CRLF, the dates written 2026/1/5.
    gbk = ("日期,班次,机台编号,产品编号,计划生产时间(分),停机时间(分),计划数量,总产量,良品数,次品,废品\r\n"
           "2026/1/5,白班,INJ-01,P-1001,420,35,1000,980,950,20,10\r\n"
           "2026/1/6,夜班,INJ-01,P-1001,420,12,1000,700,690,6,4\r\n").encode("gb18030")
    upload(at, "生产日报.csv", gbk)
    detected = "\n".join(texts(at, "markdown")).replace("**", "")
    assert "Encoding: GB18030" in detected
    assert "Line endings: CRLF" in detected
    assert "Data rows: 2" in detected
    assert "Date format: 日期: YYYY/M/D" in detected  # the detected date format, per column as headed in the file
    preview = next(df.value for df in at.dataframe if "班次" in df.value.columns)
    assert preview["班次"].tolist() == ["白班", "夜班"] and preview["Row in file"].tolist() == [2, 3]
    assert texts(at, "success") == ["All 2 rows are valid."]
    assert commit_button(at).label == "Import 2 row(s)" and not commit_button(at).disabled

    commit(at)
    batch = last_batch(db)
    assert texts(at, "success") == [f"生产日报.csv: Imported as batch #{batch}: 2 rows (0 replaced, 0 rejected)."]
    assert rows_of(db, "production", "date, shift, good_qty, scrap_qty, batch_id") == [
        ("2026-01-05", "白班", 950, 10, batch), ("2026-01-06", "夜班", 690, 4, batch)]
    assert at.file_uploader[0].value is None  # the wizard starts over for the next file


def test_bad_file_lists_every_problem_and_writes_nothing(db):
    at = open_page("input_production.py")
    bad = (PRODUCTION_HEADER + "\n"
           "2026-01-05,A,INJ-01,P-1001,420,35,1000,980,950,20,10\n"   # row 2: fine
           "2026-01-05,B,INJ-01,P-1001,420,35,1000,980,abc,20,10\n"   # row 3: not a number
           "2026-01-05,C,XX-9,P-1001,420,35,1000,980,950,20,10\n"     # row 4: unknown machine
           "2026-01-06,A,INJ-01,P-1001,420,35,1000,980,900,20,10\n"   # row 5: 900+20+10 != 980
           "2026-01-06,B,INJ-01,P-1001,420,35,1000,-5,-25,10,10\n").encode()  # row 6: negatives
    upload(at, "week2.csv", bad)
    report = problem_rows(at)
    assert (3, "good_qty", "abc") in report
    assert (4, "machine_code", "XX-9") in report
    assert (5, "total_qty", "980") in report
    assert (6, "total_qty", "-5") in report and (6, "good_qty", "-25") in report
    assert {row for row, _, _ in report} == {3, 4, 5, 6}
    assert texts(at, "error")[0] == f"{len(report)} problem(s) in 4 row(s), every one listed below. Valid rows: 1."
    assert commit_button(at).disabled  # all-or-nothing: a wrong row blocks the whole file
    assert [b.label for b in at.get("download_button") if "Rejected" in b.label] == [
        "Rejected rows with reasons (CSV, 4 rows)", "Rejected rows with reasons (Excel, 4 rows)"]
    assert rows_of(db, "production", "id") == []

    # "Import only the valid rows": row 2 goes in, the rest is reported as rejected.
    at.checkbox(key="input_production_0_valid_only").check().run()
    assert not commit_button(at).disabled
    commit(at)
    assert texts(at, "success") == [f"week2.csv: Imported as batch #{last_batch(db)}: 1 rows (0 replaced, 4 rejected)."]
    assert rows_of(db, "production", "shift, good_qty") == [("A", 950)]


def test_problems_are_reported_in_chinese(db):
    at = open_page("input_production.py", lang="zh")
    assert [t.value for t in at.title] == ["数据录入 · 生产部"]
    bad = (PRODUCTION_HEADER + "\n2026-01-05,A,INJ-01,P-1001,420,35,1000,980,900,20,10\n").encode()
    upload(at, "bad.csv", bad)
    table = next(df.value for df in at.dataframe if "问题" in df.value.columns)
    assert table["文件行号"].tolist() == [2]
    assert table["问题"].tolist() == ["总产量必须等于 良品数 + 次品 + 废品"]
    assert texts(at, "error")[0] == "1 行中共有 1 个问题（下表列出全部问题）。有效行数：0。"
    assert rows_of(db, "production", "id") == []


def test_xlsx_with_several_sheets_offers_the_sheet_picker(db):
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as wb:
        wb.add_worksheet("notes").write_string(0, 0, "Weekly report, see the next sheet")
        ws = wb.add_worksheet("week 2")
        ws.write_string(0, 0, "Production report week 2")  # a title row above the header
        for c, header in enumerate(PRODUCTION_HEADER.split(",")):
            ws.write_string(2, c, header)
        for c, value in enumerate(["2026-01-05", "A", "INJ-01", "P-1001", 420, 35, 1000, 980, 950, 20, 10]):
            ws.write(3, c, value)
    at = open_page("input_production.py")
    upload(at, "week2.xlsx", buffer.getvalue())
    picker = at.selectbox(key="input_production_0_sheet")
    assert picker.options == ["notes", "week 2"] and picker.value == "week 2"
    detected = "\n".join(texts(at, "markdown")).replace("**", "")
    assert "Sheet: week 2" in detected and "Header row: 3" in detected
    commit(at)
    assert rows_of(db, "production", "shift, good_qty") == [("A", 950)]


# ------------------------------------------------------------------ upload: orders, same file twice
def test_same_orders_file_twice_is_refused_naming_the_earlier_batch(db):
    at = open_page("input_sales.py")
    at.segmented_control(key="input_kind_sales").set_value("orders").run()
    orders = ("order_no,line_no,customer_code,product_code,order_date,qty,unit_price,promised_date\n"
              "SO-1,1,C-001,P-1001,2026-01-05,500,3.8,2026-01-20\n"
              "SO-1,2,C-001,P-1001,2026-01-05,\"1,200\",3.8,2026-01-27\n").encode()
    upload(at, "orders-jan.csv", orders)
    commit(at)
    first = last_batch(db)
    assert rows_of(db, "orders", "order_no, line_no, qty, batch_id") == [("SO-1", 1, 500, first), ("SO-1", 2, 1200, first)]

    upload(at, "orders-jan.csv", orders)
    refusal = [e for e in texts(at, "error") if "already imported" in e]
    assert len(refusal) == 1 and f"batch #{first}" in refusal[0] and "(orders-jan.csv)" in refusal[0]
    assert commit_button(at).disabled
    assert last_batch(db) == first and len(rows_of(db, "orders", "id")) == 2


# ------------------------------------------------------------------ replace, then undo with confirmation
def test_replace_then_undo_restores_the_old_values(db):
    at = open_page("input_production.py")
    upload(at, "monday.csv", GOOD_PRODUCTION)
    commit(at)
    original = last_batch(db)
    corrected = (PRODUCTION_HEADER + "\n2026-01-05,A,INJ-01,P-1001,420,35,1000,980,940,30,10\n").encode()
    upload(at, "monday-corrected.csv", corrected)
    report = problem_rows(at)
    assert report == [(2, "date", "2026-01-05")]  # the key is stored: refused unless replace
    at.checkbox(key="input_production_1_replace").check().run()
    commit(at)
    fix = last_batch(db)
    assert texts(at, "success") == [f"monday-corrected.csv: Imported as batch #{fix}: 1 rows (1 replaced, 0 rejected)."]
    assert rows_of(db, "production", "shift, good_qty, defect_qty", "shift") == [("A", 940, 30), ("B", 990, 5)]

    open_section(at, "production", "Upload history and undo")
    history = next(df.value for df in at.dataframe if "Batch" in df.value.columns)
    assert history["Batch"].tolist()[:2] == [fix, original]
    assert history["File"].tolist()[:2] == ["monday-corrected.csv", "monday.csv"]
    assert history["Replaced"].tolist()[:2] == [1, 0]
    assert at.selectbox(key="input_undo_pick_production").value is None  # never pre-selected (issue 14)
    at.selectbox(key="input_undo_pick_production").select(fix).run()
    at.button(key="input_undo_production").click().run()
    # The confirmation step: nothing undone yet, and it says what will happen.
    assert texts(at, "warning") == [f"Undo batch #{fix} (monday-corrected.csv, {history['When'][0]}, by root)? "
                                    "Its 1 rows will be deleted and the 1 rows it replaced restored."]
    assert rows_of(db, "production", "good_qty", "shift") == [(940,), (990,)]
    at.button(key="input_undo_no_production").click().run()  # cancel first: still nothing undone
    assert not texts(at, "warning") and rows_of(db, "production", "good_qty", "shift") == [(940,), (990,)]

    at.selectbox(key="input_undo_pick_production").select(fix).run()  # cancelling cleared the choice
    at.button(key="input_undo_production").click().run()
    at.button(key="input_undo_yes_production").click().run()
    assert texts(at, "success") == [f"Batch #{fix} undone: 1 rows removed, 1 rows restored."]
    assert rows_of(db, "production", "shift, good_qty, defect_qty, batch_id", "shift") == [
        ("A", 950, 20, original), ("B", 990, 5, original)]
    history = next(df.value for df in at.dataframe if "Batch" in df.value.columns)
    assert history["Status"][0].startswith("undone by root")
    assert at.selectbox(key="input_undo_pick_production").options == [f"#{original} · " + history["When"][1]
                                                                      + " · upload monday.csv · 2 rows"]


# ------------------------------------------------------------------ master data: machines, mapping presets
def test_machines_upload_with_a_hand_mapped_column_saves_the_preset(db):
    at = open_page("admin_master.py")
    assert [t.value for t in at.title] == ["Data input · Master data"]
    at.segmented_control(key="input_kind_admin").set_value("machines").run()
    machines = "机台编号,产线代码,Press model,在用\nINJ-02,INJ,Haitian 160T,是\nINJ-03,INJ,Engel 200T,否\n".encode()
    upload(at, "机台.csv", machines)
    mapper = at.selectbox(key="input_machines_0_map_Press model")
    assert mapper.label == "Column “Press model”" and mapper.value == ""
    assert texts(at, "error")[:2] == ["The file cannot be imported as it is (1 problem(s)):",
                                      "column name: required column name is missing (header 'name', 'Machine name' or "
                                      "'机台名称'); map a column to it by hand if it has another name."]
    assert texts(at, "warning") == ["column Press model: this column matches no field and is ignored"]
    assert commit_button(at).disabled
    mapper.set_value("name").run()
    assert texts(at, "success") == ["All 2 rows are valid."]
    assert at.checkbox(key="input_machines_0_remember").value is True
    commit(at)
    assert rows_of(db, "machines", "machine_code, name, active") == [
        ("INJ-01", "海天 250T 注塑机", 1), ("INJ-02", "Haitian 160T", 1), ("INJ-03", "Engel 200T", 0)]
    assert load_preset(db, "admin", "machines") == {"Press model": "name"}

    # Next week's file with the same odd header: the saved mapping is offered and used.
    upload(at, "机台-2.csv", "机台编号,产线代码,Press model\nINJ-04,INJ,Arburg 100T\n".encode())
    assert at.selectbox(key="input_machines_1_map_Press model").value == "name"
    assert any("saved last time" in c for c in texts(at, "caption"))
    commit(at)
    assert rows_of(db, "machines", "name")[-1] == ("Arburg 100T",)


# ------------------------------------------------------------------ single-record form
def fill_production_form(at: AppTest, nonce: int, **numbers) -> None:
    prefix = f"input_form_production_{nonce}"
    at.text_input(key=f"{prefix}_shift").input("A")
    at.selectbox(key=f"{prefix}_machine_code").set_value("INJ-01")
    at.selectbox(key=f"{prefix}_product_code").set_value("P-1001")
    for name, value in numbers.items():
        at.number_input(key=f"{prefix}_{name}").set_value(value)


def submit_form(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Save record" or b.label == "保存记录").click().run()
    assert not at.exception, at.exception
    return at


def test_single_record_form_rejects_bad_input_and_accepts_good(db):
    at = open_section(open_page("input_production.py"), "production", "Enter one record")
    assert at.number_input(key="input_form_production_0_good_qty").label == "Good qty *"
    assert at.number_input(key="input_form_production_0_input_qty").label == "Input qty"  # optional: no mark
    assert unescape(at.number_input(key="input_form_production_0_good_qty").help) == "column “good_qty” · whole number · ≥ 0"
    # from master data, with the machine's name in the user's language (its English name here)
    assert at.selectbox(key="input_form_production_0_machine_code").options == ["INJ-01 · Haitian 250T"]

    numbers = dict(planned_min=420, downtime_min=500, planned_qty=1000, total_qty=980, good_qty=950, defect_qty=20,
                   scrap_qty=20)
    fill_production_form(at, 0, **numbers)
    submit_form(at)
    error = texts(at, "error")
    assert len(error) == 1 and error[0].startswith("Nothing was saved: 2 problem(s).")
    assert "Total qty must equal Good qty + Defective (reworkable) + Scrap qty" in error[0]
    assert "Downtime (min) (downtime_min), value '500': downtime exceeds the planned time" in error[0]
    assert rows_of(db, "production", "id") == []

    fill_production_form(at, 0, **{**numbers, "downtime_min": 35, "scrap_qty": 10})
    submit_form(at)
    batch = last_batch(db)
    assert texts(at, "success") == [f"Record saved as batch #{batch} (0 replaced)."]
    assert rows_of(db, "production", "shift, machine_code, downtime_min, good_qty, scrap_qty, input_qty") == [
        ("A", "INJ-01", 35.0, 950, 10, None)]
    assert at.number_input(key="input_form_production_1_good_qty").value is None  # a fresh form for the next one


def test_form_in_chinese_names_the_field_in_chinese(db):
    at = open_section(open_page("input_production.py", lang="zh"), "production", "录入单条记录")
    assert at.number_input(key="input_form_production_0_good_qty").label == "良品数 *"
    fill_production_form(at, 0, planned_min=420, downtime_min=0, planned_qty=1000, total_qty=10, good_qty=-1,
                         defect_qty=11, scrap_qty=0)
    submit_form(at)
    assert "良品数 (good_qty)，值 '-1': 不能小于 0" in texts(at, "error")[0]
    assert rows_of(db, "production", "id") == []


# ------------------------------------------------------------------ data editor
def test_data_editor_edit_is_validated_and_audited(db):
    at = open_page("input_production.py")
    upload(at, "monday.csv", GOOD_PRODUCTION)
    commit(at)
    imported = last_batch(db)
    (a_id,), (b_id,) = rows_of(db, "production", "id", "shift")
    open_section(at, "production", "Latest rows (edit)")
    table = at.data_editor[0].value
    assert table["id"].tolist() == [b_id, a_id]  # newest first
    position = table["id"].tolist().index(a_id)

    # good 940 without moving the difference elsewhere breaks total = good + defect + scrap
    at.session_state["input_editor_production_0"] = {"edited_rows": {position: {"good_qty": 940}},
                                                     "added_rows": [], "deleted_rows": []}
    at.run()
    assert texts(at, "caption")[-1] == "1 rows changed, not saved yet."
    at.button(key="input_editor_production_0_save").click().run()
    assert texts(at, "error") == ["Nothing was saved: 1 problem(s)."]
    problems = next(df.value for df in at.dataframe if "Problem" in df.value.columns)
    assert problems["Record"].tolist() == [a_id] and problems["Column"].tolist() == ["Total qty"]  # the field's label, not its id
    assert rows_of(db, "production", "good_qty, batch_id", "shift") == [(950, imported), (990, imported)]

    at.session_state["input_editor_production_0"] = {
        "edited_rows": {position: {"good_qty": 940, "defect_qty": 30}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="input_editor_production_0_save").click().run()
    edit_batch = last_batch(db)
    assert texts(at, "success") == [f"Changes saved as batch #{edit_batch} (1 rows)."]
    assert rows_of(db, "production", "good_qty, defect_qty, batch_id", "shift") == [(940, 30, edit_batch),
                                                                                     (990, 5, imported)]
    with db.connect() as conn:
        user, detail = conn.execute(sa.text("SELECT user, detail FROM audit_log WHERE action = 'edit'")).one()
    assert user == "root"
    assert json.loads(detail)["rows"] == [{"id": a_id, "before": {"good_qty": 950, "defect_qty": 20},
                                           "after": {"good_qty": 940, "defect_qty": 30}}]


# ------------------------------------------------------------------ who may write
def test_permissions_clerk_sees_only_their_department_and_a_manager_is_refused(db):
    create_user(db, "pat", "pat-password-1", "clerk", "production", by=OWNER)
    create_user(db, "mia", "mia-password-1", "manager", by=OWNER)
    at = open_page("input_sales.py", user=PRODUCTION_CLERK)
    assert texts(at, "error") == ["You can enter data for your own department only, not for Sales."]
    assert not at.file_uploader and not at.tabs

    at = open_page("input_production.py", user=CurrentUser("mia", "manager", None, "en"))
    assert texts(at, "info") == ["As Manager you can look at the data here but not change it; saving is refused."]
    upload(at, "monday.csv", GOOD_PRODUCTION)
    commit(at)
    assert "mia's role may not write Production reports." in texts(at, "error")
    assert rows_of(db, "production", "id") == []

    at = open_page("input_production.py", user=PRODUCTION_CLERK)
    assert not texts(at, "info")
    upload(at, "monday.csv", GOOD_PRODUCTION)
    commit(at)
    assert rows_of(db, "production", "shift") == [("A",), ("B",)]


def test_user_text_is_shown_as_text_not_markup(db):
    at = open_page("input_production.py")
    name = "**week** <b>2</b> [x](http://evil).csv"
    upload(at, name, GOOD_PRODUCTION)
    heading = next(m.value for m in at.markdown if "What was read" in m.value)
    # Every Markdown/HTML character of the file name is escaped, so it reads exactly as typed.
    assert heading.endswith("\\*\\*week\\*\\* \\<b\\>2\\<\\/b\\> \\[x\\]\\(http\\:\\/\\/evil\\)\\.csv")
    assert unescape(heading) == f"**3 · What was read** · {name}"
    commit(at)
    assert at.success[0].value.startswith("\\*\\*week\\*\\*") and not at.get("html")

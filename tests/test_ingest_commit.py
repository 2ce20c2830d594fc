"""Ingestion against a real database (SQLite and PostgreSQL): good files in every form, the
template round trip for every kind, batches, replace and undo, valid-only, forms, edits,
presets, the scrap warning, permissions and the CLI."""
from __future__ import annotations

import io
import json
from datetime import date, datetime

import openpyxl
import polars as pl
import pytest
import sqlalchemy as sa

from data_access.ingest import (apply_edits, check_upload, import_upload, list_batches, load_preset, recent_rows,
                                save_preset, submit_record, template_bytes, undo_batch)
from data_access.ingest import commit as commit_module
from dashboard.commands.ingest import import_file
from data_access.kinds import KINDS
from data_access.loaders import clear_cache, load_kind
from data_access.models import AuditEntry, Batch, User
from tests.corpus.plant import PRODUCTION_HEADER as H
from tests.conftest import make_database
from tests.corpus.plant import dump, load_master
from dashboard.ingest_messages import message, rejected_rows_bytes, render, translator

ROW = "2026-01-06,A,INJ-01,P-1001,420,35,1000,980,950,20,10"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def plant_template(request, tmp_path_factory):
    """One migrated database with the test plant's master data per backend and module; each test
    gets a copy (a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL), which is
    several times faster here than migrating a new database for every test."""
    engine, drop = make_database(request.param, tmp_path_factory.mktemp("plant"))
    load_master(engine)
    engine.dispose()
    yield request.param, engine
    drop()


@pytest.fixture
def plant(plant_template, tmp_path):
    backend, template = plant_template
    clear_cache()
    engine, drop = make_database(backend, tmp_path, template=template.url.database)
    try:
        yield engine
    finally:
        drop()


def exported(engine, kind: str) -> pl.DataFrame:
    """The stored rows as the app exports them (loaders.load_kind)."""
    return load_kind(kind, engine)


def production(engine) -> pl.DataFrame:
    return exported(engine, "production").sort("date", "shift", "machine_code")


def test_good_files_in_every_encoding_line_ending_and_date_form_import(plant):
    zh = "日期,班次,机台编号,产品编号,计划生产时间(分),停机时间(分),计划数量,总产量,良品数,次品,废品"
    files = {
        "bom_crlf.csv": ("\ufeff" + H + "\r\n" + "2026/1/5,A,INJ-01,P-1001,420,35,\"1,000\",980,950,20,10\r\n").encode(),
        "gbk_cr.csv": (zh + "\r" + "2026年1月6日,白班,INJ-01,P-1001,420,35,1000,980,951,19,10\r").encode("gbk"),
        "semicolon_lf.csv": (H.replace(",", ";") + "\n" + "5-Jan-26;B;INJ-02;P-1002;420;0;500;500;500;0;0\n").encode(),
        "tab_serial.txt": (H.replace(",", "\t") + "\n" + "46029\tC\tINJ-01\tP-1001\t400\t0\t10\t10\t9\t1\t0\n").encode(),
    }
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["生产日报"])
    ws.append(H.split(","))
    ws.append([datetime(2026, 1, 8), "A", "INJ-02", "P-1001", 420, 35, 1000, 980, 950, 20, 10])
    ws.append([46031, "A", "INJ-02", "P-1002", 420, 35, 1000, 980, 950, 20, 10])
    buffer = io.BytesIO()
    wb.save(buffer)
    files["dates.xlsx"] = buffer.getvalue()
    detected = {}
    for name, data in files.items():
        result = import_upload(plant, "production", data, name, "clerk")
        assert result.written, [str(p) for p in result.problems]
        detected[name] = (result.info.encoding, result.info.line_ending, result.info.delimiter, result.info.header_row)
    assert detected == {"bom_crlf.csv": ("UTF-8 with BOM", "CRLF", ",", 1), "gbk_cr.csv": ("GB18030", "CR", ",", 1),
                        "semicolon_lf.csv": ("UTF-8", "LF", ";", 1), "tab_serial.txt": ("UTF-8", "LF", "\t", 1),
                        "dates.xlsx": (None, None, None, 2)}
    rows = production(plant).select("date", "shift", "machine_code", "product_code", "planned_qty", "good_qty").rows()
    assert rows == [
        (date(2026, 1, 5), "A", "INJ-01", "P-1001", 1000, 950),
        (date(2026, 1, 5), "B", "INJ-02", "P-1002", 500, 500),
        (date(2026, 1, 6), "白班", "INJ-01", "P-1001", 1000, 951),
        (date(2026, 1, 7), "C", "INJ-01", "P-1001", 10, 9),
        (date(2026, 1, 8), "A", "INJ-02", "P-1001", 1000, 950),
        (date(2026, 1, 9), "A", "INJ-02", "P-1002", 1000, 950),
    ]


def _typed_example(kind, f):
    v = f.example
    if v is None:
        return None  # also optional key text, stored as '' and loaded back as null
    return f.field_type.example(f)


def test_round_trip_template_filled_import_export_equals_for_every_kind(engine):
    """The template's own example row, in English CSV and Chinese XLSX alternately, imports for
    every kind (masters first) and loads back as the declared example values."""
    for i, (name, kind) in enumerate(KINDS.items()):
        lang, fmt = ("en", "csv") if i % 2 == 0 else ("zh", "xlsx")
        data = template_bytes(name, lang, fmt, translator(lang))
        result = import_upload(engine, name, data, f"{name}.{fmt}", "admin")
        assert result.written, (name, [str(p) for p in result.problems])
        if name == "reasons":  # the downtime and complaint examples need their reason codes too
            for extra in ({"reason_code": "DT-MOLD", "kind": "downtime", "name_en": "Mold change", "name_zh": "换模",
                           "category": "setup"},
                          {"reason_code": "CP-DIM", "kind": "complaint", "name_en": "Dimension", "name_zh": "尺寸"}):
                assert submit_record(engine, "reasons", extra, "admin").written
        stored = exported(engine, name).drop("id", "batch_id")
        assert stored.height >= 1, name
        row = stored.filter(pl.col(kind.key[0]) == _typed_example(kind, kind.field(kind.key[0]))).row(0, named=True)
        assert row == {f.name: _typed_example(kind, f) for f in kind.fields}, name


def test_same_file_twice_is_refused_naming_the_earlier_batch(plant):
    data = f"{H}\n{ROW}\n".encode()
    first = import_upload(plant, "production", data, "week2.csv", "li.na")
    again = import_upload(plant, "production", data, "week2 (copy).csv", "wang.wei")
    assert not again.written and again.earlier_batch["id"] == first.batch_id
    [problem] = again.errors
    assert f"batch #{first.batch_id}" in message(problem, "en") and "li.na" in message(problem, "en") and "week2.csv" in message(problem, "en")
    zh = import_upload(plant, "production", data, "x.csv", "wang.wei")
    assert f"批次 #{first.batch_id}" in message(zh.errors[0], "zh")
    assert undo_batch(plant, first.batch_id, "li.na").ok
    assert import_upload(plant, "production", data, "week2.csv", "li.na").written  # allowed after undo


def test_same_file_race_caught_by_the_unique_index_gives_the_same_message(plant, monkeypatch):
    data = f"{H}\n{ROW}\n".encode()
    first = import_upload(plant, "production", data, "a.csv", "li.na")
    real = commit_module._earlier_batch
    calls = []

    def blind_first_time(conn, kind, sha):  # as if another process committed in between
        calls.append(1)
        return None if len(calls) == 1 else real(conn, kind, sha)

    monkeypatch.setattr(commit_module, "_earlier_batch", blind_first_time)
    before = dump(plant)
    again = import_upload(plant, "production", data, "a.csv", "li.na")
    assert not again.written and f"batch #{first.batch_id}" in message(again.errors[0], "en")
    assert dump(plant) == before


def test_existing_key_refused_unless_replace_and_undo_restores_the_old_values(plant):
    original = import_upload(plant, "production", f"{H}\n{ROW}\n".encode(), "v1.csv", "clerk")
    changed = ROW.replace(",980,950,20,10", ",990,970,10,10")
    refused = import_upload(plant, "production", f"{H}\n{changed}\n".encode(), "v2.csv", "clerk")
    assert [(p.row, p.column, p.key) for p in refused.errors] == [(2, "date", "ingest.val.key_exists")]
    assert f"batch #{original.batch_id}" in message(refused.errors[0], "en")
    replaced = import_upload(plant, "production", f"{H}\n{changed}\n".encode(), "v2.csv", "clerk", replace=True)
    assert (replaced.written, replaced.rows_written, replaced.rows_replaced) == (True, 1, 1)
    assert production(plant)["good_qty"].to_list() == [970]
    # the original batch cannot be undone while the replace that overwrote it is live
    blocked = undo_batch(plant, original.batch_id, "clerk")
    assert not blocked.ok and f"#{replaced.batch_id}" in render(blocked.text, "en")
    done = undo_batch(plant, replaced.batch_id, "clerk")
    assert (done.ok, done.rows_deleted, done.rows_restored) == (True, 1, 1)
    restored = production(plant)
    assert restored.select("good_qty", "total_qty", "batch_id").rows() == [(950, 980, original.batch_id)]
    again = undo_batch(plant, replaced.batch_id, "boss")
    assert not again.ok and "already undone by clerk" in render(again.text, "en")
    history = {b["id"]: b for b in list_batches(plant, kind="production")}
    assert history[replaced.batch_id]["undone_by"] == "clerk" and history[replaced.batch_id]["replaced"] == 1


def test_valid_only_writes_the_valid_rows_and_the_rejected_rows_come_back_with_reasons(plant):
    rows = [ROW, ROW.replace(",A,", ",B,").replace("INJ-01", "=1+2"), ROW.replace(",A,", ",C,")]
    data = (H + "\n" + "\n".join(rows) + "\n").encode()
    strict = import_upload(plant, "production", data, "f.csv", "clerk")
    assert not strict.written and strict.rejected_row_numbers == [3]
    result = import_upload(plant, "production", data, "f.csv", "clerk", valid_only=True)
    assert (result.written, result.rows_written, result.rejected_row_numbers) == (True, 2, [3])
    assert production(plant)["shift"].to_list() == ["A", "C"]
    text = rejected_rows_bytes(result, "csv", "en").decode("utf-8-sig").splitlines()
    assert text[0] == "row," + H + ",reason"
    assert text[1].startswith("3,2026-01-06,B,'=1+2,P-1001") and "machine_code: unknown code" in text[1]
    wb = openpyxl.load_workbook(io.BytesIO(rejected_rows_bytes(result, "xlsx", "en")))
    assert wb.active["D2"].value == "'=1+2" and wb.active["A2"].value == 3
    with plant.connect() as conn:
        assert conn.execute(sa.select(Batch.__table__.c.mode, Batch.__table__.c.rows)
                            .where(Batch.__table__.c.id == result.batch_id)).one() == ("valid_only", 2)


def test_undo_refuses_to_break_master_data_references(plant):
    batch = import_upload(plant, "machines", b"machine_code,line_code,name\nINJ-09,INJ,New press\n", "m.csv", "admin")
    used = import_upload(plant, "production", f"{H}\n{ROW.replace('INJ-01', 'INJ-09')}\n".encode(), "p.csv", "admin")
    before = dump(plant)
    refused = undo_batch(plant, batch.batch_id, "admin")
    assert not refused.ok and "1 rows of Production reports still use these codes" in render(refused.text, "en")
    assert "INJ-09" in render(refused.text, "en") and dump(plant) == before
    assert undo_batch(plant, used.batch_id, "admin").ok
    assert undo_batch(plant, batch.batch_id, "admin").ok
    assert "INJ-09" not in exported(plant, "machines")["machine_code"].to_list()
    assert not undo_batch(plant, 9999, "admin").ok


def test_form_record_and_data_editor_edits_are_validated_audited_and_undoable(plant):
    values = {"date": date(2026, 1, 6), "shift": "A", "machine_code": "INJ-01", "product_code": "P-1001",
              "planned_min": 420.0, "downtime_min": 35, "planned_qty": "1000", "total_qty": 980, "good_qty": 950,
              "defect_qty": 20, "scrap_qty": 10}
    bad = submit_record(plant, "production", values | {"good_qty": 951}, "clerk")
    assert not bad.written and [(p.field, p.key) for p in bad.errors] == [("total_qty", "ingest.rule.total_is_sum")]
    form = submit_record(plant, "production", values, "clerk")
    assert form.written
    rows = recent_rows(plant, "production")
    record_id = rows["id"][0]
    refused = apply_edits(plant, "production", [{"id": record_id, "good_qty": -1}], "clerk")
    assert not refused.written and refused.errors[0].row == record_id
    edit = apply_edits(plant, "production", [{"id": record_id, "good_qty": 940, "defect_qty": 30}], "boss")
    assert edit.written and edit.rows_written == 1
    assert recent_rows(plant, "production").select("id", "good_qty", "defect_qty").rows() == [(record_id, 940, 30)]
    with plant.connect() as conn:
        a = AuditEntry.__table__
        entry = conn.execute(sa.select(a.c.user, a.c.action, a.c.detail).where(a.c.batch_id == edit.batch_id)).one()
        sources = dict(conn.execute(sa.select(Batch.__table__.c.id, Batch.__table__.c.source)).all())
    assert entry.user == "boss" and entry.action == "edit"
    assert json.loads(entry.detail)["rows"] == [{"id": record_id, "before": {"good_qty": 950, "defect_qty": 20},
                                                 "after": {"good_qty": 940, "defect_qty": 30}}]
    assert (sources[form.batch_id], sources[edit.batch_id]) == ("form", "edit")
    assert undo_batch(plant, edit.batch_id, "boss").ok
    assert recent_rows(plant, "production").select("id", "good_qty", "defect_qty").rows() == [(record_id, 950, 20)]


def test_mapping_presets_per_department_and_kind(plant):
    mapping = {"Datum": "date", "Schicht": "shift", "Notiz": ""}
    save_preset(plant, "production", "production", mapping, user="clerk")
    save_preset(plant, "production", "production", mapping | {"Gut": "good_qty"}, user="clerk")  # overwrite, not a second row
    assert load_preset(plant, "production", "production") == mapping | {"Gut": "good_qty"}
    assert load_preset(plant, "quality", "production") is None
    header = H.replace("date", "Datum").replace("shift", "Schicht").replace("good_qty", "Gut") + ",Notiz"
    result = import_upload(plant, "production", f"{header}\n{ROW},hello\n".encode(), "de.csv", "clerk",
                           mapping=load_preset(plant, "production", "production"))
    assert result.written and result.warnings == []
    with pytest.raises(ValueError):
        save_preset(plant, "production", "production", {"x": "no_such_field"}, user="clerk")


def test_scrap_breakdown_not_matching_production_scrap_qty_is_a_warning(plant):
    import_upload(plant, "production", f"{H}\n{ROW}\n".encode(), "p.csv", "clerk")  # scrap_qty 10
    scrap = ("date,shift,machine_code,product_code,reason_code,qty\n"
             "2026-01-06,A,INJ-01,P-1001,SC-SHORT,6\n2026-01-06,A,INJ-01,P-1001,SC-FLASH,5\n")
    result = import_upload(plant, "scrap", scrap.encode(), "s.csv", "clerk")
    assert result.written and result.errors == []
    [warning] = result.warnings
    assert (warning.row, warning.column) == (2, "qty")
    assert "add up to 11" in message(warning, "en") and "scrap_qty = 10" in message(warning, "en")
    fixed = import_upload(plant, "scrap", scrap.replace("FLASH,5", "FLASH,4").encode(), "s2.csv", "clerk", replace=True)
    assert fixed.written and fixed.warnings == []


def test_clerk_of_another_department_may_not_import(plant):
    with plant.begin() as conn:
        conn.execute(sa.insert(User.__table__), [
            {"name": "qc.clerk", "password_hash": "x", "role": "clerk", "department": "quality", "lang": "en",
             "failed_logins": 0, "demo": False, "created_at": datetime.now().astimezone()},
        ])
    before = dump(plant)
    result = import_upload(plant, "production", f"{H}\n{ROW}\n".encode(), "p.csv", "qc.clerk")
    assert not result.written and "qc.clerk may only write the data of their own department" in message(result.errors[0], "en")
    assert dump(plant) == before


def test_check_upload_previews_without_writing(plant):
    before = dump(plant)
    preview = check_upload(plant, "production", f"{H}\n{ROW}\n{ROW.replace('P-1001', 'P-0')}\n".encode(), "p.csv")
    assert preview.valid.height == 1 and [(p.row, p.column) for p in preview.errors] == [(3, "product_code")]
    assert preview.info.date_formats == {"date": "YYYY-MM-DD"}
    assert dump(plant) == before


def test_cli_import_exit_codes_and_problem_lines(plant, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{H}\n{ROW}\n2026-01-07,A,INJ-01,P-1001,420,35,1000,980,abc,20,10\n", encoding="utf-8")
    before = dump(plant)
    assert import_file("production", bad, user="cli", engine=plant) == 2
    out = capsys.readouterr().out
    assert "row 3, column good_qty, value 'abc': not a number" in out.splitlines()
    assert dump(plant) == before
    good = tmp_path / "good.csv"
    good.write_text(f"{H}\n{ROW}\n", encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text('{"date": "date"}', encoding="utf-8")
    assert import_file("production", good, mapping_file=mapping, user="cli", engine=plant) == 0
    assert "imported batch" in capsys.readouterr().out
    assert import_file("production", good, user="cli", lang="zh", engine=plant) == 2
    assert "已拒绝" in capsys.readouterr().out


def test_preview_can_tell_the_file_was_imported_before(plant):
    from data_access.ingest.commit import same_file_problem

    data = f"{H}\n{ROW}\n".encode()
    assert same_file_problem(plant, "production", data) is None
    first = import_upload(plant, "production", data, "w.csv", "li.na")
    problem = same_file_problem(plant, "production", data)
    assert problem is not None and f"批次 #{first.batch_id}" in message(problem, "zh")
    assert same_file_problem(plant, "scrap", data) is None  # per kind

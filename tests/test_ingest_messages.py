"""data_access.ingest says nothing in a language (issue 12 item 5: dashboard.i18n is a leaf that
data_access never imports): a problem is a message key with parameters, and the one file that
imports data_access is rendered the same in English and Chinese by dashboard/ingest_messages.py."""
from __future__ import annotations

import pytest

from dashboard.ingest_messages import describe, message, rejected_frame, render, summary
from data_access.ingest import Label, Msg, import_upload, undo_batch
from tests.corpus.plant import PRODUCTION_HEADER as H
from tests.corpus.plant import plant_database

ROW = "2026-01-06,A,INJ-99,P-1001,420,35,1000,980,950,20,10"  # INJ-99 is no machine of the plant


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def plant(request, tmp_path_factory):
    yield from plant_database(request.param, tmp_path_factory.mktemp("messages"))


def test_a_problem_is_a_key_with_parameters_rendered_in_either_language(plant):
    result = import_upload(plant, "production", f"{H}\n{ROW}\n".encode(), "p.csv", "admin")
    [p] = result.errors
    assert (p.row, p.column, p.value, p.key) == (2, "machine_code", "INJ-99", "ingest.val.unknown_ref")
    # the kind label travels in both languages; no text in one language is made in data_access
    assert p.text == Msg("ingest.val.unknown_ref", {"targets": Label("Machines", "机台")})
    assert describe(p, "en") == "row 2, column machine_code, value 'INJ-99': unknown code: not in the master data (Machines)"
    assert describe(p, "zh") == "第 2 行，列 machine_code，值 'INJ-99'：未知代码：基础资料（机台）中没有"
    assert message(p, "zh") == "未知代码：基础资料（机台）中没有"
    assert summary(result, "en") == "Nothing was imported: 1 problems in 1 rows."
    assert summary(result, "zh") == "未导入任何数据：1 行中共有 1 个问题。"


def test_rejected_rows_name_their_row_and_reason_columns_in_the_clerks_language(plant):
    result = import_upload(plant, "production", f"{H}\n{ROW}\n".encode(), "p.csv", "admin")
    assert result.rejected.columns == ["row", *H.split(",")]  # data_access: the rows as written, no reasons
    zh = rejected_frame(result, "zh")
    assert zh.columns == ["行号", *H.split(","), "原因"]
    assert zh.row(0)[0] == 2 and zh.row(0)[-1] == "machine_code: 未知代码：基础资料（机台）中没有"
    assert rejected_frame(result, "en").row(0)[-1] == "machine_code: unknown code: not in the master data (Machines)"


def test_an_undo_refusal_joins_its_sentences_in_either_language(plant):
    batch = import_upload(plant, "machines", b"machine_code,line_code,name\nINJ-77,INJ,New press\n", "m.csv", "admin")
    used = import_upload(plant, "production", f"{H}\n{ROW.replace('INJ-99', 'INJ-77')}\n".encode(), "p.csv", "admin")
    refused = undo_batch(plant, batch.batch_id, "admin")
    assert not refused.ok and refused.text.key == "ingest.undo.blocked"
    assert render(refused.text, "en") == (f"Batch #{batch.batch_id} cannot be undone: "
                                          "1 rows of Production reports still use these codes (e.g. INJ-77).")
    assert render(refused.text, "zh") == f"无法撤销批次 #{batch.batch_id}： 生产日报中仍有 1 行使用这些代码（例如 INJ-77）。"
    assert undo_batch(plant, used.batch_id, "admin").ok

"""Bilingual line names (issue 20.1): lines, like the five master kinds, keep the plant's own (Chinese)
name in `name` and an optional English one in `name_en` (migration 0014_line_names); the user's
language picks one, falling back to the other. On SQLite and PostgreSQL."""
from __future__ import annotations

import polars as pl

from dashboard.i18n.master_names import BILINGUAL, localized
from dashboard.ui.names import names, picker_labels
from data_access.ingest import import_upload
from data_access.kinds import KINDS
from data_access.loaders import clear_cache, load_kind
from seed import plant as P
from tests.test_bilingual_names import CJK, db  # noqa: F401  (fixture)


def test_lines_declare_an_optional_english_name_and_are_bilingual():
    assert "lines" in BILINGUAL
    assert KINDS["lines"].field("name").required
    english = KINDS["lines"].field("name_en")
    assert not english.required and english.zh == "英文名称"


def test_chinese_file_imports_both_line_names_and_an_old_file_without_the_english_one(db, monkeypatch):
    both = "产线代码,产线名称,英文名称,工艺\nINJ,注塑,Injection molding,injection\n"
    result = import_upload(db, "lines", both.encode(), "lines_zh.csv", "tester")
    assert result.written == 1, [str(e) for e in result.errors]
    old = "line_code,name,process\nMAC,Machining,machining\n"
    result = import_upload(db, "lines", old.encode(), "lines_old.csv", "tester")
    assert result.written == 1, [str(e) for e in result.errors]
    clear_cache()
    stored = load_kind("lines", db).sort("line_code")
    assert stored.select("line_code", "name", "name_en").rows() == [("INJ", "注塑", "Injection molding"),
                                                                  ("MAC", "Machining", None)]
    assert localized(stored, "zh").get_column("name").to_list() == ["注塑", "Machining"]  # MAC: its only name
    assert localized(stored, "en").get_column("name").to_list() == ["Injection molding", "Machining"]
    facts = {"lines": stored}
    monkeypatch.setattr("dashboard.ui.names.current_lang", lambda: "zh")
    assert names(facts, "line")["INJ"] == "INJ 注塑"
    monkeypatch.setattr("dashboard.ui.names.current_lang", lambda: "en")
    assert names(facts, "line")["INJ"] == "INJ Injection molding"
    assert picker_labels(facts, "lines", "line_code", "zh")["INJ"].endswith("注塑")


def test_the_demo_lines_carry_a_chinese_and_an_english_name():
    frame = pl.DataFrame(P.LINES, schema=["line_code", "name", "name_en", "process"], orient="row")
    assert frame.height == 4
    for code, zh, en, _ in P.LINES:
        assert CJK.search(zh) and not CJK.search(en) and en.isascii(), code
    assert dict(zip(frame["line_code"], frame["name"], strict=True))["INJ"] == "注塑"

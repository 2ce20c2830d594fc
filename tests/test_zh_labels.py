"""Chinese-first (issue 20): every code a user sees has en/zh labels from dashboard.i18n.codes; the
analysis pages in Chinese show no raw code, None, NaN or field id; the audit log reads as words;
XLSX downloads hold typed dates.

The dataset is tests/test_analysis_pages.py's (the example row of every kind, January 2026): its
downtime row is a setup stop (reason DT-MOLD, category "setup"), its complaint is severity "major",
its inspection lots are stages incoming/final, its material moves include "issue" and "finished_in".
"""
from __future__ import annotations

import io
import json
import re
from datetime import date, datetime

import openpyxl
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n.codes import CODES, EMPTY, FIELD_GROUPS, code_label
from dashboard.kpi.charts_data import rows_behind
from dashboard.kpi.engine import Filters
from data_access.db import write_transaction
from dashboard.facts import load_facts
from data_access.ingest.export import frame_bytes
from data_access.kinds import KINDS
from data_access.store import audit
from tests.support.apptest import shown
from tests.test_analysis_pages import JANUARY, PAGES, ROOT, known_db, run_page  # noqa: F401  (fixture)

CJK = re.compile(r"[\u4e00-\u9fff]")
# codes that are also plain words or a plant's own letters are not searched for in the page's text
PLANT_WRITES = {"A", "B", "C"}
RAW_CODES = sorted({c for group in CODES.values() for c in group} - PLANT_WRITES)
FIELD_IDS = sorted({f.name for k in KINDS.values() for f in k.fields if "_" in f.name})


def test_every_choice_of_every_kind_has_an_english_and_a_chinese_label():
    for kind in KINDS.values():
        for field in kind.fields:
            if not field.choices:
                continue
            group = FIELD_GROUPS.get((kind.name, field.name))
            assert group, f"{kind.name}.{field.name} has no label group in dashboard.i18n.codes"
            for choice in field.choices:
                en, zh = code_label(group, choice, "en"), code_label(group, choice, "zh")
                assert en and zh, (kind.name, field.name, choice)
                if choice not in PLANT_WRITES:
                    assert CJK.search(zh), f"{kind.name}.{field.name}={choice}: zh label {zh!r} has no Chinese"
                    assert "_" not in en, f"{kind.name}.{field.name}={choice}: en label {en!r} looks like a code"


def test_code_label_in_both_languages_and_for_empty_or_unknown_codes():
    assert code_label("loss_category", "minor_stop", "zh") == "小停机"
    assert code_label("move", "semi_in", "zh") == "半成品入库"
    assert code_label("severity", "major", "en") == "Major"
    assert code_label("severity", None, "zh") == EMPTY
    assert code_label("severity", float("nan"), "zh") == EMPTY
    assert code_label("severity", "blocker", "zh") == "blocker"  # a code the plant added since: shown as is


def visible_text(at: AppTest) -> list[str]:
    """What a reader of the page sees as text: headings, captions, messages, tiles, table headers and cells."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        out += [e.value for e in getattr(at, kind)]
    for m in at.metric:
        out += [m.label, m.value]
    for df in at.dataframe:
        frame = shown(df)  # the cells as drawn: a unit table's Styler text ("—" over a gap), not its numbers
        out += [str(c) for c in frame.columns]
        out += ["None" if v is None else str(v) for row in frame.itertuples(index=False) for v in row]
    return [str(x) for x in out]


def offences(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        text = re.sub(r":material/\w+:|:\w+-badge\[", "", text)  # Streamlit's icon and badge markup
        for word in ("None", "NaN", "nan", "null"):
            if re.search(rf"(?<![\w.]){word}(?![\w.])", text):
                found.append(f"{word!r} in {text[:80]!r}")
        for code in RAW_CODES + FIELD_IDS:
            if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text):
                found.append(f"code {code!r} in {text[:80]!r}")
    return found


@pytest.mark.parametrize("name", PAGES)
def test_analysis_page_in_chinese_shows_no_raw_code_none_or_field_id(known_db, name):
    at = run_page(name, lang="zh")
    bad = offences(visible_text(at))
    assert not bad, bad


def test_rows_behind_name_the_reason_and_label_the_category(known_db):
    """Equipment in Chinese: the setup stop DT-MOLD reads 换模 … beside its code, category 换模调整."""
    at = run_page("equipment", lang="zh")
    rows = next(df.value for df in at.dataframe if "原因名称" in df.value.columns)
    first = rows.iloc[0]
    assert first["原因"] == "DT-MOLD"
    assert CJK.search(first["原因名称"]) and first["原因名称"] != "DT-MOLD"
    assert first["类别"] == "换模调整"


def test_audit_log_renders_a_change_as_before_and_after_with_field_labels(known_db):
    with write_transaction(known_db) as conn:
        audit(conn, "tester", "edit", kind="production", batch_id=1,
              detail={"rows": [{"id": 7, "before": {"good_qty": 950}, "after": {"good_qty": 940}}]})
        audit(conn, "tester", "user", detail={"op": "role", "name": "li", "before": {"role": "clerk"},
                                              "after": {"role": "manager"}})
    at = AppTest.from_file(str(ROOT / "pages" / "admin_audit.py"), default_timeout=60)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    log = at.dataframe[0].value
    details = log["详情"].tolist() if "详情" in log.columns else log.iloc[:, -1].tolist()
    assert "第 7 条记录: 良品数：950 → 940" in details
    assert any("角色：文员/统计员 → 主管/经理" in d for d in details)
    assert not any("{" in d for d in details)
    assert not offences([str(v) for v in log.to_numpy().ravel()] + list(log.columns))


def test_xlsx_download_of_the_rows_behind_holds_typed_dates(known_db):
    """The production rows of 5 and 6 January 2026, as the rows-behind download writes them."""
    facts = load_facts(known_db)
    rows = rows_behind("production", facts, Filters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31)))
    book = openpyxl.load_workbook(io.BytesIO(frame_bytes(rows.select("date", "machine", "good_qty"), "xlsx")))
    sheet = book.active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert sorted(c.value.date() for c in cells) == [date(2026, 1, 5), date(2026, 1, 6)]
    assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in cells)
    stamp = openpyxl.load_workbook(io.BytesIO(frame_bytes(pl.DataFrame({"at": [datetime(2026, 1, 5, 7, 30)]}),
                                                          "xlsx"))).active["A2"]
    assert stamp.is_date and stamp.value == datetime(2026, 1, 5, 7, 30) and "hh:mm" in stamp.number_format


def test_rule_message_names_fields_by_their_labels():
    rule = next(r for r in KINDS["production"].rules if r.id == "total_is_sum")
    for lang in ("en", "zh"):
        assert not any(f in rule.message(lang) for f in FIELD_IDS), rule.message(lang)
    assert KINDS["production"].field("good_qty").label("zh") in rule.message("zh")


def chart_specs(at: AppTest) -> list[str]:
    """The Vega-Lite spec (JSON text, data included) of every chart of the page."""
    found: list[str] = []

    def walk(node):
        if getattr(node, "type", None) == "vega_lite_chart":
            found.append(node.proto.spec)
            found.extend(d.data.data.decode("utf-8", "ignore") for d in node.proto.datasets)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def test_waterfall_labels_are_chinese_when_the_page_is(known_db):
    """The OEE waterfall's steps were English in the Chinese page (t() ran in a polars worker thread)."""
    at = run_page("equipment", lang="zh")
    text = " ".join(chart_specs(at))
    assert "计划生产时间" in text and "完全有效生产时间" in text
    assert "Planned production time" not in text and "Operating time" not in text

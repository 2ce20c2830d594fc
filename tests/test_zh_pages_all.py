"""Every page under pages/ in Chinese, as admin (issue 20.7): its visible text holds no raw code, no
None / NaN, no field id and no English-only KPI label. The dataset is tests/test_analysis_pages.py's
(the example row of every kind, January 2026). Codes a plant writes itself (machine, product, reason
codes such as INJ-01, P-1001, DT-MOLD; the ABC letters) are allowed: they are not in the code groups.
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from dashboard.auth import CurrentUser
from dashboard.i18n import language, t
from dashboard.ui.login import SESSION_USER, SINGLE_USER_NAME
from tests.test_analysis_pages import JANUARY, ROOT, known_db  # noqa: F401  (fixture)
from tests.support.apptest import shown
from tests.test_zh_labels import CJK, offences

FILE_FIELD_COLUMN = t("ingest.tpl.col.field", "zh")
PAGE_FILES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))


def visible_text(at: AppTest) -> list[str]:
    """Everything a reader of the page sees as text: headings, captions, messages, tiles (label, value,
    delta), table headers and cells, widget labels and the options of pickers, tabs and expanders."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        out += [e.value for e in at.get(kind)]
    for m in at.metric:
        out += [m.label, m.value, m.delta or ""]
    for df in [*at.dataframe, *at.table]:
        frame = shown(df)  # a unit table's cells as drawn (its Styler's text: "36.7 %", "—")
        # the template's column list names each column's English file header beside its Chinese one:
        # a header a plant's file may carry, so that column is not searched
        frame = frame.drop(columns=[c for c in frame.columns if c == FILE_FIELD_COLUMN])
        out += [str(c) for c in frame.columns]
        out += ["None" if v is None else str(v) for row in frame.itertuples(index=False) for v in row]
    for kind in ("button", "checkbox", "toggle", "text_input", "number_input", "date_input", "time_input",
                 "download_button", "radio", "selectbox", "multiselect", "select_slider", "segmented_control"):
        for w in at.get(kind):
            out.append(getattr(w, "label", "") or "")
            options = getattr(w, "options", None)
            if options:
                out += [str(o) for o in options]
    out += [tab.label for tab in at.tabs] + [e.label for e in at.get("expandable")]
    return [str(x) for x in out if x]


def run_zh(name: str) -> AppTest:
    """The page through the app frame (dashboard/app.py sets the language and the navigation)."""
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=90)
    at.session_state[SESSION_USER] = CurrentUser("root", "admin", None, "zh")
    at.session_state["lang"] = "zh"
    at.run()
    at.query_params.update(JANUARY)
    at.switch_page(str(ROOT / "pages" / f"{name}.py")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def plant_offences(texts: list[str]) -> list[str]:
    """offences() without a command in backticks (`plantkpi user add … --role admin`) and without a code
    shown with its label beside it ("minor（一般）": the code a file holds, with its words)."""
    cleaned = [re.sub(r"[\w-]+[（(][^）)]*[\u4e00-\u9fff][^）)]*[）)]", "", re.sub(r"`[^`]*`", "", x)) for x in texts]
    return offences(cleaned)


ENGLISH_PHRASE = re.compile(r"\b[A-Za-z][a-z]{2,}(?: [A-Za-z][a-z]{2,})+\b")  # "Planned production time", "November 2026" is below
MONTH = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b")


def english_phrases(at: AppTest) -> list[str]:
    """English phrases in the page's own words (headings, captions, messages, tiles, widget labels and
    options, tabs). A plant's own words are not searched: its free text (a specification, a remark) in the
    tables, its master-data names in the filter pickers (multiselect options: "INJ · Injection molding")."""
    texts = [e.value for kind in ("title", "header", "subheader", "caption", "info", "warning", "error", "success")
             for e in at.get(kind)] + [m.label for m in at.metric]
    for kind in ("button", "checkbox", "toggle", "selectbox", "multiselect", "radio", "segmented_control"):
        for w in at.get(kind):
            options = [] if kind == "multiselect" else [str(o) for o in (getattr(w, "options", None) or [])]
            texts += [w.label or "", *options]
    texts += [tab.label for tab in at.tabs]
    texts = [re.sub(r"`[^`]*`|:material/\w+:", "", x) for x in texts if x and x != "English"]  # the language switch
    return [f"English {m.group(0)!r} in {x[:80]!r}" for x in texts for m in (*ENGLISH_PHRASE.finditer(x),
                                                                            *MONTH.finditer(x))]


def english_only_tiles(at: AppTest) -> list[str]:
    return [m.label for m in at.metric if m.label and not CJK.search(m.label)]


def test_every_page_is_covered():
    assert len(PAGE_FILES) >= 30 and "planning_mrp" in PAGE_FILES and "input_production" in PAGE_FILES


def account_names(engine) -> set[str]:
    """The users' account names (a plant's own words; with no accounts, the single-user mode's "admin")."""
    with engine.connect() as conn:
        return {SINGLE_USER_NAME} | {r[0] for r in conn.execute(sa.text("SELECT name FROM users"))}


@pytest.mark.parametrize("name", PAGE_FILES)
def test_page_in_chinese_shows_no_raw_code_none_or_english_label(known_db, name):
    at = run_zh(name)
    accounts = account_names(known_db)
    texts = [x for x in visible_text(at) if x not in accounts]
    assert texts, f"{name}: nothing visible"
    bad = (plant_offences(texts) + [f"English-only tile {label!r}" for label in english_only_tiles(at)]
           + english_phrases(at))
    assert not bad, sorted(set(bad))
    if at.toggle:  # what the toggles open (the formulas panel: KPI and measure names, not "Σ good_qty")
        for toggle in at.toggle:
            toggle.set_value(True)
        with language("zh"):  # AppTest formats the widgets' values in this thread (format_func uses t())
            at.run()
        assert not at.exception, [e.message for e in at.exception]
        bad = plant_offences([x for x in visible_text(at) if x not in accounts]) + english_phrases(at)
        assert not bad, sorted(set(bad))


def test_the_helper_catches_what_it_is_for():
    """Each offence the page test looks for is found in a sample (so the page test can fail)."""
    assert offences(["关闭日期: None"]) and offences(["nan"]) and offences(["类别 minor_stop"])
    assert offences(["machine_code 必填"]) and offences(["销售出库 sales_out"])
    assert not offences(["INJ-01 海天 250T", "P-1001 · 开关外壳 · 市场化", "DT-MOLD 模具故障", "A"])
    assert not plant_offences(["运行 `plantkpi user add 用户名 --role admin`", "minor（一般）、major（严重）"])
    assert plant_offences(["minor, major（严重）"])
    assert MONTH.search("2026 年 November") and ENGLISH_PHRASE.search("速度降低 · Planned production time")
    assert not ENGLISH_PHRASE.search("INJ-01 海天 250T · OEE 85.0 %")


def test_audit_log_in_chinese_shows_no_none_for_an_entry_without_kind_or_batch(known_db):
    """A sign-in has no kind and no batch: its cells read "—", its action 登录, its detail words."""
    from data_access.db import write_transaction
    from data_access.store import audit

    with write_transaction(known_db) as conn:
        audit(conn, "li.na", "login", detail={"op": "login"})
        audit(conn, "root", "master", kind="products", detail={"before": {"stage": "design"}, "after": {"stage": "market"}})
    at = run_zh("admin_audit")
    log = at.dataframe[0].value
    texts = [str(c) for c in log.columns] + ["None" if v is None else str(v) for row in log.itertuples(index=False)
                                             for v in row]
    assert not plant_offences(texts), plant_offences(texts)
    assert any("阶段" in x and "产品化 → 市场化" in x for x in texts), texts


def test_an_open_complaint_reads_dash_not_none_on_the_customer_page(known_db):
    """A complaint still open has no closed date: the rows behind the figure say "—" (issue 20: "Closed: None")."""
    from data_access.db import write_transaction
    from data_access.store import insert_rows, new_batch
    from tests.support.examples import example_row

    row = {**example_row("complaints"), "complaint_no": "CP-OPEN-1", "closed_date": None}
    with write_transaction(known_db) as conn:
        insert_rows(conn, "complaints", [row], new_batch(conn, "complaints", "test", "seed"))
    at = run_zh("analysis_customer")
    texts = visible_text(at)
    assert any("CP-OPEN-1" in x for x in texts), "the open complaint is not shown"
    assert not plant_offences(texts), plant_offences(texts)


def test_upload_error_table_in_chinese_names_columns_and_rules_in_chinese(known_db):
    """A bad production row uploaded in Chinese: the problem table's headers, the columns it names and the
    rule's message are Chinese ("总产量必须等于 良品数 + 次品 + 废品"), not machine_code / total_qty."""
    from tests.test_input_pages import PRODUCTION_HEADER, upload

    at = run_zh("input_production")
    bad = (PRODUCTION_HEADER + "\n2026-01-05,A,INJ-01,P-1001,420,35,1000,980,900,20,10\n").encode()
    with language("zh"):
        upload(at, "bad.csv", bad)
    table = next(df.value for df in at.dataframe if "问题" in df.value.columns)
    cells = [str(c) for c in table.columns] + ["None" if v is None else str(v) for row in table.itertuples(index=False)
                                               for v in row]
    assert any("总产量必须等于" in c for c in cells), cells
    assert not plant_offences(cells), plant_offences(cells)

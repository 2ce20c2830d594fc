"""Every input page and every kind on it opens each of its four sections without an error, with
every label translated (a missing message key would show up as the key itself), in English and
Chinese: the pages are generated from the kind declarations, so this is where a declaration the
renderer cannot draw (a field type, an editor column) would show."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.auth import CurrentUser
from dashboard.i18n import t
from dashboard.navigation import INPUT_DEPARTMENTS
from dashboard.ui.input_page import SECTIONS
from dashboard.ui.login import SESSION_USER
from data_access.db import get_engine, init_db, write_transaction
from data_access.kinds import KINDS, kinds_of
from data_access.loaders import clear_cache
from data_access.store import insert_rows, new_batch
from tests.support.examples import example_rows

ROOT = Path(__file__).resolve().parent.parent
PAGES = [(f"input_{d}.py", d) for d in INPUT_DEPARTMENTS] + [("admin_master.py", "admin")]


@pytest.fixture(scope="module")
def every_kind_db(tmp_path_factory):
    """One example row of every kind, so that the editor of every kind has a row to show."""
    path = tmp_path_factory.mktemp("input-all") / "all.db"
    url = f"sqlite:///{path}"
    clear_cache()
    engine = get_engine(url)
    init_db(engine)
    with write_transaction(engine) as conn:
        for name, rows in example_rows().items():
            insert_rows(conn, name, rows, new_batch(conn, name, "seed", "seed"))
    yield url
    engine.dispose()
    clear_cache()


def visible_texts(at: AppTest) -> list[str]:
    out = []
    for kind in ("title", "caption", "markdown", "info", "error", "warning", "success", "subheader"):
        out += [el.value for el in at.get(kind)]
    for kind in ("button", "checkbox", "selectbox", "text_input", "number_input", "date_input", "time_input",
                 "file_uploader", "radio", "segmented_control", "download_button"):
        out += [w.label for w in at.get(kind)]
    return out + [tab.label for tab in at.tabs]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page_file,department", PAGES, ids=[d for _, d in PAGES])
def test_every_kind_and_section_renders(every_kind_db, monkeypatch, page_file, department, lang):
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", every_kind_db)
    at = AppTest.from_file(str(ROOT / "pages" / page_file), default_timeout=30)
    at.session_state[SESSION_USER] = CurrentUser("root", "admin", None, lang)
    at.session_state["lang"] = lang
    at.run()
    kinds = kinds_of(department)
    assert [tab.label for tab in at.tabs] == [t(f"input.tab.{s}", lang) for s in SECTIONS]
    for kind in kinds:
        if len(kinds) > 1:
            at.segmented_control(key=f"input_kind_{department}").set_value(kind.name)
        for section in SECTIONS:
            at.session_state[f"input_section_{kind.name}"] = t(f"input.tab.{section}", lang)
            at.run()
            assert not at.exception, (kind.name, section, at.exception)
            shown = visible_texts(at)
            untranslated = [s for s in shown if s.startswith(("input.", "ingest.", "nav.", "auth."))]
            assert not untranslated, (kind.name, section, untranslated)
            if section == "form":  # one widget per field (a datetime field has a date and a time)
                fields = KINDS[kind.name].fields
                labels = [w.label.removesuffix(" *") for w in at.get("text_input") + at.get("number_input")
                          + at.get("date_input") + at.get("time_input") + at.get("selectbox") + at.get("checkbox")]
                assert all(f.label(lang) in labels for f in fields), kind.name
            if section == "edit":
                assert at.data_editor and at.data_editor[0].value.shape[0] >= 1, kind.name
            if section == "history":
                assert t("input.history.source.seed", lang) in at.dataframe[0].value.iloc[:, 3].tolist()

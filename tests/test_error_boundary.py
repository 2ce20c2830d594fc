"""Issue 14 item 2: no Python exception reaches a page. A page that raises shows a translated
message with an incident id and no traceback; the log has the traceback under the same id."""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
SECRET = "/srv/plantkpi/secret_path.py"  # what a traceback would leak


def _explode(*args, **kwargs):
    raise RuntimeError(f"boom in {SECRET}")


@pytest.fixture
def failing_home(sqlite_engine, monkeypatch):
    """The Home page's first data call raises (the page imports it afresh on every run)."""
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr("data_access.status.data_status", _explode)


def _texts(at: AppTest) -> list[str]:
    elements = [*at.error, *at.markdown, *at.title, *at.caption, *at.info, *at.warning, *at.exception]
    return [str(getattr(e, "value", "")) for e in elements]


@pytest.mark.parametrize("lang, words", [("en", "Something went wrong on this page"), ("zh", "本页面出现错误")])
def test_a_page_that_raises_shows_a_message_and_an_incident_id_not_a_traceback(failing_home, caplog, lang, words):
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = lang
    with caplog.at_level(logging.ERROR, logger="plantkpi.incident"):
        at.run()
    assert not at.exception  # nothing reached Streamlit's own exception box
    [error] = [e.value for e in at.error]
    assert words in error
    incident = re.search(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", error).group(0)
    assert not any("Traceback" in text or SECRET in text or "RuntimeError" in text for text in _texts(at))
    # The log holds the traceback under the same incident id.
    [record] = [r for r in caplog.records if r.name == "plantkpi.incident"]
    assert incident in record.getMessage() and record.exc_info is not None
    assert SECRET in str(record.exc_info[1])


def test_incident_ids_differ():
    from dashboard.ui.error_boundary import new_incident_id

    assert len({new_incident_id() for _ in range(200)}) == 200


def test_a_database_that_cannot_be_used_is_named_as_the_cause(sqlite_engine, monkeypatch):
    """The page's first read meets a database opened read-only (SQLite's own error, not a mock)."""
    import sqlalchemy as sa

    def readonly(*args, **kwargs):
        path = sqlite_engine.url.database
        engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("UPDATE data_version SET version = version + 1")
        finally:
            engine.dispose()

    monkeypatch.setenv("PLANTKPI_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr("data_access.status.data_status", readonly)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert "The database cannot be used right now (attempt to write a readonly database)" in error
    assert re.search(r"incident number [A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", error)

"""AppTest of the Home page: the data status it shows matches the database."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from data_access.db import write_transaction
from data_access.store import insert_rows, new_batch
from tests.support.examples import example_row, example_rows

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")


@pytest.fixture
def app_db(sqlite_engine, monkeypatch):
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", sqlite_engine.url.render_as_string(hide_password=False))
    return sqlite_engine


def run_app(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if lang:
        at.session_state["lang"] = lang
    return at.run()


def test_empty_database_says_so(app_db):
    at = run_app()
    assert not at.exception
    assert any("holds no data yet" in i.value for i in at.info)


def test_status_rows_and_missing_weeks_match_the_database(app_db):
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    last_week, three_weeks_ago = monday - timedelta(days=7), monday - timedelta(days=21)
    with write_transaction(app_db) as conn:
        batch = new_batch(conn, "lines", "test", "seed")
        for name, rows in example_rows().items():
            if name in ("production",):
                continue
            insert_rows(conn, name, rows, batch)
        base = example_row("production")
        insert_rows(conn, "production", [{**base, "date": last_week}, {**base, "date": three_weeks_ago},
                                         {**base, "date": three_weeks_ago, "shift": "B"}], batch)
    at = run_app()
    assert not at.exception
    table = at.dataframe[0].value
    production = table[table["Data"] == "Production reports"].iloc[0]
    assert production["Rows"] == 3
    assert str(production["Latest record"])[:10] == last_week.isoformat()
    # 8 complete weeks counted, two of them have production rows
    assert production["Weeks without data"] == 6
    with app_db.connect() as conn:
        scrap_rows = conn.execute(sa.text("SELECT COUNT(*) FROM scrap")).scalar()
    assert table[table["Data"] == "Scrap by reason"].iloc[0]["Rows"] == scrap_rows == 1


def test_home_in_chinese(app_db):
    at = run_app("zh")
    assert not at.exception
    assert at.title[0].value == "数字化管理看板"
    assert "部门" in at.dataframe[0].value.columns

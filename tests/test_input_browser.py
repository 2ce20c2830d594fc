"""A clerk's upload through the real page in headless Chromium: the file goes through the browser's
file input (not AppTest), is checked, imported with the Import button, and lands in the database.
Screenshots of the input pages in English and Chinese go to artifacts/."""
from __future__ import annotations

import sqlalchemy as sa
import pytest

from data_access.db import write_transaction
from data_access.kinds import MASTER_KINDS
from data_access.store import insert_rows, new_batch
from tests.support.browser import chromium, screenshot, streamlit_server, wait_idle
from tests.support.examples import example_rows

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WEEK = ("日期,班次,机台编号,产品编号,计划生产时间(分),停机时间(分),计划数量,总产量,良品数,次品,废品\r\n"
        "2026/1/5,白班,INJ-01,P-1001,420,35,1000,980,950,20,10\r\n"
        "2026/1/5,夜班,INJ-01,P-1001,420,12,1000,700,690,6,4\r\n").encode("gb18030")
BAD = ("date,shift,machine_code,product_code,planned_min,downtime_min,planned_qty,total_qty,good_qty,defect_qty,scrap_qty\n"
       "2026-01-06,A,INJ-01,P-1001,420,35,1000,980,900,20,10\n"
       "2026-01-06,B,XX-9,P-1001,420,35,1000,980,950,20,10\n").encode()


def test_clerk_uploads_a_csv_through_chromium_and_it_is_stored(sqlite_engine):
    rows = example_rows()
    with write_transaction(sqlite_engine) as conn:
        for kind in MASTER_KINDS:
            insert_rows(conn, kind.name, rows[kind.name], new_batch(conn, kind.name, "seed", "seed"))
    url = sqlite_engine.url.render_as_string(hide_password=False)
    with streamlit_server(url) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 2000})
        page.goto(f"{base}/input-production")
        wait_idle(page)
        page.get_by_text("Data input · Production").wait_for(timeout=30_000)
        screenshot(page, "input-production-en")

        page.locator("input[type=file]").set_input_files(
            files=[{"name": "week2.csv", "mimeType": "text/csv", "buffer": BAD}])
        wait_idle(page)
        page.get_by_text("2 problem(s) in 2 row(s)").wait_for(timeout=30_000)
        screenshot(page, "input-production-en-problems")
        assert page.get_by_role("button", name="Import 0 row(s)").is_disabled()

        page.locator("input[type=file]").set_input_files(
            files=[{"name": "生产日报.csv", "mimeType": "text/csv", "buffer": WEEK}])
        wait_idle(page)
        page.get_by_text("All 2 rows are valid.").wait_for(timeout=30_000)
        assert page.get_by_text("GB18030").count() == 1
        screenshot(page, "input-production-en-preview")
        page.get_by_role("button", name="Import 2 row(s)").click()
        wait_idle(page)
        page.get_by_text("Imported as batch").wait_for(timeout=30_000)
        screenshot(page, "input-production-en-imported")
        with sqlite_engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT shift, good_qty FROM production ORDER BY id")).all()
        assert [tuple(r) for r in stored] == [("白班", 950), ("夜班", 690)]

        page.get_by_role("tab", name="Upload history and undo").click()
        wait_idle(page)
        page.get_by_role("button", name="Undo this batch…").wait_for(timeout=30_000)
        screenshot(page, "input-production-en-history")
        page.get_by_role("tab", name="Enter one record").click()
        wait_idle(page)
        page.get_by_role("button", name="Save record").wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        screenshot(page, "input-production-en-form")
        page.get_by_role("tab", name="Latest rows (edit)").click()
        wait_idle(page)
        screenshot(page, "input-production-en-edit")

        zh = browser.new_page(viewport={"width": 1400, "height": 2000})
        zh.goto(f"{base}/input-production?lang=zh")
        wait_idle(zh)
        zh.get_by_text("数据录入 · 生产部").wait_for(timeout=30_000)
        zh.locator("input[type=file]").set_input_files(
            files=[{"name": "week2.csv", "mimeType": "text/csv", "buffer": BAD}])
        wait_idle(zh)
        zh.get_by_text("2 行中共有 2 个问题").wait_for(timeout=30_000)
        screenshot(zh, "input-production-zh-problems")
        zh.get_by_role("tab", name="录入单条记录").click()
        wait_idle(zh)
        zh.get_by_role("button", name="保存记录").wait_for(timeout=30_000)
        zh.wait_for_timeout(500)
        screenshot(zh, "input-production-zh-form")
        zh.goto(f"{base}/admin-master-data?lang=zh")
        wait_idle(zh)
        zh.get_by_text("数据录入 · 基础资料").wait_for(timeout=30_000)
        screenshot(zh, "input-master-zh")

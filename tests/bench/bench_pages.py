"""Analysis pages on the large demo plant: seconds from a filter change until the page is idle
in Chromium (data cached), per page. Goal: under 2 s (issue 5).

The database is built once into data/bench/pages-large.db (seed.demo.load_demo, scale large)
and reused. For each page: open it (which builds and caches the facts), then time three filter
changes (the shift filter on, a grain change, the shift filter off) from the action until the
script run has finished and the tiles are drawn; the median is reported.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB = ROOT / "data" / "bench" / "pages-large.db"
PAGES = ("throughput", "quality", "delivery", "customer", "equipment", "materials", "purchasing", "people")
GOAL_S = 2.0


def database_url() -> str:
    from data_access.db import get_engine, init_db
    from seed.demo import database_is_empty, load_demo

    DB.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{DB}"
    engine = get_engine(url)
    init_db(engine)
    if database_is_empty(engine):
        load_demo(engine, "large")
    return url


def _idle(page) -> None:
    from tests.support.browser import wait_idle

    page.wait_for_timeout(50)
    wait_idle(page, 180_000)


def _pick(page, key: str, option: str) -> None:
    page.locator(f".st-key-{key}").get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()


def time_page(page, base: str, name: str) -> dict:
    started = time.perf_counter()
    page.goto(f"{base}/analysis-{name}?period=last_month&grain=day")
    _idle(page)
    page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=180_000)
    first = time.perf_counter() - started
    timings = []
    for key, option in (("flt_grain", "Week"), ("flt_period", "This month"), ("flt_period", "Last month")):
        started = time.perf_counter()
        _pick(page, key, option)
        _idle(page)
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    return {"case": name, "first_open_s": first, "filter_change_median_s": median, "filter_change_max_s": max(timings),
            "goal_s": GOAL_S, "ok": "yes" if median < GOAL_S else "NO"}


def run() -> list[dict]:
    from tests.support.browser import chromium, streamlit_server

    url = database_url()
    rows = []
    with streamlit_server(url) as base, chromium() as browser:
        page = browser.new_context(viewport={"width": 1500, "height": 1200}).new_page()
        for name in PAGES:
            try:
                rows.append(time_page(page, base, name))
            except Exception as error:  # one broken page must not hide the others' figures
                rows.append({"case": name, "ok": f"error: {type(error).__name__}"})
                page = browser.new_context(viewport={"width": 1500, "height": 1200}).new_page()
            print(rows[-1], flush=True)
    return rows


if __name__ == "__main__":
    from tests.bench.__main__ import print_table

    print_table("pages", run())

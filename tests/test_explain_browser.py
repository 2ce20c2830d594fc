""""Why?" in a real browser (headless Chromium): on the monthly summary, the scrap ratio's popover
names the machine whose scrap climbs (seed/demo.py story 1) and its member link opens the
Scrap & quality page filtered to that machine and month."""
from __future__ import annotations

from datetime import date

import pytest

from data_access.db import get_engine, init_db
from dashboard.reports.summary import HEADLINE, month_bounds, parse_month
from seed.demo import load_demo, story_facts
from tests.support.browser import chromium, screenshot, streamlit_server, wait_idle

TODAY = date.today()
MONTH = parse_month("last", TODAY)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    path = tmp_path_factory.mktemp("explain") / "demo.db"
    engine = get_engine(f"sqlite:///{path}")
    init_db(engine)
    load_demo(engine, "small", today=TODAY)
    engine.dispose()
    with streamlit_server(f"sqlite:///{path}") as base, chromium() as browser:
        yield base, browser


def test_summary_why_link_opens_the_analysis_page_filtered_to_the_member(demo_server):
    base, browser = demo_server
    machine = story_facts(TODAY)["scrap_climb_machine"]
    context = browser.new_context(viewport={"width": 1500, "height": 1500})
    page = context.new_page()
    page.goto(f"{base}/executive?month={MONTH}")
    wait_idle(page, 120_000)
    tile = page.locator(".st-key-exec_tile_scrap_ratio")
    tile.wait_for(timeout=90_000)
    # one Why? per headline tile, in the headline's order
    page.locator("[data-testid='stPopover']").nth(HEADLINE.index("scrap_ratio")).get_by_role("button").click()
    wait_idle(page, 120_000)
    popover = page.locator("[data-testid='stPopoverBody']")
    popover.wait_for(timeout=60_000)
    assert popover.get_by_text("Scrap ratio").first.inner_text().split(": ", 1)[1].startswith(machine)
    screenshot(page, "explain-summary-why")
    popover.get_by_role("link", name=f"Filter {machine}").click()
    wait_idle(page, 120_000)
    page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=90_000)
    start, end = month_bounds(MONTH)
    assert "/analysis-quality" in page.url and f"machine={machine}" in page.url
    assert f"from={start.isoformat()}" in page.url and f"to={end.isoformat()}" in page.url
    # the filter bar may draw its machine choice a moment after the first tile: wait for it, then check
    page.locator(".st-key-flt_machine").get_by_text(machine).first.wait_for(timeout=60_000)
    assert machine in page.locator(".st-key-flt_machine").inner_text()
    context.close()

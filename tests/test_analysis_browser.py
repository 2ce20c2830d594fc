"""The analysis pages in headless Chromium on the small demo plant: each page opens with tiles;
a filter change rewrites the URL; that URL in a fresh browser context shows the same tiles;
clicking a Pareto bar drills the page down. Screenshots go to artifacts/."""
from __future__ import annotations

import re

import pytest

from tests.support.browser import demo_server, screenshot, wait_idle  # noqa: F401  (demo_server: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
PAGES = ("throughput", "quality", "delivery", "customer", "equipment", "materials", "purchasing", "people")
VIEWPORT = {"width": 1500, "height": 2400}


def tile_values(page) -> list[str]:
    return page.locator("[data-testid='stMetricValue']").all_inner_texts()


def open_page(browser, url: str):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url)
    wait_idle(page, 90_000)
    page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=60_000)
    return context, page


def test_every_page_opens_with_tiles(demo_server):
    """Every page in English, two in Chinese (the machine is shared: keep the run short)."""
    base, browser = demo_server
    for lang, names in (("en", PAGES), ("zh", ("quality", "delivery"))):
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        for name in names:
            page.goto(f"{base}/analysis-{name}?lang={lang}")
            wait_idle(page, 90_000)
            page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=60_000)
            assert page.locator("[data-testid='stException']").count() == 0, name
            assert len(tile_values(page)) >= 3
            if name in ("quality", "equipment", "delivery"):
                page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=30_000)
            screenshot(page, f"analysis-{name}-{lang}")
        context.close()


def test_filter_change_goes_to_the_url_and_the_url_restores_the_view(demo_server):
    base, browser = demo_server
    context, page = open_page(browser, f"{base}/analysis-throughput?period=last_month")
    before = tile_values(page)
    page.locator(".st-key-flt_shift").get_by_role("combobox").click()
    page.get_by_role("option", name="A", exact=True).click()
    page.keyboard.press("Escape")
    wait_idle(page, 90_000)
    page.wait_for_function("() => window.location.search.includes('shift=A')", timeout=30_000)
    url = page.url
    assert "shift=A" in url and "period=last_month" in url
    wait_idle(page, 90_000)
    after = tile_values(page)
    for _ in range(60):  # the URL changes when the rerun starts; the tiles when it ends
        if after != before:
            break
        page.wait_for_timeout(500)
        after = tile_values(page)
    assert after != before  # shift A alone is less than the whole plant
    screenshot(page, "analysis-throughput-shift-A")
    context.close()

    fresh, again = open_page(browser, url)
    restored = tile_values(again)
    for _ in range(20):  # a fresh session may still be drawing the tiles of its first run
        if restored == after:
            break
        again.wait_for_timeout(500)
        restored = tile_values(again)
    assert restored == after
    assert again.locator(".st-key-flt_shift").get_by_text("A", exact=True).count() >= 1
    fresh.close()


def test_clicking_a_bar_drills_the_page_down(demo_server):
    base, browser = demo_server
    context, page = open_page(browser, f"{base}/analysis-quality?period=last_month")
    chart = page.locator(".st-key-qual_pareto_reason [data-testid='stVegaLiteChart']")
    chart.wait_for(timeout=30_000)
    count_text = page.get_by_text(re.compile(r"records make the figures")).inner_text()
    box = chart.bounding_box()
    drilled = page.get_by_text(re.compile(r"^Drill-down: Reason = "))
    for fx in (0.10, 0.13, 0.16, 0.08, 0.19):  # the first (tallest) bar sits at the left of the plot
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * 0.55)
        wait_idle(page, 60_000)
        if drilled.count():
            break
    assert drilled.count() == 1
    counted = page.get_by_text(re.compile(r"records make the figures"))
    for _ in range(60):  # the note above is drawn before the count below it is replaced (a loaded machine)
        if counted.inner_text() != count_text:
            break
        page.wait_for_timeout(500)
    assert counted.inner_text() != count_text
    screenshot(page, "analysis-quality-drilled")
    context.close()


def test_rows_behind_download_is_made_on_click_with_every_row_newest_first(demo_server, tmp_path):
    """The CSV is built only when clicked (not on every rerun): it still holds every record the
    caption counts, with the translated headers, latest date first."""
    import polars as pl

    base, browser = demo_server
    context, page = open_page(browser, f"{base}/analysis-throughput?period=last_month")
    count = page.get_by_text(re.compile(r"records make the figures")).inner_text()
    records = int(re.search(r"([\d,]+) records", count).group(1).replace(",", ""))
    with page.expect_download(timeout=60_000) as download:
        page.locator(".st-key-thr_rows_csv button").click()
    path = tmp_path / "rows.csv"
    download.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese names
    rows = pl.read_csv(raw[3:])
    assert rows.height == records > 0
    assert rows.columns[:3] == ["Date", "Shift", "Line"]
    dates = rows.get_column("Date").to_list()
    assert dates == sorted(dates, reverse=True)
    context.close()

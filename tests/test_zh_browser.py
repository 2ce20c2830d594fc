"""On a 1280 x 720 screen (a meeting-room projector) the language switch and a page's own sidebar
controls are visible without scrolling, and a page makes no request outside this server (the
favicon came from a font CDN). Real headless Chromium; screenshots go to artifacts/."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.support.browser import demo_server, screenshot, wait_idle  # noqa: F401  (demo_server: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SCREEN = {"width": 1280, "height": 720}


def in_view(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"] \
        and box["x"] >= 0 and box["x"] + box["width"] <= SCREEN["width"]


def test_language_switch_and_page_controls_visible_without_scrolling(demo_server):
    base, browser = demo_server
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname or ""))
    for path, control in (("analysis-equipment", None), ("planning-priority", "交期最早优先")):
        page.goto(f"{base}/{path}?lang=zh")
        wait_idle(page, 90_000)
        switch = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="语言")
        switch.wait_for(timeout=30_000)
        assert in_view(switch), f"{path}: language switch at {switch.bounding_box()}"
        if control:
            weight = page.locator("[data-testid='stSidebar']").get_by_text(control).first
            weight.wait_for(timeout=30_000)
            assert in_view(weight), f"{path}: {control} at {weight.bounding_box()}"
        screenshot(page, f"zh-1280x720-{path}")
    assert hosts <= {"127.0.0.1", "localhost"}, f"requests outside this server: {sorted(hosts)}"
    icon = page.locator("link[rel*='icon']").first.get_attribute("href") or ""
    assert urlparse(icon).hostname in (None, "127.0.0.1", "localhost"), icon
    context.close()


def test_home_tile_labels_are_whole_at_1280(demo_server):
    """Five headline tiles side by side: each KPI name and value wraps instead of ending in "…"
    (客户满意度(CSAT) was cut)."""
    base, browser = demo_server
    context = browser.new_context(viewport=SCREEN)
    page = context.new_page()
    for path in ("home", "analysis-equipment"):  # five headline tiles; four tiles with units (43,812 分钟)
        page.goto(f"{base}/{path}?lang=zh")
        wait_idle(page, 90_000)
        labels = page.locator("[data-testid='stMetricLabel']")
        labels.first.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        cut = page.evaluate("""() => [...document.querySelectorAll(
            "[data-testid='stMetricLabel'], [data-testid='stMetricLabel'] *, [data-testid='stMetricValue'] *, [data-testid^='stMetricDelta'], [data-testid^='stMetricDelta'] *")]
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)""")
        assert labels.count() >= 5 and cut == [], (path, cut)
        screenshot(page, f"zh-1280x720-tiles-{path}")
    context.close()

"""The four planning pages in headless Chromium on the small demo plant, in Chinese (and one in English):
they draw their chart and table without an error; screenshots go to artifacts/planning-*.png."""
import pytest

from tests.support.browser import ARTIFACTS, chromium, screenshot, streamlit_server, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

PAGES = {"planning-capacity": ("Capacity load", "产能负荷"), "planning-priority": ("Priority list", "排产优先级"),
         "planning-mrp": ("Material requirements (MRP)", "物料需求(MRP)"), "planning-progress": ("Progress", "生产进度")}


@pytest.fixture
def demo_url(tmp_path_factory):
    from data_access.db import get_engine, init_db
    from seed.demo import load_demo

    path = tmp_path_factory.mktemp("planning-demo") / "demo.db"
    engine = get_engine(f"sqlite:///{path}")
    init_db(engine)
    load_demo(engine, "small")
    return engine.url.render_as_string(hide_password=False)


def test_planning_pages_render(demo_url):
    with streamlit_server(demo_url) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        # every page in Chinese (CJK text must render), the capacity page in English too
        for (path, titles), lang in [(p, "zh") for p in PAGES.items()] + [(("planning-capacity", PAGES["planning-capacity"]), "en")]:
            page.goto(f"{base}/{path}?lang={lang}")
            wait_idle(page, 60_000)
            page.get_by_role("heading", name=titles[lang == "zh"]).first.wait_for(timeout=30_000)
            page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)
            page.wait_for_timeout(800)  # let the charts finish drawing before the screenshot
            screenshot(page, f"{path}-{lang}")
            if path != "planning-mrp":  # the MRP page has tables only
                chart = page.locator("[data-testid='stVegaLiteChart']").first
                chart.wait_for(timeout=30_000)
                chart.scroll_into_view_if_needed()
                page.wait_for_timeout(500)
                chart.screenshot(path=str(ARTIFACTS / f"{path}-{lang}-chart.png"))
            assert page.locator("[data-testid='stException']").count() == 0

"""The app opens in headless Debian Chromium and shows the Home page with the data status."""
import pytest

from tests.support.browser import chromium, screenshot, streamlit_server, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_home_page_opens_in_chromium(sqlite_engine):
    url = sqlite_engine.url.render_as_string(hide_password=False)
    with streamlit_server(url) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(base)
        wait_idle(page)
        page.get_by_text("Data status by department").wait_for(timeout=30_000)
        page.locator("[data-testid='stDataFrame']").wait_for(timeout=30_000)
        screenshot(page, "home-en")
        # the status grid is drawn on a canvas; its presence and the empty-database hint are in the DOM
        assert page.locator("[data-testid='stDataFrame']").count() == 1
        assert page.get_by_text("The database holds no data yet").count() == 1

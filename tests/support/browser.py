"""Browser-test helpers: a real `streamlit run` server and Debian's Chromium through Playwright.

Never downloads a browser: Playwright drives /usr/bin/chromium. Screenshots go to artifacts/.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", "--no-first-run"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(base: str, proc: subprocess.Popen, log_name: str = "its log", seconds: float = 60) -> None:
    """Until Streamlit's health endpoint answers; a server that exits or takes longer raises."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: see {log_name}")
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not start within {seconds:.0f} s")


@contextmanager
def streamlit_server(database_url: str, extra_env: dict | None = None):
    """Serve the app on a free port against `database_url`; yields the base URL."""
    port = free_port()
    env = {**os.environ, "PLANTKPI_DATABASE_URL": database_url, **(extra_env or {})}
    log = open(ARTIFACTS.mkdir(exist_ok=True) or ARTIFACTS / f"streamlit-{port}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
         "--client.toolbarMode", "minimal"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, proc, log.name)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def chromium():
    """A headless Debian Chromium browser (Playwright sync API)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_idle(page, timeout_ms: int = 30_000) -> None:
    """Wait until the script run triggered by the last action has finished."""
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=timeout_ms)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """(base URL, browser): the app served over a fresh small demo plant, and a Chromium, for one test module.
    A module takes it with `from tests.support.browser import demo_server  # noqa: F401 (fixture)`."""
    from data_access.db import get_engine, init_db
    from seed.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = get_engine(f"sqlite:///{path}")
    init_db(engine)
    load_demo(engine, "small")
    with streamlit_server(f"sqlite:///{path}") as base, chromium() as browser:
        yield base, browser

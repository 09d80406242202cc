"""Real-browser tests: Debian's Chromium driven by Playwright against Django's live server.

No browser is downloaded: Playwright launches ``/usr/bin/chromium`` (``apt-get install chromium``; `.ci/run`
installs it). A failing test leaves a screenshot in ``test-artifacts/`` and prints its path.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test itself
# (building data) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but Chromium is not installed at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            path = ARTIFACTS / f"{item.name}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
                report.sections.append(("screenshot", f"Screenshot of the failing page: {path}"))
                print(f"\nScreenshot of the failing page: {path}")
            except Exception as error:  # the page may be gone
                report.sections.append(("screenshot", f"no screenshot: {error}"))


@pytest.fixture(autouse=True)
def _school_day(ticking_now):
    """Browser tests run on the suite's school day, a Wednesday, whatever the real date is (the diary opens on
    the current week, Monday to Saturday: on a real Sunday a lesson «today» would not be on it)."""
    return ticking_now


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


def login(page, username: str, password: str = "pass") -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()

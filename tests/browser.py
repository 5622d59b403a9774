"""The browser of the end-to-end tests: Debian's Chromium, driven by Playwright, against
pytest-django's live server. Registered once for the whole suite (tests/conftest.py), so
that every folder with browser tests shares the one session browser: two sync
Playwright instances cannot run in one process.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's async-safety check would
# otherwise refuse the ORM calls that the tests and fixtures make while a browser is open.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # /dev/shm is small in sandboxes: "Shared memory: cannot allocate" otherwise.
    "--disable-dev-shm-usage",
]
ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "test-artifacts"
DEFAULT_PASSWORD = "pw-for-tests-1"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"The end-to-end tests need Debian's Chromium at {CHROMIUM} "
            "(apt-get install chromium); it is missing.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def artifacts_dir() -> Path:
    """Screenshots for review go here (git-ignored)."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture
def login(page, live_server):
    """`login("alice")` signs in through the login form and waits for the home page."""

    def _login(username: str, password: str = DEFAULT_PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation(url=f"{live_server.url}/"):
            page.click("form button[type=submit]")

    return _login

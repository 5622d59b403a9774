"""Every main page, as the people who use it, at desktop and phone widths: no serious or
critical axe-core (WCAG 2.1 AA) violation."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.e2e.accessibility import assert_accessible

DEMO_PASSWORD = "dangjian-demo-2026"
PAGES = {
    "staff": [
        "/",
        "/orgs/",
        "/orgs/QH03/",
        "/members/",
        "/members/export-log/",
        "/members/development/",
        "/members/transfers/",
        "/members/mobile/",
        "/members/dues/",
        "/members/training/",
        "/funding/",
        "/sites/",
        "/economy/",
        "/health/",
        "/health/weak-lax/",
        "/health/standards/",
        "/health/reviews/",
        "/checklists/review/",
        "/checklists/rectifications/",
        "/checklists/templates/",
        "/notifications/",
        "/orgs/life/",
        "/accounts/",
        "/accounts/secretaries/",
        "/accounts/new/",
        "/audit/",
        "/accounts/password_change/",
    ],
    "secretary": ["/", "/checklists/", "/orgs/life/", "/members/"],
    "leader": ["/", "/health/"],
}


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEBUG = True  # seed_demo refuses to make demo accounts with DEBUG off
    call_command("seed_demo", verbosity=0, no_bulletins=True)


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("username", list(PAGES))
def test_main_pages_have_no_serious_accessibility_violations(
    demo, browser, live_server, username, width
):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        assert_accessible(page, "/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        for url in PAGES[username]:
            response = page.goto(f"{live_server.url}{url}")
            assert response.status == 200, url
            assert_accessible(page, f"{url} as {username} at {width}px")
        if username == "secretary":
            page.goto(f"{live_server.url}/checklists/")
            page.locator("main a[href*='/checklists/']").first.click()
            assert_accessible(page, f"the fill page at {width}px")
    finally:
        context.close()
